import tensorflow as tf


class LazyMLP(tf.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.w1 = None

    @tf.function
    def __call__(self, x):
        if self.w1 is None:
            self.w1 = tf.Variable(tf.random.normal([4, self.hidden]))
            self.w2 = tf.Variable(tf.random.normal([self.hidden, 1]))
        return tf.matmul(tf.nn.relu(tf.matmul(x, self.w1)), self.w2)


class CountingMLP(tf.Module):
    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.w1 = None
        self.calls = 0

    @tf.function
    def __call__(self, x):
        if self.w1 is None:
            self.w1 = tf.Variable(tf.random.normal([4, self.hidden]))
        self.calls += 1
        return tf.matmul(x, self.w1)


class Scaler:
    def __init__(self):
        self.scale = None

    def __call__(self, x):
        if self.scale is None:
            self.scale = tf.Variable(tf.ones([4]))
        return x * self.scale


def run():
    x = tf.ones([2, 4])
    lazy = LazyMLP(8)
    counting = CountingMLP(8)
    scaler = Scaler()
    lazy(x)
    counting(x)
    scaler(x)
