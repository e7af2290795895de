"""Orbit trainer run eagerly for debugging: use_tf_function=False."""
import numpy as np
import orbit
import tensorflow as tf


class DebugTrainer(orbit.StandardTrainer):

  def __init__(self, model, optimizer, dataset):
    self.model = model
    self.optimizer = optimizer
    self.global_step = optimizer.iterations
    self.losses = []
    super().__init__(
        dataset,
        options=orbit.StandardTrainerOptions(use_tf_function=False,
                                             use_tf_while_loop=False))

  def train_loop_begin(self):
    self.losses = []

  def train_step(self, iterator):
    x, y = next(iterator)
    with tf.GradientTape() as tape:
      loss = tf.reduce_mean(tf.square(self.model(x) - y))
    grads = tape.gradient(loss, self.model.trainable_variables)
    self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
    # Eager by construction (use_tf_function=False): these are real values.
    value = loss.numpy()
    self.losses.append(value)
    if np.isnan(value):
      raise FloatingPointError('loss became NaN')

  def train_loop_end(self):
    return {'loss': float(np.mean(self.losses))}


def main():
  x = np.random.rand(256, 3).astype(np.float32)
  y = x.sum(axis=1, keepdims=True)
  ds = tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(16)
  model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
  trainer = DebugTrainer(model, tf.keras.optimizers.SGD(0.05), ds)
  controller = orbit.Controller(trainer=trainer,
                                global_step=trainer.global_step,
                                steps_per_loop=10)
  controller.train(steps=100)
