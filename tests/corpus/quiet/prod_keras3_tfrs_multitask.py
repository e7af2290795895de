"""TFRS multitask model (retrieval + ranking) with weights, Keras fit."""
import numpy as np
import tensorflow as tf
import tensorflow_recommenders as tfrs


class MultiTaskModel(tfrs.models.Model):

  def __init__(self, users, movies, rating_weight, retrieval_weight):
    super().__init__()
    dim = 32
    self.movie_model = tf.keras.Sequential([
        tf.keras.layers.StringLookup(vocabulary=movies, mask_token=None),
        tf.keras.layers.Embedding(len(movies) + 1, dim)])
    self.user_model = tf.keras.Sequential([
        tf.keras.layers.StringLookup(vocabulary=users, mask_token=None),
        tf.keras.layers.Embedding(len(users) + 1, dim)])
    self.rating_model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation='relu'),
        tf.keras.layers.Dense(1)])
    self.rating_task = tfrs.tasks.Ranking(
        loss=tf.keras.losses.MeanSquaredError(),
        metrics=[tf.keras.metrics.RootMeanSquaredError()])
    self.retrieval_task = tfrs.tasks.Retrieval()
    self.rating_weight = rating_weight
    self.retrieval_weight = retrieval_weight

  def call(self, features):
    user_embeddings = self.user_model(features['user_id'])
    movie_embeddings = self.movie_model(features['movie_title'])
    return (user_embeddings, movie_embeddings,
            self.rating_model(tf.concat([user_embeddings, movie_embeddings],
                                        axis=1)))

  def compute_loss(self, features, training=False):
    ratings = features.pop('user_rating')
    user_embeddings, movie_embeddings, rating_predictions = self(features)
    rating_loss = self.rating_task(labels=ratings,
                                   predictions=rating_predictions)
    retrieval_loss = self.retrieval_task(user_embeddings, movie_embeddings)
    return (self.rating_weight * rating_loss +
            self.retrieval_weight * retrieval_loss)


def main():
  users = np.array(['u%d' % i for i in range(30)])
  movies = np.array(['m%d' % i for i in range(60)])
  n = 600
  ds = tf.data.Dataset.from_tensor_slices({
      'user_id': np.random.choice(users, n),
      'movie_title': np.random.choice(movies, n),
      'user_rating': np.random.uniform(1, 5, n).astype(np.float32),
  }).batch(64).cache()
  for rating_weight, retrieval_weight in [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]:
    model = MultiTaskModel(users, movies, rating_weight, retrieval_weight)
    model.compile(optimizer=tf.keras.optimizers.Adagrad(0.1))
    model.fit(ds, epochs=2, verbose=0)
    metrics = model.evaluate(ds, return_dict=True, verbose=0)
    print(rating_weight, retrieval_weight, metrics)
