import tensorflow as tf


@tf.function
def step(x):
    print("before the error", x)
    y = (x +
    return x


def tail(:
    pass
