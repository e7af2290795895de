"""Orbit evaluator that aggregates per-step outputs in Python (eval_reduce)."""
import numpy as np
import orbit
import tensorflow as tf


class DetectionLikeEvaluator(orbit.StandardEvaluator):
  """Collects predictions in eval_reduce, which runs eagerly in Orbit."""

  def __init__(self, model, dataset, strategy):
    self.model = model
    self.strategy = strategy
    super().__init__(dataset,
                     options=orbit.StandardEvaluatorOptions(
                         use_tf_function=True, use_tf_while_loop=False))

  def eval_begin(self):
    return {'scores': [], 'labels': []}

  def eval_step(self, iterator):

    def step_fn(inputs):
      x, y = inputs
      scores = tf.nn.sigmoid(self.model(x, training=False))
      return {'scores': scores, 'labels': y}

    outputs = self.strategy.run(step_fn, args=(next(iterator),))
    return tf.nest.map_structure(self.strategy.experimental_local_results,
                                 outputs)

  def eval_reduce(self, state=None, step_outputs=None):
    for key in ('scores', 'labels'):
      for value in step_outputs[key]:
        state[key].append(value.numpy())
    return state

  def eval_end(self, state=None):
    scores = np.concatenate(state['scores']).ravel()
    labels = np.concatenate(state['labels']).ravel()
    order = np.argsort(-scores)
    hits = labels[order][:100]
    return {'precision_at_100': float(hits.mean())}


def main():
  strategy = tf.distribute.OneDeviceStrategy('/cpu:0')
  x = np.random.rand(1000, 5).astype(np.float32)
  y = (x[:, 0] > 0.5).astype(np.float32)[:, None]
  ds = strategy.experimental_distribute_dataset(
      tf.data.Dataset.from_tensor_slices((x, y)).batch(50))
  with strategy.scope():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    model.build((None, 5))
  evaluator = DetectionLikeEvaluator(model, ds, strategy)
  print(evaluator.evaluate(tf.constant(-1)))
