"""TF Ranking keras listwise model on ragged synthetic lists."""
import numpy as np
import tensorflow as tf
import tensorflow_ranking as tfr


def make_ragged_lists(num_queries=200, max_list=12, dim=8, seed=3):
  rng = np.random.default_rng(seed)
  lengths = rng.integers(2, max_list, num_queries)
  feats = rng.normal(size=(int(lengths.sum()), dim)).astype(np.float32)
  labels = rng.integers(0, 5, int(lengths.sum())).astype(np.float32)
  ragged_x = tf.RaggedTensor.from_row_lengths(feats, lengths)
  ragged_y = tf.RaggedTensor.from_row_lengths(labels, lengths)
  return tf.data.Dataset.from_tensor_slices((ragged_x, ragged_y))


class ListwiseScorer(tf.keras.Model):

  def __init__(self, hidden=32):
    super().__init__()
    self.dense1 = tf.keras.layers.Dense(hidden, activation='relu')
    self.dense2 = tf.keras.layers.Dense(1)

  def call(self, inputs):
    # inputs: RaggedTensor [batch, (list), dim]
    flat = inputs.flat_values
    scores = tf.squeeze(self.dense2(self.dense1(flat)), axis=-1)
    return inputs.with_flat_values(scores)


def build_and_fit():
  ds = make_ragged_lists().batch(16)
  model = ListwiseScorer()
  loss = tfr.keras.losses.SoftmaxLoss(ragged=True)
  metrics = [tfr.keras.metrics.NDCGMetric(name='ndcg@5', topn=5, ragged=True),
             tfr.keras.metrics.MRRMetric(name='mrr', ragged=True)]
  model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=loss,
                metrics=metrics)
  model.fit(ds, epochs=2)
  return model


class PaddedTrainer:
  """Converts ragged lists to padded tensors with a mask for tfr losses."""

  def __init__(self, model, list_size=12):
    self.model = model
    self.list_size = list_size
    self.loss = tfr.keras.losses.ApproxNDCGLoss()
    self.metric = tfr.keras.metrics.NDCGMetric(topn=10)
    self.optimizer = tf.keras.optimizers.Adam(1e-3)

  def _pad(self, ragged_x, ragged_y):
    x = ragged_x.to_tensor(shape=[None, self.list_size, None])
    y = ragged_y.to_tensor(default_value=-1.0, shape=[None, self.list_size])
    return x, y

  @tf.function
  def train_step(self, ragged_x, ragged_y):
    x, y = self._pad(ragged_x, ragged_y)
    mask = tf.greater_equal(y, 0.0)
    with tf.GradientTape() as tape:
      scores = tf.squeeze(self.model.dense2(self.model.dense1(x)), -1)
      scores = tf.where(mask, scores, tf.fill(tf.shape(scores), -1e9))
      loss = self.loss(y, scores, sample_weight=tf.cast(mask, tf.float32))
    grads = tape.gradient(loss, self.model.trainable_variables)
    self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
    self.metric.update_state(y, scores)
    return loss

  def fit(self, dataset, epochs):
    for epoch in range(epochs):
      self.metric.reset_state()
      for ragged_x, ragged_y in dataset:
        loss = self.train_step(ragged_x, ragged_y)
      tf.print('epoch', epoch, 'loss', loss, 'ndcg', self.metric.result())


def main():
  model = build_and_fit()
  PaddedTrainer(model).fit(make_ragged_lists().batch(16), epochs=2)
