"""TFRS deep & cross network with a custom loop using tf.function steps."""
import numpy as np
import tensorflow as tf
import tensorflow_recommenders as tfrs

FEATURES = ['user_id', 'movie_id', 'user_zip_code']


class DCN(tfrs.Model):

  def __init__(self, vocabularies, use_cross_layer=True, projection_dim=None,
               deep_layer_sizes=(192, 192)):
    super().__init__()
    self.embedding_dimension = 32
    self._all_features = FEATURES
    self._embeddings = {}
    for feature_name in self._all_features:
      vocabulary = vocabularies[feature_name]
      self._embeddings[feature_name] = tf.keras.Sequential([
          tf.keras.layers.IntegerLookup(vocabulary=vocabulary,
                                        mask_token=None),
          tf.keras.layers.Embedding(len(vocabulary) + 1,
                                    self.embedding_dimension)
      ])
    if use_cross_layer:
      self._cross_layer = tfrs.layers.dcn.Cross(
          projection_dim=projection_dim, kernel_initializer='glorot_uniform')
    else:
      self._cross_layer = None
    self._deep_layers = [tf.keras.layers.Dense(size, activation='relu')
                         for size in deep_layer_sizes]
    self._logit_layer = tf.keras.layers.Dense(1)
    self.task = tfrs.tasks.Ranking(
        loss=tf.keras.losses.MeanSquaredError(),
        metrics=[tf.keras.metrics.RootMeanSquaredError('RMSE')])

  def call(self, features):
    embeddings = []
    for feature_name in self._all_features:
      embedding_fn = self._embeddings[feature_name]
      embeddings.append(embedding_fn(features[feature_name]))
    x = tf.concat(embeddings, axis=1)
    if self._cross_layer is not None:
      x = self._cross_layer(x)
    for deep_layer in self._deep_layers:
      x = deep_layer(x)
    return self._logit_layer(x)

  def compute_loss(self, features, training=False):
    labels = features.pop('user_rating')
    scores = self(features)
    return self.task(labels=labels, predictions=scores)


def make_data(n=4096):
  rng = np.random.default_rng(1)
  data = {name: rng.integers(0, 50, n).astype(np.int64) for name in FEATURES}
  data['user_rating'] = rng.uniform(1, 5, n).astype(np.float32)
  return data


def custom_fit(model, dataset, epochs, learning_rate):
  optimizer = tf.keras.optimizers.Adam(learning_rate)

  @tf.function(reduce_retracing=True)
  def train_step(features):
    with tf.GradientTape() as tape:
      loss = model.compute_loss(dict(features), training=True)
      loss += sum(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss

  for epoch in range(epochs):
    losses = []
    for batch in dataset:
      losses.append(float(train_step(batch)))
    print('epoch %d loss %.4f' % (epoch, np.mean(losses)))


def main():
  data = make_data()
  vocabularies = {name: np.unique(data[name]) for name in FEATURES}
  ds = tf.data.Dataset.from_tensor_slices(data).shuffle(4096).batch(512)
  for use_cross in (True, False):
    model = DCN(vocabularies, use_cross_layer=use_cross, projection_dim=16)
    custom_fit(model, ds, epochs=2, learning_rate=0.01)
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01))
    print(model.evaluate(ds, return_dict=True))
