import pdb

import tensorflow as tf


@tf.function
def checked(x):
    y = tf.reduce_sum(x)
    if tf.math.is_nan(y):
        pdb.set_trace()
    return y


def run():
    checked(tf.constant([1.0, 2.0]))
