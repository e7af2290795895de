"""Evaluation and debugging utilities: calibration metrics, bootstrap
confidence intervals, tracing reports and a benchmark helper.

Most of this module runs eagerly on NumPy values; only the per-batch metric
kernels are compiled."""
import argparse
import contextlib
import json
import logging
import pdb
import random
import sys
import time

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

NUM_BINS = 15

REGRESSION_METRICS = {
    "mae": lambda y, p: tf.reduce_mean(tf.abs(y - p)),
    "rmse": lambda y, p: tf.sqrt(tf.reduce_mean(tf.square(y - p))),
    "max_error": lambda y, p: tf.reduce_max(tf.abs(y - p)),
}
COMPILED_REGRESSION_METRICS = {
    name: tf.function(fn, reduce_retracing=True) for name, fn in REGRESSION_METRICS.items()
}


@tf.function(input_signature=[
    tf.TensorSpec([None, None], tf.float32),
    tf.TensorSpec([None], tf.int64),
])
def calibration_bins(probabilities, labels):
    """Per-bin counts, confidence sums and accuracy sums for a reliability diagram."""
    confidence = tf.reduce_max(probabilities, axis=-1)
    predicted = tf.argmax(probabilities, axis=-1)
    correct = tf.cast(tf.equal(predicted, labels), tf.float32)
    bins = tf.minimum(tf.cast(confidence * NUM_BINS, tf.int32), NUM_BINS - 1)
    counts = tf.math.unsorted_segment_sum(tf.ones_like(confidence), bins, NUM_BINS)
    confidence_sums = tf.math.unsorted_segment_sum(confidence, bins, NUM_BINS)
    accuracy_sums = tf.math.unsorted_segment_sum(correct, bins, NUM_BINS)
    return tf.stack([counts, confidence_sums, accuracy_sums], axis=0)


@tf.function(input_signature=[
    tf.TensorSpec([None, None], tf.float32),
    tf.TensorSpec([None], tf.int64),
    tf.TensorSpec([], tf.int32),
])
def top_k_hits(probabilities, labels, k):
    _, top = tf.math.top_k(probabilities, k=k)
    hits = tf.reduce_any(tf.equal(tf.cast(top, tf.int64), labels[:, tf.newaxis]), axis=-1)
    return tf.reduce_sum(tf.cast(hits, tf.int64))


class CalibrationReport:
    """Accumulates calibration statistics over batches, eagerly."""

    def __init__(self):
        self.totals = np.zeros((3, NUM_BINS), dtype=np.float64)
        self.top5 = 0
        self.examples = 0

    def add(self, probabilities, labels):
        probabilities = tf.convert_to_tensor(probabilities, tf.float32)
        labels = tf.convert_to_tensor(labels, tf.int64)
        self.totals += calibration_bins(probabilities, labels).numpy()
        k = min(5, int(probabilities.shape[-1]))
        self.top5 += int(top_k_hits(probabilities, labels, tf.constant(k)))
        self.examples += int(labels.shape[0])

    def summary(self):
        counts, confidence_sums, accuracy_sums = self.totals
        nonempty = counts > 0
        confidence = np.where(nonempty, confidence_sums / np.maximum(counts, 1), 0.0)
        accuracy = np.where(nonempty, accuracy_sums / np.maximum(counts, 1), 0.0)
        ece = float(np.sum(counts / max(self.examples, 1) * np.abs(accuracy - confidence)))
        return {
            "examples": self.examples,
            "accuracy": float(accuracy_sums.sum() / max(self.examples, 1)),
            "top5_accuracy": self.top5 / max(self.examples, 1),
            "ece": ece,
            "max_calibration_gap": float(np.max(np.abs(accuracy - confidence)[nonempty]))
            if nonempty.any() else 0.0,
        }


def bootstrap_interval(values, statistic=np.mean, num_resamples=1000, alpha=0.05, seed=0):
    """Percentile bootstrap confidence interval of a statistic over per-example values."""
    rng = np.random.default_rng(seed)
    values = np.asarray(values)
    estimates = np.empty(num_resamples)
    for i in range(num_resamples):
        sample = values[rng.integers(0, len(values), size=len(values))]
        estimates[i] = statistic(sample)
    low, high = np.quantile(estimates, [alpha / 2, 1 - alpha / 2])
    return float(statistic(values)), float(low), float(high)


