# check --diff: nothing to fix here.
import tensorflow as tf


@tf.function
def step(x):
    return tf.reduce_sum(x)
