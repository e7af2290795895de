"""Multi-GPU distributed training with TensorFlow (keras.io guide)."""
import os

import numpy as np
import tensorflow as tf
import keras


def get_compiled_model():
    inputs = keras.Input(shape=(784,))
    x = keras.layers.Dense(256, activation="relu")(inputs)
    x = keras.layers.Dense(256, activation="relu")(x)
    outputs = keras.layers.Dense(10)(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


def get_dataset():
    batch_size = 32
    num_val_samples = 100
    x_train = np.random.rand(1000, 784).astype("float32")
    y_train = np.random.randint(0, 10, size=(1000,)).astype("float32")
    x_test = x_train[:100]
    y_test = y_train[:100]
    x_val = x_train[-num_val_samples:]
    y_val = y_train[-num_val_samples:]
    x_train = x_train[:-num_val_samples]
    y_train = y_train[:-num_val_samples]
    return (
        tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size),
        tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size),
        tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(batch_size),
    )


strategy = tf.distribute.MirroredStrategy()
print("Number of devices: {}".format(strategy.num_replicas_in_sync))
with strategy.scope():
    model = get_compiled_model()
    train_dataset, val_dataset, test_dataset = get_dataset()
    model.fit(train_dataset, epochs=1, validation_data=val_dataset)
    model.evaluate(test_dataset)

checkpoint_dir = "./ckpt"
if not os.path.exists(checkpoint_dir):
    os.makedirs(checkpoint_dir)


def make_or_restore_model():
    checkpoints = [checkpoint_dir + "/" + name for name in os.listdir(checkpoint_dir)]
    if checkpoints:
        latest_checkpoint = max(checkpoints, key=os.path.getctime)
        print("Restoring from", latest_checkpoint)
        return keras.models.load_model(latest_checkpoint)
    print("Creating a new model")
    return get_compiled_model()


def run_training(epochs=1):
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = make_or_restore_model()
        callbacks = [
            keras.callbacks.ModelCheckpoint(filepath=checkpoint_dir + "/ckpt-{epoch}.keras", save_freq="epoch")
        ]
        model.fit(train_dataset, epochs=epochs, callbacks=callbacks, validation_data=val_dataset, verbose=2)


run_training(epochs=1)

GLOBAL_BATCH_SIZE = 64
dist_dataset = strategy.experimental_distribute_dataset(
    tf.data.Dataset.from_tensor_slices((np.random.rand(256, 784).astype("float32"),
                                        np.random.randint(0, 10, size=(256,)))).batch(GLOBAL_BATCH_SIZE)
)
with strategy.scope():
    ctl_model = get_compiled_model()
    ctl_optimizer = keras.optimizers.SGD(learning_rate=0.01)
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")


def compute_loss(labels, predictions):
    per_example_loss = loss_object(labels, predictions)
    return tf.nn.compute_average_loss(per_example_loss, global_batch_size=GLOBAL_BATCH_SIZE)


def replica_step(inputs):
    images, labels = inputs
    with tf.GradientTape() as tape:
        predictions = ctl_model(images, training=True)
        loss = compute_loss(labels, predictions)
    gradients = tape.gradient(loss, ctl_model.trainable_variables)
    ctl_optimizer.apply_gradients(zip(gradients, ctl_model.trainable_variables))
    return loss


@tf.function
def distributed_train_step(dataset_inputs):
    per_replica_losses = strategy.run(replica_step, args=(dataset_inputs,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)


for epoch in range(1):
    total_loss = 0.0
    num_batches = 0
    for x in dist_dataset:
        total_loss += distributed_train_step(x)
        num_batches += 1
    print("Epoch {}, loss {}".format(epoch + 1, total_loss / num_batches))
