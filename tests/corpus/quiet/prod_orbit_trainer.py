"""Orbit StandardTrainer / StandardEvaluator for a small classifier."""
import orbit
import tensorflow as tf


def make_dataset(batch_size):
  x = tf.random.normal([1024, 16])
  y = tf.cast(tf.reduce_sum(x, axis=-1) > 0, tf.int32)
  return tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(batch_size)


class ClassifierTrainer(orbit.StandardTrainer):

  def __init__(self, model, optimizer, strategy, global_batch_size):
    self.strategy = strategy
    self.model = model
    self.optimizer = optimizer
    self.global_step = optimizer.iterations
    self.train_loss = tf.keras.metrics.Mean('train_loss', dtype=tf.float32)
    self.train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    self.loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=tf.keras.losses.Reduction.NONE)
    self.global_batch_size = global_batch_size
    train_dataset = strategy.distribute_datasets_from_function(
        lambda ctx: make_dataset(ctx.get_per_replica_batch_size(
            global_batch_size)))
    super().__init__(
        train_dataset,
        options=orbit.StandardTrainerOptions(use_tf_while_loop=True))

  def train_loop_begin(self):
    self.train_loss.reset_states()
    self.train_accuracy.reset_states()

  def train_step(self, iterator):

    def step_fn(inputs):
      features, labels = inputs
      with tf.GradientTape() as tape:
        logits = self.model(features, training=True)
        per_example = self.loss_fn(labels, logits)
        loss = tf.nn.compute_average_loss(
            per_example, global_batch_size=self.global_batch_size)
      grads = tape.gradient(loss, self.model.trainable_variables)
      grads, _ = tf.clip_by_global_norm(grads, 1.0)
      self.optimizer.apply_gradients(
          zip(grads, self.model.trainable_variables))
      self.train_loss.update_state(loss * self.strategy.num_replicas_in_sync)
      self.train_accuracy.update_state(labels, logits)

    self.strategy.run(step_fn, args=(next(iterator),))

  def train_loop_end(self):
    return {
        'loss': self.train_loss.result(),
        'accuracy': self.train_accuracy.result(),
    }


class ClassifierEvaluator(orbit.StandardEvaluator):

  def __init__(self, model, strategy, global_batch_size):
    self.strategy = strategy
    self.model = model
    self.eval_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    eval_dataset = strategy.distribute_datasets_from_function(
        lambda ctx: make_dataset(ctx.get_per_replica_batch_size(
            global_batch_size)).take(20))
    super().__init__(eval_dataset,
                     options=orbit.StandardEvaluatorOptions(
                         use_tf_function=True))

  def eval_begin(self):
    self.eval_accuracy.reset_states()

  def eval_step(self, iterator):

    def step_fn(inputs):
      features, labels = inputs
      logits = self.model(features, training=False)
      self.eval_accuracy.update_state(labels, logits)

    self.strategy.run(step_fn, args=(next(iterator),))

  def eval_end(self):
    return {'accuracy': self.eval_accuracy.result()}


def main(model_dir):
  strategy = tf.distribute.MirroredStrategy()
  with strategy.scope():
    model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation='relu'),
                                 tf.keras.layers.Dense(2)])
    optimizer = tf.keras.optimizers.Adam(1e-3)
  trainer = ClassifierTrainer(model, optimizer, strategy, 64)
  evaluator = ClassifierEvaluator(model, strategy, 64)
  checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)
  manager = tf.train.CheckpointManager(
      checkpoint, model_dir, max_to_keep=3,
      step_counter=trainer.global_step, checkpoint_interval=500)
  controller = orbit.Controller(
      strategy=strategy, trainer=trainer, evaluator=evaluator,
      global_step=trainer.global_step, steps_per_loop=100,
      checkpoint_manager=manager, summary_dir=model_dir)
  controller.train_and_evaluate(train_steps=2000, eval_steps=20,
                                eval_interval=500)
