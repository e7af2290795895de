"""TF Recommenders two-tower retrieval on synthetic movie data."""
from typing import Dict, Text

import numpy as np
import tensorflow as tf
import tensorflow_recommenders as tfrs


def synthetic_ratings(n=2000, users=100, movies=300):
  rng = np.random.default_rng(0)
  user_ids = np.array([str(u) for u in rng.integers(0, users, n)])
  movie_titles = np.array(['movie_%d' % m for m in rng.integers(0, movies, n)])
  ratings = tf.data.Dataset.from_tensor_slices(
      {'user_id': user_ids, 'movie_title': movie_titles})
  titles = tf.data.Dataset.from_tensor_slices(
      np.array(['movie_%d' % m for m in range(movies)]))
  return ratings, titles


class MovieLensModel(tfrs.Model):

  def __init__(self, user_model, movie_model, task):
    super().__init__()
    self.movie_model: tf.keras.Model = movie_model
    self.user_model: tf.keras.Model = user_model
    self.task: tf.keras.layers.Layer = task

  def compute_loss(self, features: Dict[Text, tf.Tensor],
                   training=False) -> tf.Tensor:
    user_embeddings = self.user_model(features['user_id'])
    movie_embeddings = self.movie_model(features['movie_title'])
    return self.task(user_embeddings, movie_embeddings,
                     compute_metrics=not training)


def build(ratings, movies, embedding_dim=32):
  user_ids_vocabulary = tf.keras.layers.StringLookup(mask_token=None)
  user_ids_vocabulary.adapt(ratings.map(lambda x: x['user_id']))
  movie_titles_vocabulary = tf.keras.layers.StringLookup(mask_token=None)
  movie_titles_vocabulary.adapt(movies)

  user_model = tf.keras.Sequential([
      user_ids_vocabulary,
      tf.keras.layers.Embedding(user_ids_vocabulary.vocabulary_size(),
                                embedding_dim)
  ])
  movie_model = tf.keras.Sequential([
      movie_titles_vocabulary,
      tf.keras.layers.Embedding(movie_titles_vocabulary.vocabulary_size(),
                                embedding_dim)
  ])
  task = tfrs.tasks.Retrieval(metrics=tfrs.metrics.FactorizedTopK(
      movies.batch(128).map(movie_model)))
  return user_model, movie_model, task


def main():
  ratings, movies = synthetic_ratings()
  user_model, movie_model, task = build(ratings, movies)
  model = MovieLensModel(user_model, movie_model, task)
  model.compile(optimizer=tf.keras.optimizers.Adagrad(0.5))
  shuffled = ratings.shuffle(2000, seed=42, reshuffle_each_iteration=False)
  train = shuffled.take(1600).batch(256).cache()
  test = shuffled.skip(1600).batch(512).cache()
  model.fit(train, epochs=3)
  model.evaluate(test, return_dict=True)

  index = tfrs.layers.factorized_top_k.BruteForce(model.user_model)
  index.index_from_dataset(
      movies.batch(100).map(lambda title: (title, model.movie_model(title))))
  _, titles = index(np.array(['42']))
  print('Top 3 recommendations for user 42:', titles[0, :3])

  path = '/tmp/tfrs_index'
  tf.saved_model.save(index, path)
  loaded = tf.saved_model.load(path)
  scores, titles = loaded(['42'])
  print('Recommendations:', titles[0][:3])
