"""DQN with a numpy replay buffer, epsilon-greedy acting, target network sync."""
import random
from collections import deque

import gymnasium as gym
import numpy as np
import tensorflow as tf

GAMMA = 0.99
BATCH = 64
BUFFER = 100_000
TARGET_SYNC = 500
EPS_START, EPS_END, EPS_DECAY = 1.0, 0.05, 20_000


class ReplayBuffer:
    def __init__(self, capacity):
        self.data = deque(maxlen=capacity)

    def add(self, s, a, r, s2, done):
        self.data.append((s, a, r, s2, done))

    def sample(self, n):
        batch = random.sample(self.data, n)
        s, a, r, s2, d = map(np.array, zip(*batch))
        return (s.astype(np.float32), a.astype(np.int32), r.astype(np.float32),
                s2.astype(np.float32), d.astype(np.float32))

    def __len__(self):
        return len(self.data)


def q_network(obs_dim, n_actions):
    inputs = tf.keras.Input((obs_dim,))
    x = tf.keras.layers.Dense(128, activation="relu")(inputs)
    x = tf.keras.layers.Dense(128, activation="relu")(x)
    return tf.keras.Model(inputs, tf.keras.layers.Dense(n_actions)(x))


class DQNAgent:
    def __init__(self, obs_dim, n_actions):
        self.n_actions = n_actions
        self.q = q_network(obs_dim, n_actions)
        self.target = q_network(obs_dim, n_actions)
        self.target.set_weights(self.q.get_weights())
        self.opt = tf.keras.optimizers.Adam(5e-4)
        self.loss_fn = tf.keras.losses.Huber()
        self.steps = 0

    def epsilon(self):
        frac = min(1.0, self.steps / EPS_DECAY)
        return EPS_START + frac * (EPS_END - EPS_START)

    def act(self, obs):
        self.steps += 1
        if random.random() < self.epsilon():
            return random.randrange(self.n_actions)
        q = self.greedy_q(tf.convert_to_tensor(obs[None], tf.float32))
        return int(tf.argmax(q[0]).numpy())

    @tf.function
    def greedy_q(self, obs):
        return self.q(obs, training=False)

    @tf.function
    def update(self, s, a, r, s2, done):
        next_q = tf.reduce_max(self.target(s2, training=False), axis=1)
        target = r + GAMMA * (1.0 - done) * next_q
        with tf.GradientTape() as tape:
            q = self.q(s, training=True)
            q_sa = tf.gather(q, a, batch_dims=1)
            loss = self.loss_fn(tf.stop_gradient(target), q_sa)
        grads = tape.gradient(loss, self.q.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, 10.0)
        self.opt.apply_gradients(zip(grads, self.q.trainable_variables))
        return loss

    def sync_target(self):
        for t, s in zip(self.target.variables, self.q.variables):
            t.assign(s)


def run(episodes=500):
    env = gym.make("CartPole-v1")
    agent = DQNAgent(env.observation_space.shape[0], env.action_space.n)
    buffer = ReplayBuffer(BUFFER)
    returns = []
    for ep in range(episodes):
        obs, _ = env.reset(seed=ep)
        done, total = False, 0.0
        while not done:
            action = agent.act(obs)
            obs2, reward, term, trunc, _ = env.step(action)
            done = term or trunc
            buffer.add(obs, action, reward, obs2, float(term))
            obs = obs2
            total += reward
            if len(buffer) >= BATCH:
                loss = agent.update(*buffer.sample(BATCH))
            if agent.steps % TARGET_SYNC == 0:
                agent.sync_target()
        returns.append(total)
        if ep % 20 == 0:
            print(ep, np.mean(returns[-20:]), agent.epsilon())
    return returns


if __name__ == "__main__":
    run()
