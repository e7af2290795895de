# HY204 names the call and the change on the object that is really reused:
# not the sweep that builds a new object each round, whose change is met
# first.
import tensorflow as tf


class Scaler(tf.Module):
    def __init__(self):
        super().__init__()
        self.scale = 1.0

    @tf.function
    def apply(self, x):
        return self.scale * x


def tune(scales, x):
    scaler = Scaler()
    for s in scales:
        scaler.apply(x)
        scaler.scale = s


def sweep(scales, x):
    for s in scales:
        scaler = Scaler()
        scaler.apply(x)
        scaler.scale = s
