"""Trainer pattern (keras.io example): a Model that trains another model."""
import numpy as np
import tensorflow as tf
import keras

x_train = np.random.rand(512, 784).astype("float32")
y_train = np.random.randint(0, 10, size=(512,))
x_test = x_train[:64]
y_test = y_train[:64]

model_a = keras.Sequential(
    [keras.layers.Input(shape=(784,)), keras.layers.Dense(256, activation="relu"),
     keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")]
)
model_b = keras.Sequential(
    [keras.layers.Input(shape=(784,)), keras.layers.Dense(128, activation="relu"),
     keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")]
)


class MyTrainer(keras.Model):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.loss_fn = keras.losses.SparseCategoricalCrossentropy()
        self.accuracy_metric = keras.metrics.SparseCategoricalAccuracy()

    @property
    def metrics(self):
        return [self.accuracy_metric]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self.model(x, training=True)
            loss = self.loss_fn(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        for metric in self.metrics:
            metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self.model(x, training=False)
        for metric in self.metrics:
            metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def call(self, x):
        x = self.model(x)
        return x


trainer_1 = MyTrainer(model_a)
trainer_2 = MyTrainer(model_b)
trainer_1.compile(optimizer=keras.optimizers.SGD())
trainer_1.fit(x_train, y_train, epochs=1, batch_size=64, validation_data=(x_test, y_test))
trainer_2.compile(optimizer=keras.optimizers.Adam())
trainer_2.fit(x_train, y_train, epochs=1, batch_size=64, validation_data=(x_test, y_test))
