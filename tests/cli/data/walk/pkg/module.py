import tensorflow as tf


@tf.function(experimental_compile=True)
def compiled(x):
    return x + 1
