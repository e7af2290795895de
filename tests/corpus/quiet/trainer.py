"""Custom training loop for a Fashion-MNIST classifier.

The step functions are compiled once with fixed input signatures; everything
that touches NumPy, the console or the file system runs in the eager loop.
"""
import argparse
import logging
import os
import time

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

IMAGE_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
CLASS_NAMES = (
    "t-shirt", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "boot",
)
CALIBRATION_TEMPERATURE = 1.5


def make_datasets(batch_size, seed=1234):
    """Loads Fashion-MNIST into shuffled, batched tf.data pipelines."""
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x_train))
    x_train, y_train = x_train[order], y_train[order]

    x_train = x_train[..., np.newaxis].astype(np.float32) / 255.0
    x_test = x_test[..., np.newaxis].astype(np.float32) / 255.0
    y_train = y_train.astype(np.int64)
    y_test = y_test.astype(np.int64)

    train = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(20000, seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    test = (
        tf.data.Dataset.from_tensor_slices((x_test, y_test))
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
    return train, test


def build_classifier(dropout=0.3, weight_decay=1e-4):
    """A small functional-API convolutional network that returns logits."""
    regularizer = tf.keras.regularizers.l2(weight_decay)
    inputs = tf.keras.Input(shape=IMAGE_SHAPE, name="image")
    x = inputs
    for filters in (32, 64):
        x = tf.keras.layers.Conv2D(
            filters, 3, padding="same", use_bias=False, kernel_regularizer=regularizer
        )(x)
        x = tf.keras.layers.BatchNormalization()(x)
        x = tf.keras.layers.ReLU()(x)
        x = tf.keras.layers.MaxPooling2D()(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense(128, activation="relu", kernel_regularizer=regularizer)(x)
    x = tf.keras.layers.Dropout(dropout)(x)
    outputs = tf.keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return tf.keras.Model(inputs, outputs, name="fashion_cnn")


class Trainer:
    """Owns the model, the optimizer, the metrics and the checkpoints."""

    def __init__(self, model, learning_rate=1e-3, label_smoothing=0.1,
                 clip_norm=5.0, log_dir=None, checkpoint_dir=None):
        self.model = model
        self.clip_norm = clip_norm
        self.optimizer = tf.keras.optimizers.Adam(learning_rate)
        self.loss_fn = tf.keras.losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=label_smoothing
        )

        self.train_loss = tf.keras.metrics.Mean("train_loss")
        self.train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy("train_accuracy")
        self.eval_loss = tf.keras.metrics.Mean("eval_loss")
        self.eval_accuracy = tf.keras.metrics.SparseCategoricalAccuracy("eval_accuracy")

        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.best_accuracy = tf.Variable(0.0, trainable=False, name="best_accuracy")
        self.skipped_batches = tf.Variable(0, dtype=tf.int64, trainable=False)

        if log_dir:
            self.writer = tf.summary.create_file_writer(log_dir)
        else:
            self.writer = tf.summary.create_noop_writer()

        self.checkpoint = tf.train.Checkpoint(
            model=model,
            optimizer=self.optimizer,
            epoch=self.epoch,
            best_accuracy=self.best_accuracy,
        )
        self.manager = None
        if checkpoint_dir:
            self.manager = tf.train.CheckpointManager(
                self.checkpoint, checkpoint_dir, max_to_keep=3
            )

        self.predict_proba = tf.function(self._predict_proba, reduce_retracing=True)

    @tf.function(input_signature=[
        tf.TensorSpec([None, *IMAGE_SHAPE], tf.float32),
        tf.TensorSpec([None], tf.int64),
    ])
    def train_step(self, images, labels):
        one_hot = tf.one_hot(labels, NUM_CLASSES)
        with tf.GradientTape() as tape:
            logits = self.model(images, training=True)
            loss = self.loss_fn(one_hot, logits)
            if self.model.losses:
                loss += tf.add_n(self.model.losses)
        grads = tape.gradient(loss, self.model.trainable_variables)
        grads, global_norm = tf.clip_by_global_norm(grads, self.clip_norm)

        finite = tf.math.is_finite(global_norm)
        grads = [tf.where(finite, g, tf.zeros_like(g)) for g in grads]
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        self.skipped_batches.assign_add(tf.cast(tf.logical_not(finite), tf.int64))

        self.train_loss.update_state(loss)
        self.train_accuracy.update_state(labels, logits)
        with self.writer.as_default():
            tf.summary.scalar("batch/loss", loss, step=self.optimizer.iterations)
            tf.summary.scalar("batch/grad_norm", global_norm, step=self.optimizer.iterations)
        return loss

    @tf.function(input_signature=[
        tf.TensorSpec([None, *IMAGE_SHAPE], tf.float32),
        tf.TensorSpec([None], tf.int64),
    ])
    def eval_step(self, images, labels):
        logits = self.model(images, training=False)
        loss = self.loss_fn(tf.one_hot(labels, NUM_CLASSES), logits)
        self.eval_loss.update_state(loss)
        self.eval_accuracy.update_state(labels, logits)
        return tf.argmax(logits, axis=-1)

    def _predict_proba(self, images, temperature):
        logits = self.model(images, training=False)
        return tf.nn.softmax(logits / temperature, axis=-1)

    def restore(self):
        """Restores the latest checkpoint, if any, and returns the epoch to resume at."""
        if self.manager is None or not self.manager.latest_checkpoint:
            logger.info("starting from scratch")
            return 0
        self.checkpoint.restore(self.manager.latest_checkpoint).expect_partial()
        resumed = int(self.epoch.numpy())
        logger.info("restored %s (epoch %d)", self.manager.latest_checkpoint, resumed)
        return resumed

    def _reset_metrics(self):
        for metric in (self.train_loss, self.train_accuracy, self.eval_loss, self.eval_accuracy):
            metric.reset_state()

    def train_one_epoch(self, dataset, log_every=200):
        start = time.perf_counter()
        for step, (images, labels) in enumerate(dataset):
            loss = self.train_step(images, labels)
            if step % log_every == 0:
                logger.info("  step %5d  loss %.4f", step, float(loss))
        seconds = time.perf_counter() - start
        return float(self.train_loss.result()), float(self.train_accuracy.result()), seconds

    def evaluate(self, dataset):
        confusion = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
        for images, labels in dataset:
            predictions = self.eval_step(images, labels)
            np.add.at(confusion, (labels.numpy(), predictions.numpy()), 1)
        return float(self.eval_loss.result()), float(self.eval_accuracy.result()), confusion

    def fit(self, train_ds, test_ds, epochs):
        confusion = None
        for epoch in range(self.restore(), epochs):
            self._reset_metrics()
            train_loss, train_acc, seconds = self.train_one_epoch(train_ds)
            eval_loss, eval_acc, confusion = self.evaluate(test_ds)
            self.epoch.assign(epoch + 1)

            with self.writer.as_default():
                tf.summary.scalar("epoch/train_loss", train_loss, step=epoch)
                tf.summary.scalar("epoch/train_accuracy", train_acc, step=epoch)
                tf.summary.scalar("epoch/eval_loss", eval_loss, step=epoch)
                tf.summary.scalar("epoch/eval_accuracy", eval_acc, step=epoch)
            self.writer.flush()

            improved = eval_acc > float(self.best_accuracy.numpy())
            if improved:
                self.best_accuracy.assign(eval_acc)
                if self.manager is not None:
                    path = self.manager.save(checkpoint_number=epoch + 1)
                    logger.info("saved checkpoint %s", path)

            print(
                f"epoch {epoch + 1:3d}/{epochs}  "
                f"loss {train_loss:.4f}  acc {train_acc:.4f}  "
                f"val_loss {eval_loss:.4f}  val_acc {eval_acc:.4f}  "
                f"{seconds:.1f}s{'  *' if improved else ''}"
            )
        skipped = int(self.skipped_batches.numpy())
        if skipped:
            logger.warning("%d batches had non-finite gradients and were skipped", skipped)
        return confusion

    def calibrated_predictions(self, dataset):
        """Returns calibrated class probabilities for every example, as NumPy."""
        chunks = []
        for images, _ in dataset:
            probs = self.predict_proba(images, CALIBRATION_TEMPERATURE)
            chunks.append(probs.numpy())
        return np.concatenate(chunks, axis=0)


def format_confusion(confusion):
    """Renders a confusion matrix with per-class recall as plain text."""
    width = max(len(name) for name in CLASS_NAMES) + 2
    header = " " * width + "".join(f"{i:>6d}" for i in range(NUM_CLASSES)) + "  recall"
    lines = [header]
    for i, name in enumerate(CLASS_NAMES):
        row = confusion[i]
        total = row.sum()
        recall = row[i] / total if total else 0.0
        cells = "".join(f"{int(count):>6d}" for count in row)
        lines.append(f"{name:<{width}}{cells}  {recall:6.3f}")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--workdir", default=os.path.join("runs", "fashion"))
    parser.add_argument("--debug-eager", action="store_true",
                        help="run tf.functions eagerly to step through them")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    np.random.seed(args.seed)
    tf.random.set_seed(args.seed)
    if args.debug_eager:
        tf.config.run_functions_eagerly(True)

    train_ds, test_ds = make_datasets(args.batch_size, args.seed)
    model = build_classifier(args.dropout)
    model.summary(print_fn=logger.info)

    trainer = Trainer(
        model,
        learning_rate=args.learning_rate,
        log_dir=os.path.join(args.workdir, "logs"),
        checkpoint_dir=os.path.join(args.workdir, "checkpoints"),
    )
    confusion = trainer.fit(train_ds, test_ds, args.epochs)
    if confusion is not None:
        print(format_confusion(confusion))

    probs = trainer.calibrated_predictions(test_ds)
    confidence = probs.max(axis=1)
    print(f"mean calibrated confidence: {confidence.mean():.3f}")
    model.save(os.path.join(args.workdir, "model.keras"))


if __name__ == "__main__":
    main()
