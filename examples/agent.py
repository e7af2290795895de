"""Deep Q-learning on a small corridor environment, written with TF 2."""
import collections
import pdb
import random

import numpy as np
import tensorflow as tf

tf.config.run_functions_eagerly(True)

GAMMA = 0.99
MIN_EPSILON = 0.05
EPSILON_DECAY_STEPS = 5000.0
BATCH_SIZE = 64
TARGET_UPDATE_EVERY = 500

Transition = collections.namedtuple("Transition", "state action reward next_state done")


class Corridor:
    """Walk right to reach the goal; every step costs a little."""

    def __init__(self, length=12, max_steps=60):
        self.length = length
        self.max_steps = max_steps
        self.position = 0
        self.steps = 0

    def reset(self):
        self.position, self.steps = 0, 0
        return self._observe()

    def step(self, action):
        self.position = max(0, min(self.length - 1, self.position + (1 if action == 1 else -1)))
        self.steps += 1
        done = self.position == self.length - 1 or self.steps >= self.max_steps
        reward = 1.0 if self.position == self.length - 1 else -0.01
        return self._observe(), reward, done

    def _observe(self):
        obs = np.zeros(self.length, dtype=np.float32)
        obs[self.position] = 1.0
        return obs


class ReplayBuffer:
    def __init__(self, capacity=50000):
        self.buffer = collections.deque(maxlen=capacity)

    def add(self, *transition):
        self.buffer.append(Transition(*transition))

    def sample(self, batch_size):
        batch = random.sample(self.buffer, batch_size)
        return (
            np.stack([t.state for t in batch]),
            np.array([t.action for t in batch], dtype=np.int32),
            np.array([t.reward for t in batch], dtype=np.float32),
            np.stack([t.next_state for t in batch]),
            np.array([t.done for t in batch], dtype=np.float32),
        )

    def __len__(self):
        return len(self.buffer)


def build_q_network(obs_size, num_actions):
    return tf.keras.Sequential([
        tf.keras.Input(shape=(obs_size,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(num_actions),
    ])


@tf.function
def epsilon_greedy(q_values, step):
    epsilon = tf.maximum(MIN_EPSILON, 1.0 - tf.cast(step, tf.float32) / EPSILON_DECAY_STEPS)
    greedy = tf.argmax(q_values, axis=-1, output_type=tf.int32)
    random_action = tf.random.uniform(tf.shape(greedy), 0, tf.shape(q_values)[-1], dtype=tf.int32)
    return tf.where(tf.random.uniform(tf.shape(greedy)) < epsilon, random_action, greedy)


@tf.function
def discounted_return(rewards, gamma):
    if tf.size(rewards) == 0:
        return tf.constant(0.0)
    return rewards[0] + gamma * discounted_return(rewards[1:], gamma)


@tf.function
def imagined_rollout(q_net, state, horizon):
    for _ in range(horizon):
        action = tf.argmax(q_net(state), axis=-1)
        yield action


class DQNAgent:
    def __init__(self, obs_size, num_actions, learning_rate=1e-3):
        self.q_net = build_q_network(obs_size, num_actions)
        self.target_net = build_q_network(obs_size, num_actions)
        self.target_net.set_weights(self.q_net.get_weights())
        self.optimizer = tf.keras.optimizers.Adam(learning_rate)
        self.updates = tf.Variable(0, dtype=tf.int64, trainable=False)

    @tf.function(input_signature=[
        tf.TensorSpec([None, None], tf.float32),
        tf.TensorSpec([None], tf.int32),
        tf.TensorSpec([None], tf.float32),
        tf.TensorSpec([None, None], tf.float32),
        tf.TensorSpec([None], tf.float32),
    ])
    def learn(self, states, actions, rewards, next_states, dones):
        next_q = tf.reduce_max(self.target_net(next_states), axis=-1)
        targets = rewards + GAMMA * (1.0 - dones) * next_q
        with tf.GradientTape() as tape:
            q = self.q_net(states)
            chosen = tf.gather(q, actions, batch_dims=1)
            loss = tf.reduce_mean(tf.keras.losses.huber(targets, chosen))
        if tf.math.is_nan(loss):
            pdb.set_trace()
        grads = tape.gradient(loss, self.q_net.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.q_net.trainable_variables))
        self.updates.assign_add(1)
        return loss

    def sync_target(self):
        self.target_net.set_weights(self.q_net.get_weights())


def train(num_steps=20000, seed=0):
    random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    print("functions run eagerly:", tf.config.experimental_functions_run_eagerly())

    env = Corridor()
    agent = DQNAgent(env.length, 2)
    buffer = ReplayBuffer()
    state, episode_return, returns = env.reset(), 0.0, []
    for step in range(num_steps):
        q_values = agent.q_net(state[np.newaxis])
        action = int(epsilon_greedy(q_values, step)[0])
        next_state, reward, done = env.step(action)
        buffer.add(state, action, reward, next_state, done)
        state, episode_return = next_state, episode_return + reward
        if done:
            returns.append(episode_return)
            state, episode_return = env.reset(), 0.0
        if len(buffer) >= BATCH_SIZE:
            loss = agent.learn(*buffer.sample(BATCH_SIZE))
            if step % TARGET_UPDATE_EVERY == 0:
                agent.sync_target()
                recent = np.mean(returns[-20:]) if returns else 0.0
                print(f"step {step}: loss {float(loss):.4f}, mean return {recent:.2f}")
    return agent


if __name__ == "__main__":
    train()
