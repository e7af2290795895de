"""A DCGAN for 64x64 images: a hand-written training loop for the
generator/discriminator pair, and the same model as a keras.Model subclass
with a custom train_step."""
import argparse
import logging
import os
import time

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

LATENT_DIM = 128
IMAGE_SHAPE = (64, 64, 3)
GRID_SIDE = 4


def make_generator(latent_dim=LATENT_DIM, base=64):
    model = tf.keras.Sequential(name="generator")
    model.add(tf.keras.Input(shape=(latent_dim,)))
    model.add(tf.keras.layers.Dense(4 * 4 * base * 8, use_bias=False))
    model.add(tf.keras.layers.Reshape((4, 4, base * 8)))
    for multiplier in (4, 2, 1):
        model.add(tf.keras.layers.BatchNormalization())
        model.add(tf.keras.layers.ReLU())
        model.add(tf.keras.layers.Conv2DTranspose(base * multiplier, 4, strides=2,
                                                  padding="same", use_bias=False))
    model.add(tf.keras.layers.BatchNormalization())
    model.add(tf.keras.layers.ReLU())
    model.add(tf.keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same",
                                              activation="tanh"))
    return model


def make_discriminator(base=64):
    model = tf.keras.Sequential(name="discriminator")
    model.add(tf.keras.Input(shape=IMAGE_SHAPE))
    for i, multiplier in enumerate((1, 2, 4, 8)):
        model.add(tf.keras.layers.Conv2D(base * multiplier, 4, strides=2, padding="same"))
        if i > 0:
            model.add(tf.keras.layers.BatchNormalization())
        model.add(tf.keras.layers.LeakyReLU(0.2))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(1))
    return model


def image_folder_dataset(pattern, batch_size):
    def load(path):
        image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        image = tf.image.resize(image, IMAGE_SHAPE[:2], antialias=True)
        return tf.cast(image, tf.float32) / 127.5 - 1.0

    files = tf.data.Dataset.list_files(pattern, shuffle=True)
    return (
        files.map(load, num_parallel_calls=tf.data.AUTOTUNE)
        .cache()
        .shuffle(2048)
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )


class GANTrainer:
    """Alternating updates with two optimizers inside one compiled step."""

    def __init__(self, generator, discriminator, learning_rate=2e-4, seed=42,
                 label_smoothing=0.1):
        self.generator = generator
        self.discriminator = discriminator
        self.g_optimizer = tf.keras.optimizers.Adam(learning_rate, beta_1=0.5)
        self.d_optimizer = tf.keras.optimizers.Adam(learning_rate, beta_1=0.5)
        self.bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
        self.label_smoothing = label_smoothing
        self.rng = tf.random.Generator.from_seed(seed)
        self.fixed_noise = tf.random.stateless_normal(
            [GRID_SIDE * GRID_SIDE, LATENT_DIM], seed=[seed, 0]
        )
        self.g_loss = tf.keras.metrics.Mean("g_loss")
        self.d_loss = tf.keras.metrics.Mean("d_loss")
        self.d_real_accuracy = tf.keras.metrics.BinaryAccuracy("d_real_acc", threshold=0.0)
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        self.checkpoint = tf.train.Checkpoint(
            generator=generator, discriminator=discriminator,
            g_optimizer=self.g_optimizer, d_optimizer=self.d_optimizer,
            rng=self.rng, step=self.step,
        )

    def _discriminator_loss(self, real_logits, fake_logits):
        real_targets = tf.ones_like(real_logits) * (1.0 - self.label_smoothing)
        real_loss = self.bce(real_targets, real_logits)
        fake_loss = self.bce(tf.zeros_like(fake_logits), fake_logits)
        return real_loss + fake_loss

    def _generator_loss(self, fake_logits):
        return self.bce(tf.ones_like(fake_logits), fake_logits)

    @tf.function(input_signature=[tf.TensorSpec([None, *IMAGE_SHAPE], tf.float32)])
    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        noise = self.rng.normal([batch_size, LATENT_DIM])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake_images = self.generator(noise, training=True)
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            d_loss = self._discriminator_loss(real_logits, fake_logits)
            g_loss = self._generator_loss(fake_logits)

        d_grads = d_tape.gradient(d_loss, self.discriminator.trainable_variables)
        g_grads = g_tape.gradient(g_loss, self.generator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_variables))
        self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_variables))

        self.g_loss.update_state(g_loss)
        self.d_loss.update_state(d_loss)
        self.d_real_accuracy.update_state(tf.ones_like(real_logits), real_logits)
        self.step.assign_add(1)
        return d_loss, g_loss

    @tf.function(input_signature=[])
    def sample_grid(self):
        images = self.generator(self.fixed_noise, training=False)
        images = tf.cast(tf.clip_by_value((images + 1.0) * 127.5, 0.0, 255.0), tf.uint8)
        rows = []
        for r in range(GRID_SIDE):
            row = [images[r * GRID_SIDE + c] for c in range(GRID_SIDE)]
            rows.append(tf.concat(row, axis=1))
        return tf.concat(rows, axis=0)

    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def write_grid(self, path):
        tf.io.write_file(path, tf.image.encode_png(self.sample_grid()))
        tf.print("wrote sample grid at step", self.step)

    def train(self, dataset, epochs, workdir, sample_every=1):
        os.makedirs(os.path.join(workdir, "samples"), exist_ok=True)
        manager = tf.train.CheckpointManager(
            self.checkpoint, os.path.join(workdir, "checkpoints"), max_to_keep=2
        )
        if manager.latest_checkpoint:
            self.checkpoint.restore(manager.latest_checkpoint)
            logger.info("resumed at step %d", int(self.step.numpy()))
        for epoch in range(epochs):
            start = time.time()
            for metric in (self.g_loss, self.d_loss, self.d_real_accuracy):
                metric.reset_state()
            for real_images in dataset:
                self.train_step(real_images)
            logger.info(
                "epoch %d  d_loss %.3f  g_loss %.3f  D(real) acc %.2f  (%.0fs)",
                epoch + 1, float(self.d_loss.result()), float(self.g_loss.result()),
                float(self.d_real_accuracy.result()), time.time() - start,
            )
            if (epoch + 1) % sample_every == 0:
                path = os.path.join(workdir, "samples", f"epoch_{epoch + 1:04d}.png")
                self.write_grid(tf.constant(path))
            manager.save()


