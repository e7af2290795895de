import tensorflow as tf


@tf.function
def train(images, step):
    print("Tracing train with", step)
    return tf.reduce_mean(images) * tf.cast(step, tf.float32)


@tf.function
def report(x):
    print("tracing report")
    print("loss", x)
    return x * 2


def run(batches):
    for step, images in enumerate(batches):
        train(images, step)
        report(tf.constant(1.0))
