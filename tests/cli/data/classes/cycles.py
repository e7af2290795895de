# Class hierarchies the parser accepts but Python rejects (repeated bases, a
# cycle): every walk over bases must visit each class once, or `A(1)` and
# `a(x)` below take exponential time.
import tensorflow as tf


class B(A, A, A, A, A, A, A, A, A, A, A, A):
    def __init__(self, x):
        pass


class A(B, B, B, B, B, B, B, B, B, B, B, B):
    def __init__(self, x):
        self.x = x

    @classmethod
    def make(cls, x):
        return cls(x)


a = A(1)
for i in range(3):
    m = A(i)
    g = tf.function(lambda t: m(t))


@tf.function
def step(x):
    return a(x) + a.missing(x)
