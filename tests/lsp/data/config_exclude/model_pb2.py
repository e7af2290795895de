import tensorflow as tf


@tf.function
def generated(x):
    print("generated", x)
    return x
