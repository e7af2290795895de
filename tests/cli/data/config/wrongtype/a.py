import tensorflow as tf


@tf.function(experimental_relax_shapes=True)
def f(x):
    print(x)
    return x
