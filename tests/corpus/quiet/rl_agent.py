"""Double DQN and advantage actor-critic agents for small discrete-action
environments. Environment stepping and the replay buffer are plain NumPy; the
network updates are compiled once with fixed signatures."""
import argparse
import collections
import logging
import random

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)


class GridWorld:
    """A width x height grid with a goal in the far corner and a few pits."""

    ACTIONS = ((0, 1), (0, -1), (1, 0), (-1, 0))

    def __init__(self, width=6, height=6, pits=((2, 2), (3, 4), (4, 1)), max_steps=100, seed=0):
        self.width = width
        self.height = height
        self.pits = set(pits)
        self.goal = (width - 1, height - 1)
        self.max_steps = max_steps
        self.rng = np.random.default_rng(seed)
        self.position = (0, 0)
        self.steps = 0

    @property
    def observation_size(self):
        return self.width * self.height

    @property
    def num_actions(self):
        return len(self.ACTIONS)

    def reset(self):
        self.position = (0, 0)
        self.steps = 0
        return self._observe()

    def step(self, action):
        if self.rng.random() < 0.1:
            action = int(self.rng.integers(self.num_actions))
        dx, dy = self.ACTIONS[action]
        x = min(max(self.position[0] + dx, 0), self.width - 1)
        y = min(max(self.position[1] + dy, 0), self.height - 1)
        self.position = (x, y)
        self.steps += 1
        if self.position == self.goal:
            return self._observe(), 1.0, True
        if self.position in self.pits:
            return self._observe(), -1.0, True
        return self._observe(), -0.01, self.steps >= self.max_steps

    def _observe(self):
        obs = np.zeros(self.observation_size, dtype=np.float32)
        obs[self.position[1] * self.width + self.position[0]] = 1.0
        return obs


class ReplayBuffer:
    """Fixed-size circular buffer of transitions stored in NumPy arrays."""

    def __init__(self, capacity, observation_size, seed=0):
        self.capacity = capacity
        self.states = np.zeros((capacity, observation_size), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int32)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.next_states = np.zeros((capacity, observation_size), dtype=np.float32)
        self.dones = np.zeros(capacity, dtype=np.float32)
        self.index = 0
        self.size = 0
        self.rng = np.random.default_rng(seed)

    def add(self, state, action, reward, next_state, done):
        i = self.index
        self.states[i], self.actions[i], self.rewards[i] = state, action, reward
        self.next_states[i], self.dones[i] = next_state, float(done)
        self.index = (self.index + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size):
        idx = self.rng.integers(0, self.size, size=batch_size)
        return (
            self.states[idx], self.actions[idx], self.rewards[idx],
            self.next_states[idx], self.dones[idx],
        )

    def __len__(self):
        return self.size


def mlp(output_size, hidden=(128, 128), name=None):
    layers = [tf.keras.layers.Dense(units, activation="relu") for units in hidden]
    layers.append(tf.keras.layers.Dense(output_size))
    return tf.keras.Sequential(layers, name=name)


class DoubleDQN:
    def __init__(self, observation_size, num_actions, gamma=0.99, learning_rate=5e-4,
                 tau=0.01, target_every=4):
        self.num_actions = num_actions
        self.gamma = gamma
        self.tau = tau
        self.target_every = target_every
        self.online = mlp(num_actions, name="online")
        self.target = mlp(num_actions, name="target")
        dummy = tf.zeros([1, observation_size])
        self.online(dummy)
        self.target(dummy)
        self.target.set_weights(self.online.get_weights())
        self.optimizer = tf.keras.optimizers.Adam(learning_rate, clipnorm=10.0)
        self.updates = tf.Variable(0, dtype=tf.int64, trainable=False, name="updates")

        obs_spec = tf.TensorSpec([None, observation_size], tf.float32)
        self.act = tf.function(
            self._act, input_signature=[obs_spec, tf.TensorSpec([], tf.float32)]
        )
        self.learn = tf.function(self._learn, input_signature=[
            obs_spec,
            tf.TensorSpec([None], tf.int32),
            tf.TensorSpec([None], tf.float32),
            obs_spec,
            tf.TensorSpec([None], tf.float32),
        ])

    def _act(self, observations, epsilon):
        q_values = self.online(observations)
        greedy = tf.argmax(q_values, axis=-1, output_type=tf.int32)
        batch = tf.shape(observations)[0]
        random_actions = tf.random.uniform([batch], 0, self.num_actions, dtype=tf.int32)
        explore = tf.random.uniform([batch]) < epsilon
        return tf.where(explore, random_actions, greedy)

    def _soft_update(self):
        for target_var, online_var in zip(self.target.variables, self.online.variables):
            target_var.assign(self.tau * online_var + (1.0 - self.tau) * target_var)

    def _learn(self, states, actions, rewards, next_states, dones):
        next_actions = tf.argmax(self.online(next_states), axis=-1, output_type=tf.int32)
        next_q = tf.gather(self.target(next_states), next_actions, batch_dims=1)
        targets = tf.stop_gradient(rewards + self.gamma * (1.0 - dones) * next_q)
        with tf.GradientTape() as tape:
            q = tf.gather(self.online(states, training=True), actions, batch_dims=1)
            td_error = targets - q
            loss = tf.reduce_mean(tf.keras.losses.huber(targets[:, tf.newaxis], q[:, tf.newaxis]))
        grads = tape.gradient(loss, self.online.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.online.trainable_variables))
        self.updates.assign_add(1)
        if self.updates % self.target_every == 0:
            self._soft_update()
        return loss, tf.reduce_mean(tf.abs(td_error))


