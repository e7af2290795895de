"""Orbit utilities used directly: create_tf_while_loop_fn and a custom runner."""
import orbit
from orbit import utils as orbit_utils
import tensorflow as tf


class ContrastiveRunner(orbit.AbstractTrainer):
  """A hand-written runner that builds its loop with orbit.utils."""

  def __init__(self, model, optimizer, dataset, temperature=0.1,
               use_tf_function=True):
    self.model = model
    self.optimizer = optimizer
    self.temperature = temperature
    self.global_step = orbit_utils.create_global_step()
    self.loss_metric = tf.keras.metrics.Mean('loss')
    self._dataset = dataset
    self._iterator = None
    loop_fn = orbit_utils.create_tf_while_loop_fn(self._train_step)
    if use_tf_function:
      loop_fn = tf.function(loop_fn)
    self._loop_fn = loop_fn

  def _contrastive_loss(self, a, b):
    a = tf.math.l2_normalize(a, axis=-1)
    b = tf.math.l2_normalize(b, axis=-1)
    logits = tf.matmul(a, b, transpose_b=True) / self.temperature
    labels = tf.range(tf.shape(a)[0])
    return tf.reduce_mean(
        tf.keras.losses.sparse_categorical_crossentropy(
            labels, logits, from_logits=True))

  def _train_step(self, iterator):
    view_a, view_b = next(iterator)
    with tf.GradientTape() as tape:
      za = self.model(view_a, training=True)
      zb = self.model(view_b, training=True)
      loss = self._contrastive_loss(za, zb)
    grads = tape.gradient(loss, self.model.trainable_variables)
    self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
    self.loss_metric.update_state(loss)
    self.global_step.assign_add(1)

  def train(self, num_steps):
    if self._iterator is None:
      self._iterator = iter(self._dataset)
    self.loss_metric.reset_states()
    self._loop_fn(self._iterator, tf.convert_to_tensor(num_steps, tf.int32))
    return {'loss': self.loss_metric.result()}


def augment(x):
  x = tf.image.random_flip_left_right(x)
  x = tf.image.random_brightness(x, 0.2)
  return x


def make_pairs():
  images = tf.random.uniform([256, 32, 32, 3])
  ds = tf.data.Dataset.from_tensor_slices(images)
  ds = ds.map(lambda x: (augment(x), augment(x)),
              num_parallel_calls=tf.data.AUTOTUNE)
  return ds.repeat().batch(32)


def main():
  encoder = tf.keras.Sequential([
      tf.keras.layers.Conv2D(16, 3, activation='relu'),
      tf.keras.layers.GlobalAveragePooling2D(),
      tf.keras.layers.Dense(64),
  ])
  runner = ContrastiveRunner(encoder, tf.keras.optimizers.Adam(1e-3),
                             make_pairs())
  for epoch in range(5):
    logs = runner.train(100)
    print('epoch', epoch, 'loss', float(logs['loss']))
  single = orbit_utils.create_loop_fn(runner._train_step)
  single(iter(make_pairs()), 10)
