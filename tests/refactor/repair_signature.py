import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def pair(a, b):
    return a + b


@tf.function(input_signature=[
    tf.TensorSpec(shape=[None, 3], dtype=tf.int32),
])
def wrong_dtype(x):
    return x * 2


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def fine(x):
    return x * 2


def run():
    pair(tf.constant([1.0]), tf.constant([2.0]))
    wrong_dtype(tf.zeros([5, 3]))
    fine(tf.constant([1.0, 2.0]))
