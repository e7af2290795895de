import tensorflow as tf


def scaled(x, factor):
    return x * factor


def run():
    x = tf.constant([1.0, 2.0])
    for k in range(3):
        scaled(x, k)
