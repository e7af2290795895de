"""DCGAN on MNIST-like data with two optimizers and per-step summaries."""
import os
import time

import numpy as np
import tensorflow as tf

BATCH = 64
NOISE_DIM = 100
EPOCHS = 20
LOG_DIR = "/tmp/dcgan"


def make_generator():
    return tf.keras.Sequential([
        tf.keras.layers.Dense(7 * 7 * 128, use_bias=False, input_shape=(NOISE_DIM,)),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Reshape((7, 7, 128)),
        tf.keras.layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh"),
    ])


def make_discriminator():
    return tf.keras.Sequential([
        tf.keras.layers.Conv2D(64, 5, strides=2, padding="same", input_shape=(28, 28, 1)),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Dropout(0.3),
        tf.keras.layers.Conv2D(128, 5, strides=2, padding="same"),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1),
    ])


bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_output, fake_output):
    real_loss = bce(tf.ones_like(real_output), real_output)
    fake_loss = bce(tf.zeros_like(fake_output), fake_output)
    return real_loss + fake_loss


def generator_loss(fake_output):
    return bce(tf.ones_like(fake_output), fake_output)


generator = make_generator()
discriminator = make_discriminator()
gen_opt = tf.keras.optimizers.Adam(1e-4, beta_1=0.5)
disc_opt = tf.keras.optimizers.Adam(1e-4, beta_1=0.5)
writer = tf.summary.create_file_writer(LOG_DIR)
gen_loss_metric = tf.keras.metrics.Mean("gen_loss")
disc_loss_metric = tf.keras.metrics.Mean("disc_loss")


@tf.function
def train_step(images):
    noise = tf.random.normal([tf.shape(images)[0], NOISE_DIM])
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        generated = generator(noise, training=True)
        real_output = discriminator(images, training=True)
        fake_output = discriminator(generated, training=True)
        gen_loss = generator_loss(fake_output)
        disc_loss = discriminator_loss(real_output, fake_output)
    gen_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
    disc_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
    gen_opt.apply_gradients(zip(gen_grads, generator.trainable_variables))
    disc_opt.apply_gradients(zip(disc_grads, discriminator.trainable_variables))
    gen_loss_metric.update_state(gen_loss)
    disc_loss_metric.update_state(disc_loss)
    with writer.as_default(step=gen_opt.iterations):
        tf.summary.scalar("gen_loss_step", gen_loss)
        tf.summary.scalar("disc_loss_step", disc_loss)
    return gen_loss, disc_loss


@tf.function
def generate_samples(noise):
    return generator(noise, training=False)


def save_grid(images, epoch):
    images = (images.numpy() * 127.5 + 127.5).astype(np.uint8)
    path = os.path.join(LOG_DIR, "epoch_%03d.npy" % epoch)
    np.save(path, images)


def load_dataset():
    (x_train, _), _ = tf.keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32")
    x_train = (x_train - 127.5) / 127.5
    ds = tf.data.Dataset.from_tensor_slices(x_train)
    return ds.shuffle(60000).batch(BATCH, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def train():
    ds = load_dataset()
    seed = tf.random.normal([16, NOISE_DIM])
    for epoch in range(EPOCHS):
        start = time.time()
        for images in ds:
            g, d = train_step(images)
        with writer.as_default():
            tf.summary.scalar("gen_loss", gen_loss_metric.result(), step=epoch)
            tf.summary.scalar("disc_loss", disc_loss_metric.result(), step=epoch)
        gen_loss_metric.reset_state()
        disc_loss_metric.reset_state()
        save_grid(generate_samples(seed), epoch)
        print("epoch %d took %.1fs g=%.3f d=%.3f" % (epoch, time.time() - start, g, d))


if __name__ == "__main__":
    train()
