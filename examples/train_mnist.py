"""Train a small convolutional network on MNIST with a custom training loop.

Follows the structure of the TensorFlow 2 quickstart for experts: a subclassed
model, module-level metrics, and tf.function train/test steps.
"""
import argparse
import time

import numpy as np
import tensorflow as tf

NUM_CLASSES = 10


def load_datasets(batch_size, validation_size=5000):
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train = (x_train / 255.0).astype(np.float32)[..., np.newaxis]
    x_test = (x_test / 255.0).astype(np.float32)[..., np.newaxis]
    x_val, y_val = x_train[-validation_size:], y_train[-validation_size:]
    x_train, y_train = x_train[:-validation_size], y_train[:-validation_size]

    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(10000)
                .batch(batch_size)
                .prefetch(tf.data.AUTOTUNE))
    val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(batch_size)
    return train_ds, val_ds, test_ds


class MyModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = tf.keras.layers.Conv2D(32, 3, activation="relu")
        self.pool = tf.keras.layers.MaxPooling2D()
        self.flatten = tf.keras.layers.Flatten()
        self.d1 = tf.keras.layers.Dense(128, activation="relu")
        self.dropout = tf.keras.layers.Dropout(0.2)
        self.d2 = tf.keras.layers.Dense(NUM_CLASSES)

    def call(self, x, training=False):
        x = self.pool(self.conv1(x))
        x = self.flatten(x)
        x = self.dropout(self.d1(x), training=training)
        return self.d2(x)


model = MyModel()
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-3)

train_loss = tf.keras.metrics.Mean(name="train_loss")
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
test_loss = tf.keras.metrics.Mean(name="test_loss")
test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

loss_history = []


@tf.function(experimental_relax_shapes=True)
def train_step(images, labels):
    with tf.GradientTape() as tape:
        predictions = model(images, training=True)
        loss = loss_object(labels, predictions)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    train_loss(loss)
    train_accuracy(labels, predictions)
    loss_history.append(loss)
    correct = tf.equal(tf.argmax(predictions, axis=1), tf.cast(labels, tf.int64))
    batch_accuracy = tf.reduce_mean(tf.cast(correct, tf.float32)).numpy()
    print("loss:", loss, "batch accuracy:", batch_accuracy)
    return loss


@tf.function
def test_step(images, labels):
    predictions = model(images, training=False)
    t_loss = loss_object(labels, predictions)
    test_loss(t_loss)
    test_accuracy(labels, predictions)


@tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32)])
def serve(images, temperature):
    logits = model(images, training=False)
    return tf.nn.softmax(logits / temperature)


def reset_metrics():
    for metric in (train_loss, train_accuracy, test_loss, test_accuracy):
        metric.reset_state()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--export-dir", default="")
    args = parser.parse_args()

    train_ds, val_ds, test_ds = load_datasets(args.batch_size)

    for epoch in range(args.epochs):
        reset_metrics()
        start = time.perf_counter()
        for images, labels in train_ds:
            train_step(images, labels)
        for val_images, val_labels in val_ds:
            test_step(val_images, val_labels)
        elapsed = time.perf_counter() - start
        print(
            f"Epoch {epoch + 1}: "
            f"loss {train_loss.result():.4f}, "
            f"accuracy {train_accuracy.result() * 100:.2f}%, "
            f"val loss {test_loss.result():.4f}, "
            f"val accuracy {test_accuracy.result() * 100:.2f}% "
            f"({elapsed:.1f}s)"
        )

    reset_metrics()
    for test_images, test_labels in test_ds:
        test_step(test_images, test_labels)
    print(f"Test accuracy: {test_accuracy.result() * 100:.2f}%")

    if args.export_dir:
        tf.saved_model.save(model, args.export_dir, signatures={"serving_default": serve})


if __name__ == "__main__":
    main()
