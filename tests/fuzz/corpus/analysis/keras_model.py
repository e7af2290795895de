import numpy as np
import tensorflow as tf
from tensorflow import keras


class Model(keras.Model):
    def __init__(self):
        super().__init__()
        self.calls = 0
        self.dense = keras.layers.Dense(4)

    def call(self, x, training=False):
        self.calls += 1
        if x.numpy().sum() > 0:
            return self.dense(x)
        return np.asarray(x)

    def train_step(self, data):
        x, y = data
        history.append(x)
        return {"loss": tf.reduce_mean(y)}


model = Model()
model.compile(optimizer="adam", run_eagerly=False)
