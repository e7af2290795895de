import tensorflow as tf


class Residual(tf.keras.layers.Layer):
    def call(self, inputs):
        print("residual input", inputs)
        return inputs


@tf.function
def step(x):
    print("tracing", x)
    return x
