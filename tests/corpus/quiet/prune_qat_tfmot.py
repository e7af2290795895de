"""Magnitude pruning followed by quantization-aware training with tfmot."""
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow_model_optimization as tfmot
from tensorflow import keras

prune_low_magnitude = tfmot.sparsity.keras.prune_low_magnitude


def base_model():
    return keras.Sequential([
        keras.layers.InputLayer(input_shape=(28, 28)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(12, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ])


def prune(model, x, y, epochs=2, batch_size=128):
    end_step = np.ceil(len(x) / batch_size).astype(np.int32) * epochs
    params = {
        "pruning_schedule": tfmot.sparsity.keras.PolynomialDecay(
            initial_sparsity=0.50, final_sparsity=0.80, begin_step=0, end_step=end_step),
    }
    pruned = prune_low_magnitude(model, **params)
    pruned.compile(optimizer="adam",
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   metrics=["accuracy"])
    logdir = tempfile.mkdtemp()
    pruned.fit(x, y, batch_size=batch_size, epochs=epochs, validation_split=0.1,
               callbacks=[tfmot.sparsity.keras.UpdatePruningStep(),
                          tfmot.sparsity.keras.PruningSummaries(log_dir=logdir)])
    return tfmot.sparsity.keras.strip_pruning(pruned)


def custom_prune_loop(model, ds, epochs=2):
    pruned = prune_low_magnitude(
        model, pruning_schedule=tfmot.sparsity.keras.ConstantSparsity(0.5, 0))
    opt = keras.optimizers.Adam()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    step_cb = tfmot.sparsity.keras.UpdatePruningStep()
    step_cb.set_model(pruned)
    step_cb.on_train_begin()

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, pruned(x, training=True))
        grads = tape.gradient(loss, pruned.trainable_variables)
        opt.apply_gradients(zip(grads, pruned.trainable_variables))
        return loss

    for epoch in range(epochs):
        for x, y in ds:
            step_cb.on_train_batch_begin(batch=-1)
            loss = step(x, y)
        step_cb.on_epoch_end(batch=-1)
        print("epoch", epoch, float(loss))
    return tfmot.sparsity.keras.strip_pruning(pruned)


def qat(model, x, y):
    q_model = tfmot.quantization.keras.quantize_model(model)
    q_model.compile(optimizer="adam",
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
    q_model.fit(x[:1000], y[:1000], batch_size=500, epochs=1, validation_split=0.1)
    return q_model


def to_tflite(model):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()


def main():
    (x, y), (xt, yt) = keras.datasets.mnist.load_data()
    x, xt = x / 255.0, xt / 255.0
    model = base_model()
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, validation_split=0.1)
    stripped = prune(model, x, y)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(128)
    stripped2 = custom_prune_loop(base_model(), ds)
    q = qat(stripped, x, y)
    blob = to_tflite(q)
    with open("model_qat.tflite", "wb") as f:
        f.write(blob)
    print(stripped2.summary())


if __name__ == "__main__":
    main()
