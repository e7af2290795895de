"""Model definitions: a functional ResNet for CIFAR-10, a variational
autoencoder with a custom train_step, and a contrastive encoder trained with
compile()/fit()."""
import os

import numpy as np
import tensorflow as tf

from layers import PatchEmbedding, RMSNorm, TransformerBlock

CIFAR_SHAPE = (32, 32, 3)


def residual_unit(x, filters, stride=1, name=None):
    """Functional-API residual unit; runs once while the model is built."""
    shortcut = x
    y = tf.keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False,
                               name=f"{name}_conv1")(x)
    y = tf.keras.layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = tf.keras.layers.ReLU(name=f"{name}_relu1")(y)
    y = tf.keras.layers.Conv2D(filters, 3, padding="same", use_bias=False,
                               name=f"{name}_conv2")(y)
    y = tf.keras.layers.BatchNormalization(name=f"{name}_bn2")(y)
    if stride != 1 or x.shape[-1] != filters:
        shortcut = tf.keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False,
                                          name=f"{name}_proj")(x)
        shortcut = tf.keras.layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = tf.keras.layers.Add(name=f"{name}_add")([shortcut, y])
    return tf.keras.layers.ReLU(name=f"{name}_out")(y)


def build_resnet(num_classes=10, widths=(16, 32, 64), units_per_stage=3):
    inputs = tf.keras.Input(shape=CIFAR_SHAPE, name="image")
    x = tf.keras.layers.Rescaling(1.0 / 255)(inputs)
    x = tf.keras.layers.Conv2D(widths[0], 3, padding="same", use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.ReLU()(x)
    for stage, filters in enumerate(widths):
        for unit in range(units_per_stage):
            stride = 2 if stage > 0 and unit == 0 else 1
            x = residual_unit(x, filters, stride, name=f"stage{stage}_unit{unit}")
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(num_classes, name="logits")(x)
    return tf.keras.Model(inputs, outputs, name=f"resnet{6 * units_per_stage + 2}")


def build_vit(num_classes=10, patch_size=4, dim=128, depth=4, num_heads=4):
    inputs = tf.keras.Input(shape=CIFAR_SHAPE, name="image")
    x = tf.keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)(inputs)
    x = PatchEmbedding(patch_size, dim)(x)
    drop_rates = np.linspace(0.0, 0.1, depth)
    for i in range(depth):
        x = TransformerBlock(dim, num_heads, drop_path=float(drop_rates[i]), name=f"block{i}")(x)
    x = RMSNorm()(x)
    outputs = tf.keras.layers.Dense(num_classes)(x[:, 0])
    return tf.keras.Model(inputs, outputs, name="vit_tiny")


