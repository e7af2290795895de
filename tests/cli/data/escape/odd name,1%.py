import tensorflow as tf


@tf.function
def step(x):
    print("escapes: 100%, a:b", x)
    return x