class ActorCritic(tf.keras.Model):
    def __init__(self, num_actions, hidden=128):
        super().__init__()
        self.body = tf.keras.layers.Dense(hidden, activation="relu")
        self.policy_head = tf.keras.layers.Dense(num_actions)
        self.value_head = tf.keras.layers.Dense(1)

    def call(self, observations):
        h = self.body(observations)
        return self.policy_head(h), tf.squeeze(self.value_head(h), axis=-1)


@tf.function(input_signature=[
    tf.TensorSpec([None], tf.float32),
    tf.TensorSpec([None], tf.float32),
    tf.TensorSpec([None], tf.float32),
    tf.TensorSpec([], tf.float32),
    tf.TensorSpec([], tf.float32),
    tf.TensorSpec([], tf.float32),
])
def generalized_advantages(rewards, values, dones, bootstrap_value, gamma, lam):
    """GAE(lambda), computed backwards over one trajectory with a TensorArray."""
    length = tf.shape(rewards)[0]
    advantages = tf.TensorArray(tf.float32, size=length)
    next_value = bootstrap_value
    running = tf.constant(0.0)
    for t in tf.range(length - 1, -1, -1):
        not_done = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * not_done - values[t]
        running = delta + gamma * lam * not_done * running
        advantages = advantages.write(t, running)
        next_value = values[t]
    advantages = advantages.stack()
    return advantages, advantages + values


class A2CTrainer:
    def __init__(self, observation_size, num_actions, learning_rate=7e-4,
                 gamma=0.99, lam=0.95, entropy_coef=0.01, value_coef=0.5):
        self.model = ActorCritic(num_actions)
        self.model(tf.zeros([1, observation_size]))
        self.optimizer = tf.keras.optimizers.RMSprop(learning_rate)
        self.gamma = tf.constant(gamma)
        self.lam = tf.constant(lam)
        self.entropy_coef = entropy_coef
        self.value_coef = value_coef

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def sample_actions(self, observations):
        logits, values = self.model(observations)
        actions = tf.random.categorical(logits, 1, dtype=tf.int32)[:, 0]
        return actions, values

    @tf.function(input_signature=[
        tf.TensorSpec([None, None], tf.float32),
        tf.TensorSpec([None], tf.int32),
        tf.TensorSpec([None], tf.float32),
        tf.TensorSpec([None], tf.float32),
    ])
    def update(self, observations, actions, advantages, returns):
        advantages = (advantages - tf.reduce_mean(advantages)) / (
            tf.math.reduce_std(advantages) + 1e-8
        )
        with tf.GradientTape() as tape:
            logits, values = self.model(observations)
            log_probs = tf.nn.log_softmax(logits)
            chosen = tf.gather(log_probs, actions, batch_dims=1)
            policy_loss = -tf.reduce_mean(chosen * advantages)
            value_loss = tf.reduce_mean(tf.square(returns - values))
            entropy = -tf.reduce_mean(tf.reduce_sum(tf.exp(log_probs) * log_probs, axis=-1))
            loss = policy_loss + self.value_coef * value_loss - self.entropy_coef * entropy
        grads = tape.gradient(loss, self.model.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, 0.5)
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        return {"policy_loss": policy_loss, "value_loss": value_loss, "entropy": entropy}


def linear_epsilon(step, start=1.0, end=0.05, decay_steps=20000):
    fraction = min(step / decay_steps, 1.0)
    return start + fraction * (end - start)


def train_dqn(env, total_steps=50000, batch_size=64, warmup=1000, seed=0):
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    agent = DoubleDQN(env.observation_size, env.num_actions)
    buffer = ReplayBuffer(100000, env.observation_size, seed=seed)
    returns = collections.deque(maxlen=50)
    state, episode_return = env.reset(), 0.0
    for step in range(total_steps):
        epsilon = linear_epsilon(step)
        action = int(agent.act(state[np.newaxis], epsilon)[0])
        next_state, reward, done = env.step(action)
        buffer.add(state, action, reward, next_state, done)
        state, episode_return = next_state, episode_return + reward
        if done:
            returns.append(episode_return)
            state, episode_return = env.reset(), 0.0
        if len(buffer) >= warmup:
            loss, td = agent.learn(*buffer.sample(batch_size))
            if step % 5000 == 0:
                logger.info("step %d  eps %.2f  loss %.4f  |td| %.3f  return %.2f",
                            step, epsilon, float(loss), float(td),
                            np.mean(returns) if returns else float("nan"))
    return agent


def train_a2c(env, iterations=2000, rollout_length=64):
    trainer = A2CTrainer(env.observation_size, env.num_actions)
    state = env.reset()
    for iteration in range(iterations):
        states, actions, rewards, dones, values = [], [], [], [], []
        for _ in range(rollout_length):
            action, value = trainer.sample_actions(state[np.newaxis])
            action = int(action[0])
            next_state, reward, done = env.step(action)
            states.append(state)
            actions.append(action)
            rewards.append(reward)
            dones.append(float(done))
            values.append(float(value[0]))
            state = env.reset() if done else next_state
        _, bootstrap = trainer.sample_actions(state[np.newaxis])
        advantages, returns = generalized_advantages(
            np.asarray(rewards, np.float32), np.asarray(values, np.float32),
            np.asarray(dones, np.float32), bootstrap[0], trainer.gamma, trainer.lam,
        )
        stats = trainer.update(
            np.stack(states), np.asarray(actions, np.int32), advantages, returns
        )
        if iteration % 200 == 0:
            print(f"iteration {iteration}: " + ", ".join(
                f"{name} {float(value):.4f}" for name, value in stats.items()
            ))
    return trainer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--algo", choices=("dqn", "a2c"), default="dqn")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    env = GridWorld(seed=args.seed)
    if args.algo == "dqn":
        train_dqn(env, seed=args.seed)
    else:
        train_a2c(env)


if __name__ == "__main__":
    main()
