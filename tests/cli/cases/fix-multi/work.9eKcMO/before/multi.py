# check --diff: safe fixes far apart (two hunks) and close together (one
# hunk), the last one on a line without a final newline.
import pdb

import tensorflow as tf

tf.config.experimental_run_functions_eagerly(False)


class Scaler(tf.Module):
    @tf.function
    def __call__(self, x):
        self.scale = tf.Variable(tf.ones([x.shape[-1]]))
        pdb.set_trace()
        return x * self.scale

    def describe(self):
        return "Scaler"

    def reset(self):
        self.count = 0


def configure(debug):
    # a comment kept as it is
    if debug and not tf.config.experimental_functions_run_eagerly():
        tf.config.experimental_run_functions_eagerly(True)