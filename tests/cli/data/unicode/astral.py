import tensorflow as tf


@tf.function
def step(x):
    s = "😀𝄞"; print(s, x)
    t = "é中"; print(t)
    return x
