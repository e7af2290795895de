import tensorflow as tf


@tf.function
def log_step(x):
    print("value", x)
    return x + 1


@tf.function(jit_compile=True)  # compiled
def config(n):
    return n * 2


def label(name):
    return name.upper()


label_graph = tf.function(label)


@tf.function
def countdown(x, n):
    print("depth", n)
    if n == 0:
        return x
    return countdown(x, n - 1)


def run():
    log_step(tf.constant(1.0))
    config(3)
    label_graph("a")
