import tensorflow as tf


@tf.function
def generated(x):
    print("build", x)
    return x
