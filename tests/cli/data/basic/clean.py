import tensorflow as tf


@tf.function(reduce_retracing=True)
def scale(x):
    tf.print("scaling", x)
    return x * 2.0


def report(value):
    print("value:", value)