def to_numpy(value):
    """Converts eager tensors, variables and nested structures to NumPy."""
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_numpy(v) for v in value)
    if tf.executing_eagerly() and isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy()
    return np.asarray(value)


def flatten_config(config, prefix=""):
    """Flattens a nested configuration dict into dotted keys, for logging."""
    flat = {}
    for key, value in config.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_config(value, name))
        else:
            flat[name] = value
    return flat


@contextlib.contextmanager
def eager_functions():
    """Runs every tf.function eagerly inside the block, to step through it."""
    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(False)


def debug_one_batch(step_fn, batch):
    """Runs a compiled step on one batch eagerly and reports non-finite outputs."""
    with eager_functions():
        outputs = step_fn(*batch)
    flat = tf.nest.flatten(outputs)
    bad = [i for i, t in enumerate(flat) if not np.all(np.isfinite(to_numpy(t)))]
    if bad:
        logger.error("non-finite values in outputs %s", bad)
    return outputs


def tracing_report(functions):
    """How many graphs each tf.function has traced so far."""
    report = {}
    for name, fn in functions.items():
        count = fn.experimental_get_tracing_count()
        report[name] = count
        if count > 3:
            logger.warning("%s traced %d times; check its argument types and shapes", name, count)
    return report


def concrete_signature(fn, *specs):
    """Returns the printable signature of the graph `fn` gets for `specs`."""
    concrete = tf.function(fn).get_concrete_function(*specs)
    return str(concrete.structured_input_signature)


def benchmark(fn, *args, warmup=3, iterations=50):
    """Median wall time of fn(*args) in milliseconds, after warm-up calls."""
    for _ in range(warmup):
        fn(*args)
    timings = []
    for _ in range(iterations):
        start = time.perf_counter()
        result = fn(*args)
        tf.nest.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, result)
        timings.append((time.perf_counter() - start) * 1000.0)
    return float(np.median(timings)), float(np.percentile(timings, 90))


def evaluate_regression(predictions, targets):
    y = tf.constant(targets, tf.float32)
    p = tf.constant(predictions, tf.float32)
    return {name: float(fn(y, p)) for name, fn in COMPILED_REGRESSION_METRICS.items()}


def evaluate_classifier(model, dataset, max_batches=None):
    report = CalibrationReport()
    per_example_correct = []
    for i, (images, labels) in enumerate(dataset):
        if max_batches is not None and i >= max_batches:
            break
        probabilities = tf.nn.softmax(model(images, training=False), axis=-1)
        report.add(probabilities, labels)
        predicted = np.argmax(probabilities.numpy(), axis=-1)
        per_example_correct.extend((predicted == labels.numpy()).astype(np.float64).tolist())
    summary = report.summary()
    mean, low, high = bootstrap_interval(per_example_correct)
    summary["accuracy_95ci"] = [low, high]
    logger.info("accuracy %.4f (95%% CI %.4f-%.4f), ECE %.4f", mean, low, high, summary["ece"])
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True, help="directory of class sub-folders")
    parser.add_argument("--batches", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--post-mortem", action="store_true")
    parser.add_argument("--break-before-eval", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    random.seed(args.seed)
    np.random.seed(args.seed)
    tf.random.set_seed(args.seed)
    logger.info("config: %s", json.dumps(flatten_config(vars(args)), default=str))
    logger.info("functions run eagerly: %s", tf.config.functions_run_eagerly())

    model = tf.keras.models.load_model(args.model)
    dataset = tf.keras.utils.image_dataset_from_directory(
        args.data, image_size=model.input_shape[1:3], batch_size=64, shuffle=False
    )
    dataset = dataset.map(lambda x, y: (x, tf.cast(y, tf.int64)))
    if args.break_before_eval:
        breakpoint()
    try:
        summary = evaluate_classifier(model, dataset, args.batches)
    except Exception:
        if args.post_mortem:
            pdb.post_mortem()
        raise
    json.dump(summary, sys.stdout, indent=2)
    print()
    print(json.dumps(tracing_report({"calibration_bins": calibration_bins,
                                     "top_k_hits": top_k_hits})))


if __name__ == "__main__":
    sanity = tf.function(lambda x: tf.reduce_sum(x * x))(tf.ones([3]))
    logger.debug("graph sanity check: %s", float(sanity))
    main()
