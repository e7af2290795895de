# check --fix: breakpoints in a tf.function stop only while tracing; they are
# removed, and a block left empty gets `pass`.
import pdb

import tensorflow as tf


@tf.function
def train_step(x):
    loss = tf.reduce_mean(tf.square(x))
    if loss > 0:
        pass
    return loss
