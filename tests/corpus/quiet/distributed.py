"""Multi-device training with tf.distribute and a custom training loop,
plus gradient accumulation for large effective batch sizes on one device."""
import argparse
import json
import logging
import os
import time

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

NUM_CLASSES = 100
IMAGE_SHAPE = (32, 32, 3)


def select_strategy(force_cpu=False):
    gpus = tf.config.list_physical_devices("GPU")
    if force_cpu or not gpus:
        logger.info("no GPU requested or found, using the default strategy")
        return tf.distribute.OneDeviceStrategy("/cpu:0")
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    logger.info("mirroring over %d GPUs", len(gpus))
    return tf.distribute.MirroredStrategy()


def build_wide_cnn(width=64, weight_decay=5e-4):
    regularizer = tf.keras.regularizers.l2(weight_decay)
    model = tf.keras.Sequential(name="wide_cnn")
    model.add(tf.keras.Input(shape=IMAGE_SHAPE))
    for multiplier in (1, 2, 4):
        for _ in range(2):
            model.add(tf.keras.layers.Conv2D(width * multiplier, 3, padding="same",
                                             use_bias=False, kernel_regularizer=regularizer))
            model.add(tf.keras.layers.BatchNormalization())
            model.add(tf.keras.layers.ReLU())
        model.add(tf.keras.layers.MaxPooling2D())
    model.add(tf.keras.layers.GlobalAveragePooling2D())
    model.add(tf.keras.layers.Dense(NUM_CLASSES, kernel_regularizer=regularizer))
    return model


