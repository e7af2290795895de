import tensorflow as tf


@tf.function
def step(x):
    s = "ÿşÃ"; print(s, "été")
    return x
