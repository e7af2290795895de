# HY202's advice follows the state changed while tracing: values collected
# in a list or dict belong in the result (a tf.TensorArray in a loop), a
# counter or flag in a tf.Variable, a tensor kept on the object in the
# result or a tf.Variable.
import tensorflow as tf

losses = []
per_class = {}
queue = [1.0, 2.0]


class Trainer(tf.Module):
    def __init__(self):
        super().__init__()
        self.steps = 0
        self.warm = False
        self.last_loss = None

    @tf.function
    def step(self, x, y):
        loss = tf.reduce_mean(tf.square(x - y))
        losses.append(loss)
        per_class["all"] = loss
        per_class.update(last=loss)
        scale = queue.pop()
        self.steps += 1
        self.warm = True
        self.last_loss = loss
        return loss * scale
