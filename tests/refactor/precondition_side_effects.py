import tensorflow as tf

history = []


def step(x):
    y = tf.square(x)
    history.append(y)
    return y


def run():
    x = tf.constant([1.0, 2.0])
    for _ in range(3):
        step(x)
