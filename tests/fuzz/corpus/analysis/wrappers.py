import tensorflow as tf
from tensorflow import function


def helper(x):
    return tf.py_function(lambda v: v, [x], tf.float32)


g = tf.function(helper)
h = function(lambda x: x * 2, experimental_relax_shapes=True)


class Agent:
    def __init__(self):
        self.step = tf.function(self._step)

    def _step(self, s):
        global counter
        counter += 1
        return helper(s)


def run(ds):
    out = []
    for batch in ds:
        f = tf.function(lambda b: b + 1)
        out.append(tf.function(helper)(batch))
    return ds.map(lambda v: helper(v)).batch(2)
