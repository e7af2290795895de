# check --fix: tf.function(f)(x) builds a new tf.function, and traces it, on
# every call; it is wrapped once at module level.
import tensorflow as tf


def normalize(x):
    return x / tf.reduce_max(tf.abs(x))


normalize_graph = tf.function(normalize)


def run(batch):
    return normalize_graph(batch)