def cifar100(global_batch_size):
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar100.load_data()
    x_train = x_train.astype(np.float32) / 255.0
    x_test = x_test.astype(np.float32) / 255.0
    y_train = y_train.reshape(-1).astype(np.int64)
    y_test = y_test.reshape(-1).astype(np.int64)

    def augment(image, label):
        image = tf.image.resize_with_crop_or_pad(image, 40, 40)
        image = tf.image.random_crop(image, IMAGE_SHAPE)
        image = tf.image.random_flip_left_right(image)
        return image, label

    train = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(50000)
        .repeat()
        .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(global_batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    test = (
        tf.data.Dataset.from_tensor_slices((x_test, y_test))
        .batch(global_batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
    return train, test, len(x_train)


class DistributedTrainer:
    def __init__(self, strategy, global_batch_size, learning_rate=0.1, steps_per_loop=50):
        self.strategy = strategy
        self.global_batch_size = global_batch_size
        self.steps_per_loop = steps_per_loop
        with strategy.scope():
            self.model = build_wide_cnn()
            self.optimizer = tf.keras.optimizers.SGD(learning_rate, momentum=0.9, nesterov=True)
            self.loss_object = tf.keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, reduction=tf.keras.losses.Reduction.NONE
            )
            self.train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy("train_accuracy")
            self.test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy("test_accuracy")
            self.test_loss = tf.keras.metrics.Mean("test_loss")
            self.checkpoint = tf.train.Checkpoint(model=self.model, optimizer=self.optimizer)

    def compute_loss(self, labels, logits):
        per_example_loss = self.loss_object(labels, logits)
        loss = tf.nn.compute_average_loss(
            per_example_loss, global_batch_size=self.global_batch_size
        )
        if self.model.losses:
            loss += tf.nn.scale_regularization_loss(tf.add_n(self.model.losses))
        return loss

    def _replica_train_step(self, images, labels):
        with tf.GradientTape() as tape:
            logits = self.model(images, training=True)
            loss = self.compute_loss(labels, logits)
        grads = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        self.train_accuracy.update_state(labels, logits)
        return loss

    @tf.function
    def train_loop(self, iterator):
        total = tf.constant(0.0)
        for _ in tf.range(self.steps_per_loop):
            images, labels = next(iterator)
            per_replica_loss = self.strategy.run(self._replica_train_step, args=(images, labels))
            total += self.strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_loss, axis=None)
        return total / tf.cast(self.steps_per_loop, tf.float32)

    def _replica_test_step(self, images, labels):
        logits = self.model(images, training=False)
        self.test_loss.update_state(self.loss_object(labels, logits))
        self.test_accuracy.update_state(labels, logits)

    @tf.function
    def test_epoch(self, dataset):
        for images, labels in dataset:
            self.strategy.run(self._replica_test_step, args=(images, labels))

    def fit(self, train_ds, test_ds, epochs, steps_per_epoch, checkpoint_dir):
        train_dist = self.strategy.experimental_distribute_dataset(train_ds)
        test_dist = self.strategy.experimental_distribute_dataset(test_ds)
        manager = tf.train.CheckpointManager(self.checkpoint, checkpoint_dir, max_to_keep=2)
        iterator = iter(train_dist)
        loops_per_epoch = max(1, steps_per_epoch // self.steps_per_loop)
        history = []
        for epoch in range(epochs):
            start = time.perf_counter()
            losses = [float(self.train_loop(iterator)) for _ in range(loops_per_epoch)]
            self.test_epoch(test_dist)
            record = {
                "epoch": epoch + 1,
                "loss": float(np.mean(losses)),
                "train_accuracy": float(self.train_accuracy.result()),
                "test_loss": float(self.test_loss.result()),
                "test_accuracy": float(self.test_accuracy.result()),
                "seconds": round(time.perf_counter() - start, 1),
            }
            history.append(record)
            logger.info(json.dumps(record))
            for metric in (self.train_accuracy, self.test_accuracy, self.test_loss):
                metric.reset_state()
            manager.save()
        return history


class GradientAccumulator:
    """Sums gradients over several micro-batches in non-trainable variables.

    The variables are created on the first call, when the gradient shapes are
    known, and reused afterwards.
    """

    def __init__(self):
        self._gradients = None
        self._count = None

    @property
    def count(self):
        return self._count

    @property
    def gradients(self):
        return [g.value() for g in self._gradients]

    def accumulate(self, gradients):
        if self._gradients is None:
            self._count = tf.Variable(0, dtype=tf.int64, trainable=False, name="accum_count")
            self._gradients = [
                tf.Variable(tf.zeros_like(g), trainable=False, name=f"accum_{i}")
                for i, g in enumerate(gradients)
            ]
        for accumulated, gradient in zip(self._gradients, gradients):
            accumulated.assign_add(gradient)
        self._count.assign_add(1)

    def reset(self):
        for accumulated in self._gradients:
            accumulated.assign(tf.zeros_like(accumulated))
        self._count.assign(0)


class AccumulatingTrainer:
    """Applies the averaged gradients every `accumulation_steps` micro-batches."""

    def __init__(self, model, accumulation_steps=8, learning_rate=3e-4):
        self.model = model
        self.accumulation_steps = accumulation_steps
        self.optimizer = tf.keras.optimizers.Adam(learning_rate)
        self.optimizer.build(model.trainable_variables)
        self.loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.accumulator = GradientAccumulator()
        self.loss_metric = tf.keras.metrics.Mean("loss")

    @tf.function(input_signature=[
        tf.TensorSpec([None, *IMAGE_SHAPE], tf.float32),
        tf.TensorSpec([None], tf.int64),
    ])
    def micro_step(self, images, labels):
        with tf.GradientTape() as tape:
            logits = self.model(images, training=True)
            loss = self.loss_fn(labels, logits)
        grads = tape.gradient(loss, self.model.trainable_variables)
        grads = [g if g is not None else tf.zeros_like(v)
                 for g, v in zip(grads, self.model.trainable_variables)]
        self.accumulator.accumulate(grads)
        self.loss_metric.update_state(loss)

        if self.accumulator.count >= self.accumulation_steps:
            scale = 1.0 / tf.cast(self.accumulator.count, tf.float32)
            averaged = [g * scale for g in self.accumulator.gradients]
            self.optimizer.apply_gradients(zip(averaged, self.model.trainable_variables))
            self.accumulator.reset()
        return loss

    def train(self, dataset, epochs):
        for epoch in range(epochs):
            self.loss_metric.reset_state()
            for images, labels in dataset:
                self.micro_step(images, labels)
            logger.info("epoch %d: loss %.4f, optimizer steps %d",
                        epoch + 1, float(self.loss_metric.result()),
                        int(self.optimizer.iterations.numpy()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--per-replica-batch", type=int, default=128)
    parser.add_argument("--workdir", default="runs/cifar100")
    parser.add_argument("--cpu", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    strategy = select_strategy(force_cpu=args.cpu)
    global_batch = args.per_replica_batch * strategy.num_replicas_in_sync
    train_ds, test_ds, num_train = cifar100(global_batch)
    trainer = DistributedTrainer(strategy, global_batch)
    history = trainer.fit(
        train_ds, test_ds,
        epochs=args.epochs,
        steps_per_epoch=num_train // global_batch,
        checkpoint_dir=os.path.join(args.workdir, "checkpoints"),
    )
    with open(os.path.join(args.workdir, "history.json"), "w") as f:
        json.dump(history, f, indent=2)
    best = max(history, key=lambda r: r["test_accuracy"])
    print(f"best test accuracy {best['test_accuracy']:.4f} at epoch {best['epoch']}")


if __name__ == "__main__":
    main()
