"""Custom losses, metrics, learning-rate schedules and callbacks shared by the
training scripts."""
import csv
import logging
import math
import os
import time

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)


@tf.keras.utils.register_keras_serializable(package="corpus")
class FocalLoss(tf.keras.losses.Loss):
    """Focal loss for dense classification (Lin et al., 2017), on logits."""

    def __init__(self, gamma=2.0, alpha=0.25, from_logits=True, name="focal_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.gamma = gamma
        self.alpha = alpha
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        y_true = tf.cast(y_true, y_pred.dtype)
        if self.from_logits:
            probs = tf.sigmoid(y_pred)
            ce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
        else:
            probs = y_pred
            eps = tf.keras.backend.epsilon()
            clipped = tf.clip_by_value(y_pred, eps, 1.0 - eps)
            ce = -(y_true * tf.math.log(clipped) + (1.0 - y_true) * tf.math.log(1.0 - clipped))
        p_t = y_true * probs + (1.0 - y_true) * (1.0 - probs)
        alpha_t = y_true * self.alpha + (1.0 - y_true) * (1.0 - self.alpha)
        return tf.reduce_sum(alpha_t * tf.pow(1.0 - p_t, self.gamma) * ce, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"gamma": self.gamma, "alpha": self.alpha, "from_logits": self.from_logits})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class MacroF1(tf.keras.metrics.Metric):
    """Macro-averaged F1 over integer class labels, accumulated in a confusion matrix."""

    def __init__(self, num_classes, name="macro_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = num_classes
        self.confusion = self.add_weight(
            name="confusion", shape=(num_classes, num_classes),
            initializer="zeros", dtype=tf.float32,
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.reshape(tf.cast(y_true, tf.int32), [-1])
        if y_pred.shape.rank is not None and y_pred.shape.rank > 1:
            y_pred = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
        y_pred = tf.reshape(tf.cast(y_pred, tf.int32), [-1])
        if sample_weight is not None:
            sample_weight = tf.reshape(tf.cast(sample_weight, tf.float32), [-1])
        batch_confusion = tf.math.confusion_matrix(
            y_true, y_pred, num_classes=self.num_classes,
            weights=sample_weight, dtype=tf.float32,
        )
        self.confusion.assign_add(batch_confusion)

    def result(self):
        true_positives = tf.linalg.diag_part(self.confusion)
        predicted = tf.reduce_sum(self.confusion, axis=0)
        actual = tf.reduce_sum(self.confusion, axis=1)
        precision = tf.math.divide_no_nan(true_positives, predicted)
        recall = tf.math.divide_no_nan(true_positives, actual)
        f1 = tf.math.divide_no_nan(2.0 * precision * recall, precision + recall)
        present = tf.cast(actual > 0, tf.float32)
        return tf.math.divide_no_nan(tf.reduce_sum(f1 * present), tf.reduce_sum(present))

    def reset_state(self):
        self.confusion.assign(tf.zeros_like(self.confusion))

    def get_config(self):
        config = super().get_config()
        config.update({"num_classes": self.num_classes})
        return config


class ExponentialMovingAverage(tf.keras.metrics.Metric):
    """Exponentially smoothed value of a scalar, e.g. a noisy training loss."""

    def __init__(self, decay=0.98, name="ema", **kwargs):
        super().__init__(name=name, **kwargs)
        self.decay = decay
        self.value = self.add_weight(name="value", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, values, sample_weight=None):
        batch_mean = tf.reduce_mean(tf.cast(values, tf.float32))
        self.count.assign_add(1.0)
        self.value.assign(self.decay * self.value + (1.0 - self.decay) * batch_mean)

    def result(self):
        correction = 1.0 - tf.pow(self.decay, self.count)
        return tf.math.divide_no_nan(self.value, correction)

    def reset_state(self):
        self.value.assign(0.0)
        self.count.assign(0.0)


@tf.keras.utils.register_keras_serializable(package="corpus")
class WarmupCosineDecay(tf.keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up followed by cosine decay to `final_fraction` of the peak."""

    def __init__(self, peak_learning_rate, warmup_steps, total_steps, final_fraction=0.0):
        super().__init__()
        if warmup_steps >= total_steps:
            raise ValueError("warmup_steps must be smaller than total_steps")
        self.peak_learning_rate = peak_learning_rate
        self.warmup_steps = warmup_steps
        self.total_steps = total_steps
        self.final_fraction = final_fraction

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        peak = tf.cast(self.peak_learning_rate, tf.float32)
        warmup = tf.cast(self.warmup_steps, tf.float32)
        total = tf.cast(self.total_steps, tf.float32)

        warmup_lr = peak * step / tf.maximum(warmup, 1.0)
        progress = tf.clip_by_value((step - warmup) / (total - warmup), 0.0, 1.0)
        cosine = 0.5 * (1.0 + tf.cos(math.pi * progress))
        decayed_lr = peak * (self.final_fraction + (1.0 - self.final_fraction) * cosine)
        return tf.where(step < warmup, warmup_lr, decayed_lr)

    def get_config(self):
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "warmup_steps": self.warmup_steps,
            "total_steps": self.total_steps,
            "final_fraction": self.final_fraction,
        }


@tf.keras.utils.register_keras_serializable(package="corpus")
class InverseSqrtSchedule(tf.keras.optimizers.schedules.LearningRateSchedule):
    """The schedule of "Attention Is All You Need"."""

    def __init__(self, model_dim, warmup_steps=4000):
        super().__init__()
        self.model_dim = model_dim
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        step = tf.cast(step, tf.float32) + 1.0
        scale = tf.math.rsqrt(tf.cast(self.model_dim, tf.float32))
        return scale * tf.minimum(tf.math.rsqrt(step), step * self.warmup_steps ** -1.5)

    def get_config(self):
        return {"model_dim": self.model_dim, "warmup_steps": self.warmup_steps}


class EpochTimer(tf.keras.callbacks.Callback):
    """Logs the wall-clock time of every epoch and the throughput."""

    def __init__(self, examples_per_epoch):
        super().__init__()
        self.examples_per_epoch = examples_per_epoch
        self._start = None
        self.durations = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._start
        self.durations.append(seconds)
        rate = self.examples_per_epoch / seconds
        print(f"epoch {epoch + 1}: {seconds:.1f}s, {rate:,.0f} examples/s")


class LearningRateLogger(tf.keras.callbacks.Callback):
    """Adds the current learning rate to the logs so CSVLogger and TensorBoard see it."""

    def on_epoch_end(self, epoch, logs=None):
        lr = self.model.optimizer.learning_rate
        if isinstance(lr, tf.keras.optimizers.schedules.LearningRateSchedule):
            lr = lr(self.model.optimizer.iterations)
        if logs is not None:
            logs["learning_rate"] = float(tf.keras.backend.get_value(lr))


class PatientEarlyStopping(tf.keras.callbacks.Callback):
    """Stops training when a monitored value stops improving and restores the best weights."""

    def __init__(self, monitor="val_loss", mode="min", patience=5, min_delta=1e-4):
        super().__init__()
        self.monitor = monitor
        self.mode = mode
        self.patience = patience
        self.min_delta = min_delta
        self.best = None
        self.best_weights = None
        self.best_epoch = -1
        self.wait = 0

    def _improved(self, current):
        if self.best is None:
            return True
        if self.mode == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def on_train_begin(self, logs=None):
        self.best, self.best_weights, self.best_epoch, self.wait = None, None, -1, 0

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            logger.warning("early stopping: %s is not in the logs", self.monitor)
            return
        if self._improved(current):
            self.best = current
            self.best_epoch = epoch
            self.best_weights = self.model.get_weights()
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            print(f"stopping after epoch {epoch + 1}: best {self.monitor} "
                  f"{self.best:.4f} at epoch {self.best_epoch + 1}")
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class CSVHistory(tf.keras.callbacks.Callback):
    """Appends one row per epoch to a CSV file, creating the header once."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.fieldnames = None

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1}
        row.update({k: float(v) for k, v in (logs or {}).items()})
        new_file = not os.path.exists(self.path)
        if self.fieldnames is None:
            self.fieldnames = list(row)
        with open(self.path, "a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.fieldnames, extrasaction="ignore")
            if new_file:
                writer.writeheader()
            writer.writerow(row)


def schedule_preview(schedule, total_steps, points=10):
    """Returns (step, learning rate) pairs, computed eagerly, for a quick plot or log."""
    steps = np.linspace(0, total_steps, points).astype(np.int64)
    return [(int(s), float(schedule(s).numpy())) for s in steps]


def standard_callbacks(workdir, examples_per_epoch, monitor="val_loss"):
    os.makedirs(workdir, exist_ok=True)
    return [
        EpochTimer(examples_per_epoch),
        LearningRateLogger(),
        PatientEarlyStopping(monitor=monitor, patience=8),
        CSVHistory(os.path.join(workdir, "history.csv")),
        tf.keras.callbacks.TensorBoard(os.path.join(workdir, "tensorboard")),
    ]


if __name__ == "__main__":
    schedule = WarmupCosineDecay(1e-3, warmup_steps=500, total_steps=10000)
    for step, lr in schedule_preview(schedule, 10000):
        print(f"{step:>6d}  {lr:.6f}")
    metric = MacroF1(num_classes=3)
    metric.update_state([0, 1, 2, 2], [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1],
                                       [0.2, 0.2, 0.6], [0.7, 0.2, 0.1]])
    print("macro F1:", float(metric.result()))
