import numpy as np
import tensorflow as tf


def normalise(x):
    mean = np.mean(x)
    return tf.subtract(x, mean)


def run():
    normalise(tf.constant([1.0, 2.0]))


def windowed(x, n):
    window = np.hanning(n)
    return tf.multiply(x, window)


def run_windowed():
    windowed(tf.constant([1.0, 2.0]), 2)
    windowed(tf.constant([1.0, 2.0, 3.0]), 3)
