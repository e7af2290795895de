"""Model Garden style image classification task (official.core.base_task)."""
import dataclasses
from typing import Any, List, Optional

import tensorflow as tf

from official.core import base_task
from official.core import config_definitions as cfg
from official.core import task_factory
from official.modeling import optimization
from official.modeling import tf_utils


@dataclasses.dataclass
class ImageTaskConfig(cfg.TaskConfig):
  num_classes: int = 10
  image_size: int = 32
  label_smoothing: float = 0.1
  l2_weight_decay: float = 1e-4


def _synthetic_dataset(image_size, num_classes, batch_size):
  images = tf.random.uniform([256, image_size, image_size, 3])
  labels = tf.random.uniform([256], maxval=num_classes, dtype=tf.int32)
  ds = tf.data.Dataset.from_tensor_slices((images, labels))
  return ds.shuffle(256).repeat().batch(batch_size, drop_remainder=True)


@task_factory.register_task_cls(ImageTaskConfig)
class ImageClassificationTask(base_task.Task):
  """A task for image classification."""

  def build_model(self):
    inputs = tf.keras.Input(shape=(self.task_config.image_size,
                                   self.task_config.image_size, 3))
    x = tf.keras.layers.Conv2D(32, 3, activation='relu')(inputs)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(self.task_config.num_classes)(x)
    return tf.keras.Model(inputs, outputs)

  def build_inputs(self, params, input_context=None):
    batch_size = params.global_batch_size
    if input_context:
      batch_size = input_context.get_per_replica_batch_size(batch_size)
    return _synthetic_dataset(self.task_config.image_size,
                              self.task_config.num_classes, batch_size)

  def build_losses(self, labels, model_outputs, aux_losses=None):
    one_hot = tf.one_hot(labels, self.task_config.num_classes)
    loss = tf.keras.losses.categorical_crossentropy(
        one_hot, model_outputs, from_logits=True,
        label_smoothing=self.task_config.label_smoothing)
    total_loss = tf_utils.safe_mean(loss)
    if aux_losses:
      total_loss += tf.add_n(aux_losses)
    return total_loss

  def build_metrics(self, training=True):
    return [tf.keras.metrics.SparseCategoricalAccuracy(name='accuracy'),
            tf.keras.metrics.SparseTopKCategoricalAccuracy(k=5, name='top_5')]

  def train_step(self, inputs, model, optimizer, metrics=None):
    features, labels = inputs
    num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
    with tf.GradientTape() as tape:
      outputs = model(features, training=True)
      outputs = tf.nest.map_structure(lambda x: tf.cast(x, tf.float32), outputs)
      loss = self.build_losses(labels, outputs, aux_losses=model.losses)
      scaled_loss = loss / num_replicas
      if isinstance(optimizer, tf.keras.mixed_precision.LossScaleOptimizer):
        scaled_loss = optimizer.get_scaled_loss(scaled_loss)
    tvars = model.trainable_variables
    grads = tape.gradient(scaled_loss, tvars)
    if isinstance(optimizer, tf.keras.mixed_precision.LossScaleOptimizer):
      grads = optimizer.get_unscaled_gradients(grads)
    optimizer.apply_gradients(list(zip(grads, tvars)))
    logs = {self.loss: loss}
    if metrics:
      self.process_metrics(metrics, labels, outputs)
      logs.update({m.name: m.result() for m in metrics})
    elif model.compiled_metrics:
      self.process_compiled_metrics(model.compiled_metrics, labels, outputs)
      logs.update({m.name: m.result() for m in model.metrics})
    return logs

  def validation_step(self, inputs, model, metrics=None):
    features, labels = inputs
    outputs = model(features, training=False)
    loss = self.build_losses(labels, outputs, aux_losses=model.losses)
    logs = {self.loss: loss}
    if metrics:
      self.process_metrics(metrics, labels, outputs)
    return logs

  def inference_step(self, inputs, model):
    return model(inputs, training=False)

  def aggregate_logs(self, state=None, step_outputs=None):
    if state is None:
      state = []
    state.append(step_outputs)
    return state


def build_optimizer(train_steps):
  opt_config = optimization.OptimizationConfig({
      'optimizer': {'type': 'sgd', 'sgd': {'momentum': 0.9}},
      'learning_rate': {'type': 'cosine',
                        'cosine': {'initial_learning_rate': 0.1,
                                   'decay_steps': train_steps}},
      'warmup': {'type': 'linear', 'linear': {'warmup_steps': 100}},
  })
  factory = optimization.OptimizerFactory(opt_config)
  lr = factory.build_learning_rate()
  return factory.build_optimizer(lr)


def run(strategy, params, train_steps=1000):
  with strategy.scope():
    task = ImageClassificationTask(params.task)
    model = task.build_model()
    optimizer = build_optimizer(train_steps)
    metrics = task.build_metrics()
  dataset = strategy.distribute_datasets_from_function(
      lambda ctx: task.build_inputs(params.task.train_data, ctx))
  iterator = iter(dataset)

  @tf.function
  def train_fn(iterator, num_steps):
    for _ in tf.range(num_steps):
      strategy.run(task.train_step, args=(next(iterator), model, optimizer),
                   kwargs={'metrics': metrics})

  steps_per_loop = tf.constant(100, dtype=tf.int32)
  for _ in range(train_steps // 100):
    train_fn(iterator, steps_per_loop)
    print({m.name: m.result().numpy() for m in metrics})
    for m in metrics:
      m.reset_states()
  return model
