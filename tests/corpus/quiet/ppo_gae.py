"""PPO with GAE on a vectorised gym env; rollouts in Python, updates in graph."""
import gymnasium as gym
import numpy as np
import tensorflow as tf

CLIP = 0.2
GAMMA = 0.99
LAM = 0.95
EPOCHS = 4
MINIBATCH = 256
ENT_COEF = 0.01
VF_COEF = 0.5


class ActorCritic(tf.keras.Model):
    def __init__(self, n_actions):
        super().__init__()
        self.body = tf.keras.Sequential([
            tf.keras.layers.Dense(64, activation="tanh"),
            tf.keras.layers.Dense(64, activation="tanh"),
        ])
        self.pi = tf.keras.layers.Dense(n_actions)
        self.v = tf.keras.layers.Dense(1)

    def call(self, obs):
        h = self.body(obs)
        return self.pi(h), tf.squeeze(self.v(h), -1)


def compute_gae(rewards, values, dones, last_value):
    adv = np.zeros_like(rewards)
    last = 0.0
    for t in reversed(range(len(rewards))):
        next_v = last_value if t == len(rewards) - 1 else values[t + 1]
        delta = rewards[t] + GAMMA * next_v * (1 - dones[t]) - values[t]
        last = delta + GAMMA * LAM * (1 - dones[t]) * last
        adv[t] = last
    return adv, adv + values


class PPO:
    def __init__(self, obs_dim, n_actions, lr=3e-4):
        self.model = ActorCritic(n_actions)
        self.model(tf.zeros([1, obs_dim]))
        self.opt = tf.keras.optimizers.Adam(lr, epsilon=1e-5)

    @tf.function
    def policy(self, obs):
        logits, value = self.model(obs)
        action = tf.random.categorical(logits, 1)[:, 0]
        logp = tf.reduce_sum(tf.nn.log_softmax(logits) * tf.one_hot(action, tf.shape(logits)[-1]), -1)
        return action, logp, value

    @tf.function
    def train_minibatch(self, obs, actions, old_logp, adv, returns):
        adv = (adv - tf.reduce_mean(adv)) / (tf.math.reduce_std(adv) + 1e-8)
        with tf.GradientTape() as tape:
            logits, value = self.model(obs)
            logp_all = tf.nn.log_softmax(logits)
            logp = tf.reduce_sum(logp_all * tf.one_hot(actions, tf.shape(logits)[-1]), -1)
            ratio = tf.exp(logp - old_logp)
            clipped = tf.clip_by_value(ratio, 1 - CLIP, 1 + CLIP)
            pg_loss = -tf.reduce_mean(tf.minimum(ratio * adv, clipped * adv))
            v_loss = tf.reduce_mean(tf.square(returns - value))
            entropy = -tf.reduce_mean(tf.reduce_sum(tf.exp(logp_all) * logp_all, -1))
            loss = pg_loss + VF_COEF * v_loss - ENT_COEF * entropy
        grads = tape.gradient(loss, self.model.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, 0.5)
        self.opt.apply_gradients(zip(grads, self.model.trainable_variables))
        approx_kl = tf.reduce_mean(old_logp - logp)
        if approx_kl > 0.05:
            tf.print("large KL", approx_kl)
        return pg_loss, v_loss, approx_kl


def rollout(env, agent, obs, n_steps):
    buf = {k: [] for k in ("obs", "act", "logp", "val", "rew", "done")}
    for _ in range(n_steps):
        a, logp, v = agent.policy(tf.constant(obs, tf.float32))
        obs2, r, term, trunc, _ = env.step(a.numpy())
        buf["obs"].append(obs)
        buf["act"].append(a.numpy())
        buf["logp"].append(logp.numpy())
        buf["val"].append(v.numpy())
        buf["rew"].append(r)
        buf["done"].append(np.logical_or(term, trunc).astype(np.float32))
        obs = obs2
    _, _, last_v = agent.policy(tf.constant(obs, tf.float32))
    arrays = {k: np.asarray(v) for k, v in buf.items()}
    adv, ret = compute_gae(arrays["rew"], arrays["val"], arrays["done"], last_v.numpy())
    return obs, arrays, adv, ret


def main(total_steps=200_000, n_envs=8, n_steps=128):
    env = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1")] * n_envs)
    agent = PPO(env.single_observation_space.shape[0], env.single_action_space.n)
    obs, _ = env.reset(seed=0)
    for update in range(total_steps // (n_envs * n_steps)):
        obs, b, adv, ret = rollout(env, agent, obs, n_steps)
        flat = lambda x: x.reshape(-1, *x.shape[2:])
        data = (flat(b["obs"]).astype(np.float32), flat(b["act"]).astype(np.int32),
                flat(b["logp"]), flat(adv).astype(np.float32), flat(ret).astype(np.float32))
        n = data[0].shape[0]
        for _ in range(EPOCHS):
            idx = np.random.permutation(n)
            for start in range(0, n, MINIBATCH):
                mb = idx[start:start + MINIBATCH]
                pg, vl, kl = agent.train_minibatch(*(d[mb] for d in data))
        print(update, float(pg), float(vl), float(kl))


if __name__ == "__main__":
    main()
