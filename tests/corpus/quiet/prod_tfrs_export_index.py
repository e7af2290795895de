"""Export a TFRS ScaNN/BruteForce index behind a serving module."""
import numpy as np
import tensorflow as tf
import tensorflow_recommenders as tfrs


class QueryTower(tf.keras.Model):

  def __init__(self, vocab, dim=16):
    super().__init__()
    self.lookup = tf.keras.layers.StringLookup(vocabulary=vocab)
    self.embed = tf.keras.layers.Embedding(len(vocab) + 1, dim)
    self.norm = tf.keras.layers.UnitNormalization()

  def call(self, ids):
    return self.norm(self.embed(self.lookup(ids)))


class RecommenderServing(tf.Module):

  def __init__(self, index, k_values=(5, 10)):
    super().__init__()
    self.index = index
    self.k_values = list(k_values)

  @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
  def recommend(self, user_ids):
    outputs = {}
    for k in self.k_values:
      scores, ids = self.index(user_ids, k=k)
      outputs['scores_%d' % k] = scores
      outputs['ids_%d' % k] = ids
    return outputs

  @tf.function(input_signature=[tf.TensorSpec([None], tf.string),
                                tf.TensorSpec([], tf.int32)])
  def recommend_k(self, user_ids, k):
    scores, ids = self.index(user_ids, k=10)
    return {'scores': scores[:, :k], 'ids': ids[:, :k]}


def main(export_dir='/tmp/recommender'):
  users = np.array(['u%d' % i for i in range(20)])
  items = np.array(['i%d' % i for i in range(100)])
  query = QueryTower(users)
  item_tower = tf.keras.Sequential([
      tf.keras.layers.StringLookup(vocabulary=items),
      tf.keras.layers.Embedding(len(items) + 1, 16),
  ])
  index = tfrs.layers.factorized_top_k.BruteForce(query, k=10)
  candidates = tf.data.Dataset.from_tensor_slices(items).batch(32)
  index.index_from_dataset(
      candidates.map(lambda ids: (ids, item_tower(ids))))
  serving = RecommenderServing(index)
  tf.saved_model.save(serving, export_dir, signatures={
      'serving_default': serving.recommend,
      'recommend_k': serving.recommend_k,
  })
  reloaded = tf.saved_model.load(export_dir)
  print(reloaded.recommend(tf.constant(['u1', 'u2']))['ids_5'])
