import tensorflow as tf


@tf.function
def a_c(x):
    print("a-c", x)
    return x
