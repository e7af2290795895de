"""Distributed custom training loop with strategy.run inside tf.function."""
import numpy as np
import tensorflow as tf

GLOBAL_BATCH = 64
EPOCHS = 3


def create_model():
  return tf.keras.Sequential([
      tf.keras.layers.Conv2D(32, 3, activation='relu'),
      tf.keras.layers.MaxPooling2D(),
      tf.keras.layers.Flatten(),
      tf.keras.layers.Dense(10)
  ])


def main():
  strategy = tf.distribute.MirroredStrategy()
  images = np.random.rand(1024, 28, 28, 1).astype(np.float32)
  labels = np.random.randint(0, 10, 1024).astype(np.int64)
  train_ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(
      1024).batch(GLOBAL_BATCH)
  train_dist = strategy.experimental_distribute_dataset(train_ds)

  with strategy.scope():
    model = create_model()
    optimizer = tf.keras.optimizers.Adam()
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=tf.keras.losses.Reduction.NONE)
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    checkpoint = tf.train.Checkpoint(optimizer=optimizer, model=model)

  def compute_loss(labels, predictions, model_losses):
    per_example = loss_object(labels, predictions)
    loss = tf.nn.compute_average_loss(per_example,
                                      global_batch_size=GLOBAL_BATCH)
    if model_losses:
      loss += tf.nn.scale_regularization_loss(tf.add_n(model_losses))
    return loss

  def train_step(inputs):
    images, labels = inputs
    with tf.GradientTape() as tape:
      predictions = model(images, training=True)
      loss = compute_loss(labels, predictions, model.losses)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    train_accuracy.update_state(labels, predictions)
    return loss

  @tf.function
  def distributed_train_step(dataset_inputs):
    per_replica_losses = strategy.run(train_step, args=(dataset_inputs,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses,
                           axis=None)

  @tf.function
  def distributed_train_epoch(dataset):
    total_loss = 0.0
    num_batches = 0
    for x in dataset:
      total_loss += distributed_train_step(x)
      num_batches += 1
    return total_loss / tf.cast(num_batches, tf.float32)

  for epoch in range(EPOCHS):
    total_loss = 0.0
    num_batches = 0
    for x in train_dist:
      total_loss += distributed_train_step(x)
      num_batches += 1
    train_loss = total_loss / num_batches
    print('Epoch {}, Loss: {}, Accuracy: {}'.format(
        epoch + 1, train_loss, train_accuracy.result() * 100))
    train_accuracy.reset_states()
    checkpoint.save('/tmp/ckpt/ckpt')
  print(distributed_train_epoch(train_dist))
