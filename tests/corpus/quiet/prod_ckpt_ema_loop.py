"""Custom training loop: Checkpoint/CheckpointManager, EMA, clipping, summaries."""
import os

import numpy as np
import tensorflow as tf


def make_dataset(batch_size=64):
  x = np.random.rand(4096, 20).astype(np.float32)
  w = np.random.rand(20, 1).astype(np.float32)
  y = (x @ w + 0.1 * np.random.randn(4096, 1)).astype(np.float32)
  ds = tf.data.Dataset.from_tensor_slices((x, y))
  return ds.shuffle(4096).batch(batch_size, drop_remainder=True).prefetch(2)


class Trainer:

  def __init__(self, model_dir, clip_norm=1.0, ema_decay=0.999):
    self.model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1),
    ])
    self.model.build((None, 20))
    self.optimizer = tf.keras.optimizers.Adam(1e-3)
    self.clip_norm = clip_norm
    self.ema = tf.train.ExponentialMovingAverage(decay=ema_decay)
    self.ema.apply(self.model.trainable_variables)
    self.step = tf.Variable(0, dtype=tf.int64, trainable=False)
    self.checkpoint = tf.train.Checkpoint(
        model=self.model, optimizer=self.optimizer, step=self.step)
    self.manager = tf.train.CheckpointManager(
        self.checkpoint, os.path.join(model_dir, 'ckpt'), max_to_keep=5)
    self.writer = tf.summary.create_file_writer(
        os.path.join(model_dir, 'train'))
    self.train_loss = tf.keras.metrics.Mean()

  @tf.function
  def train_step(self, x, y):
    with tf.GradientTape() as tape:
      pred = self.model(x, training=True)
      loss = tf.reduce_mean(tf.keras.losses.mse(y, pred))
    grads = tape.gradient(loss, self.model.trainable_variables)
    grads, global_norm = tf.clip_by_global_norm(grads, self.clip_norm)
    self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
    self.ema.apply(self.model.trainable_variables)
    self.step.assign_add(1)
    self.train_loss.update_state(loss)
    with self.writer.as_default(step=self.step):
      tf.summary.scalar('loss', loss)
      tf.summary.scalar('grad_norm', global_norm)
    return loss

  @tf.function
  def eval_step(self, x, y):
    backups = [tf.identity(v) for v in self.model.trainable_variables]
    for v in self.model.trainable_variables:
      v.assign(self.ema.average(v))
    pred = self.model(x, training=False)
    for v, b in zip(self.model.trainable_variables, backups):
      v.assign(b)
    return tf.reduce_mean(tf.keras.losses.mse(y, pred))

  def fit(self, epochs):
    self.checkpoint.restore(self.manager.latest_checkpoint)
    ds = make_dataset()
    for epoch in range(epochs):
      self.train_loss.reset_states()
      for x, y in ds:
        self.train_step(x, y)
      save_path = self.manager.save(checkpoint_number=self.step)
      eval_losses = [self.eval_step(x, y) for x, y in ds.take(5)]
      with self.writer.as_default():
        tf.summary.scalar('eval_loss', tf.reduce_mean(eval_losses),
                          step=self.step)
      print('epoch {} loss {:.4f} saved {}'.format(
          epoch, self.train_loss.result().numpy(), save_path))
    self.writer.flush()
