# check --fix: a variable created on every trace of a tf.function method is
# created once, guarded with hasattr.
import tensorflow as tf


class Scaler(tf.Module):
    @tf.function
    def __call__(self, x):
        if not hasattr(self, "scale"):
            self.scale = tf.Variable(tf.ones([x.shape[-1]]))  # created per trace
        return x * self.scale