class Sampling(tf.keras.layers.Layer):
    """Draws z = mean + sigma * epsilon with the reparameterisation trick."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = tf.random.normal(shape=tf.shape(z_mean))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


def build_encoder(latent_dim):
    inputs = tf.keras.Input(shape=(28, 28, 1))
    x = tf.keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
    x = tf.keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense(16, activation="relu")(x)
    z_mean = tf.keras.layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = tf.keras.layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    return tf.keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")


def build_decoder(latent_dim):
    inputs = tf.keras.Input(shape=(latent_dim,))
    x = tf.keras.layers.Dense(7 * 7 * 64, activation="relu")(inputs)
    x = tf.keras.layers.Reshape((7, 7, 64))(x)
    x = tf.keras.layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = tf.keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    outputs = tf.keras.layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid")(x)
    return tf.keras.Model(inputs, outputs, name="decoder")


class VAE(tf.keras.Model):
    """Variational autoencoder with its own train_step and test_step."""

    def __init__(self, encoder, decoder, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.total_loss_tracker = tf.keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = tf.keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = tf.keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, inputs, training=False):
        _, _, z = self.encoder(inputs, training=training)
        return self.decoder(z, training=training)

    def _losses(self, images, training):
        z_mean, z_log_var, z = self.encoder(images, training=training)
        reconstruction = self.decoder(z, training=training)
        reconstruction_loss = tf.reduce_mean(
            tf.reduce_sum(
                tf.keras.losses.binary_crossentropy(images, reconstruction), axis=(1, 2)
            )
        )
        kl = -0.5 * (1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
        kl_loss = tf.reduce_mean(tf.reduce_sum(kl, axis=1))
        return reconstruction_loss + self.beta * kl_loss, reconstruction_loss, kl_loss

    def train_step(self, data):
        images = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            total_loss, reconstruction_loss, kl_loss = self._losses(images, training=True)
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_tracker.update_state(reconstruction_loss)
        self.kl_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        images = data[0] if isinstance(data, tuple) else data
        total_loss, reconstruction_loss, kl_loss = self._losses(images, training=False)
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_tracker.update_state(reconstruction_loss)
        self.kl_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}

    def get_config(self):
        return {"beta": self.beta}


class ContrastiveModel(tf.keras.Model):
    """SimCLR-style encoder trained on two augmented views of every image."""

    def __init__(self, encoder, projection_dim=64, temperature=0.1, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.temperature = temperature
        self.projection = tf.keras.Sequential([
            tf.keras.layers.Dense(256, activation="relu"),
            tf.keras.layers.Dense(projection_dim),
        ])
        self.augment = tf.keras.Sequential([
            tf.keras.layers.RandomFlip("horizontal"),
            tf.keras.layers.RandomTranslation(0.1, 0.1),
            tf.keras.layers.RandomContrast(0.3),
        ])
        self.loss_tracker = tf.keras.metrics.Mean(name="contrastive_loss")
        self.accuracy_tracker = tf.keras.metrics.SparseCategoricalAccuracy(name="pair_accuracy")

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy_tracker]

    def call(self, images, training=False):
        return self.encoder(images, training=training)

    def _nt_xent(self, z1, z2):
        z1 = tf.math.l2_normalize(z1, axis=1)
        z2 = tf.math.l2_normalize(z2, axis=1)
        batch_size = tf.shape(z1)[0]
        labels = tf.range(batch_size)
        similarities = tf.matmul(z1, z2, transpose_b=True) / self.temperature
        loss_12 = tf.keras.losses.sparse_categorical_crossentropy(
            labels, similarities, from_logits=True
        )
        loss_21 = tf.keras.losses.sparse_categorical_crossentropy(
            labels, tf.transpose(similarities), from_logits=True
        )
        self.accuracy_tracker.update_state(labels, similarities)
        return tf.reduce_mean(loss_12 + loss_21) / 2.0

    def train_step(self, data):
        images, _ = data
        views = []
        for _ in range(2):
            views.append(self.augment(images, training=True))
        with tf.GradientTape() as tape:
            projections = [
                self.projection(self.encoder(view, training=True), training=True)
                for view in views
            ]
            loss = self._nt_xent(projections[0], projections[1])
        variables = self.encoder.trainable_weights + self.projection.trainable_weights
        grads = tape.gradient(loss, variables)
        grads_and_vars = [(g, v) for g, v in zip(grads, variables) if g is not None]
        self.optimizer.apply_gradients(grads_and_vars)
        self.loss_tracker.update_state(loss)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        images, _ = data
        z1 = self.projection(self.encoder(images, training=False))
        z2 = self.projection(self.encoder(tf.image.flip_left_right(images), training=False))
        loss = self._nt_xent(z1, z2)
        self.loss_tracker.update_state(loss)
        return {m.name: m.result() for m in self.metrics}


def cifar_datasets(batch_size):
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
    y_train = y_train.squeeze().astype(np.int64)
    y_test = y_test.squeeze().astype(np.int64)
    train = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train))
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
    test = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(batch_size)
    return train, test


def train_supervised(workdir, epochs=30, batch_size=128, architecture="resnet"):
    train, test = cifar_datasets(batch_size)
    model = build_resnet() if architecture == "resnet" else build_vit()
    steps = epochs * int(np.ceil(50000 / batch_size))
    schedule = tf.keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(schedule),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    callbacks = [
        tf.keras.callbacks.ModelCheckpoint(
            os.path.join(workdir, "best.keras"), monitor="val_accuracy", save_best_only=True
        ),
        tf.keras.callbacks.TensorBoard(os.path.join(workdir, "logs")),
    ]
    history = model.fit(train, validation_data=test, epochs=epochs, callbacks=callbacks)
    best = max(history.history["val_accuracy"])
    print(f"{model.name}: best validation accuracy {best:.4f}")
    return model


def train_vae(workdir, epochs=20, latent_dim=2):
    (x_train, _), (x_test, _) = tf.keras.datasets.mnist.load_data()
    x_train = np.expand_dims(x_train, -1).astype("float32") / 255.0
    x_test = np.expand_dims(x_test, -1).astype("float32") / 255.0
    vae = VAE(build_encoder(latent_dim), build_decoder(latent_dim), beta=1.0)
    vae.compile(optimizer=tf.keras.optimizers.Adam(1e-3))
    vae.fit(x_train, epochs=epochs, batch_size=128, validation_data=(x_test, x_test))
    vae.encoder.save(os.path.join(workdir, "encoder.keras"))
    vae.decoder.save(os.path.join(workdir, "decoder.keras"))
    return vae


def train_contrastive(workdir, epochs=50, batch_size=256):
    train, test = cifar_datasets(batch_size)
    encoder = tf.keras.Sequential([
        tf.keras.Input(shape=CIFAR_SHAPE),
        tf.keras.layers.Rescaling(1.0 / 255),
        tf.keras.layers.Conv2D(64, 3, strides=2, activation="relu"),
        tf.keras.layers.Conv2D(128, 3, strides=2, activation="relu"),
        tf.keras.layers.Conv2D(256, 3, strides=2, activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
    ], name="encoder")
    model = ContrastiveModel(encoder)
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-4))
    model.fit(train, validation_data=test, epochs=epochs)
    encoder.save(os.path.join(workdir, "contrastive_encoder.keras"))
    return encoder


if __name__ == "__main__":
    out = os.environ.get("WORKDIR", "runs/models")
    os.makedirs(out, exist_ok=True)
    train_supervised(out)
    train_vae(out)
    train_contrastive(out)
