import tensorflow as tf


@tf.function
def x(x):
    print("a/x", x)
    return x
