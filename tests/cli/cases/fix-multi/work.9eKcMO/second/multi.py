# check --diff: safe fixes far apart (two hunks) and close together (one
# hunk), the last one on a line without a final newline.
import pdb

import tensorflow as tf

tf.config.run_functions_eagerly(False)


class Scaler(tf.Module):
    @tf.function
    def __call__(self, x):
        if not hasattr(self, "scale"):
            self.scale = tf.Variable(tf.ones([x.shape[-1]]))
        return x * self.scale

    def describe(self):
        return "Scaler"

    def reset(self):
        self.count = 0


def configure(debug):
    # a comment kept as it is
    if debug and not tf.config.functions_run_eagerly():
        tf.config.run_functions_eagerly(True)