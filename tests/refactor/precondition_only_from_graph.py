import tensorflow as tf


def helper(x):
    return tf.square(x)


@tf.function
def step(x):
    return helper(x) + 1.0


def run():
    step(tf.constant([1.0]))
