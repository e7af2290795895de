import tensorflow as tf


def summary(x):
    total = tf.reduce_sum(x)
    return total.numpy()


def run():
    summary(tf.constant([1.0, 2.0]))
