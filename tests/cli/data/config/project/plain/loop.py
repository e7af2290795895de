import tensorflow as tf


@tf.function
def step(x, n):
    print("tracing", x)
    return x * n


for i in range(3):
    step(tf.ones([2]), i)
