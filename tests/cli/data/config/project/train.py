import tensorflow as tf


@tf.function(experimental_relax_shapes=True)
def train_step(x, step):
    print("tracing", x)
    if tf.executing_eagerly():
        x = x + 1
    return x * 2.0


class Residual(tf.keras.layers.Layer):
    def call(self, inputs):
        print("residual input", inputs)
        return inputs


data = tf.ones([4])
for i in range(10):
    train_step(data, i)