class ConditionalGAN(tf.keras.Model):
    """Keras-style GAN: fit() drives train_step, metrics reset every epoch."""

    def __init__(self, generator, discriminator, latent_dim=LATENT_DIM, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.gen_loss_tracker = tf.keras.metrics.Mean(name="generator_loss")
        self.disc_loss_tracker = tf.keras.metrics.Mean(name="discriminator_loss")
        self.seed_generator = tf.random.Generator.from_non_deterministic_state()

    @property
    def metrics(self):
        return [self.gen_loss_tracker, self.disc_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def train_step(self, data):
        if isinstance(data, tuple):
            data = data[0]
        real_images = data
        batch_size = tf.shape(real_images)[0]

        noise = self.seed_generator.normal([batch_size, self.latent_dim])
        generated = self.generator(noise, training=True)
        combined = tf.concat([generated, real_images], axis=0)
        labels = tf.concat([tf.ones([batch_size, 1]), tf.zeros([batch_size, 1])], axis=0)
        labels += 0.05 * self.seed_generator.uniform(tf.shape(labels))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined, training=True)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        noise = self.seed_generator.normal([batch_size, self.latent_dim])
        misleading_labels = tf.zeros([batch_size, 1])
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, training=True), training=False)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.disc_loss_tracker.update_state(d_loss)
        self.gen_loss_tracker.update_state(g_loss)
        return {
            "d_loss": self.disc_loss_tracker.result(),
            "g_loss": self.gen_loss_tracker.result(),
        }


class SampleSaver(tf.keras.callbacks.Callback):
    """Saves a few generated images after every epoch (eager code)."""

    def __init__(self, output_dir, num_images=8, latent_dim=LATENT_DIM, seed=0):
        super().__init__()
        self.output_dir = output_dir
        rng = np.random.default_rng(seed)
        self.noise = rng.standard_normal((num_images, latent_dim)).astype(np.float32)

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.output_dir, exist_ok=True)
        images = self.model.generator(self.noise, training=False).numpy()
        images = np.clip((images + 1.0) * 127.5, 0, 255).astype(np.uint8)
        for i, image in enumerate(images):
            path = os.path.join(self.output_dir, f"epoch{epoch + 1:03d}_{i}.png")
            tf.keras.utils.save_img(path, image)
        print(f"saved {len(images)} samples to {self.output_dir}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pattern", help="glob of training images, e.g. 'faces/*.jpg'")
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--workdir", default="runs/dcgan")
    parser.add_argument("--keras", action="store_true", help="train with fit() instead")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    dataset = image_folder_dataset(args.pattern, args.batch_size)
    if args.keras:
        gan = ConditionalGAN(make_generator(), make_discriminator())
        gan.compile(
            d_optimizer=tf.keras.optimizers.Adam(2e-4, beta_1=0.5),
            g_optimizer=tf.keras.optimizers.Adam(2e-4, beta_1=0.5),
            loss_fn=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        )
        gan.fit(dataset, epochs=args.epochs,
                callbacks=[SampleSaver(os.path.join(args.workdir, "keras_samples"))])
    else:
        trainer = GANTrainer(make_generator(), make_discriminator())
        trainer.train(dataset, args.epochs, args.workdir)


if __name__ == "__main__":
    main()
