import tensorflow as tf


@tf.function(experimental_relax_shapes=True)
def f(x):
    print(x)
    if tf.executing_eagerly():
        x = x + 1
    return x
