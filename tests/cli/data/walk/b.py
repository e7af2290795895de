import tensorflow as tf


@tf.function
def b(x):
    print("b", x)
    return x
