import tensorflow as tf

from proj.helpers import normalize


@tf.function
def train_step(x):
    return normalize(x) * 2.0
