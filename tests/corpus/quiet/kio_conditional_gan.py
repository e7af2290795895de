"""Conditional GAN (keras.io example)."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

batch_size = 64
num_channels = 1
num_classes = 10
image_size = 28
latent_dim = 128

all_digits = np.random.rand(512, 28, 28, 1).astype("float32")
all_labels = keras.utils.to_categorical(np.random.randint(0, 10, size=(512,)), 10)
dataset = tf.data.Dataset.from_tensor_slices((all_digits, all_labels))
dataset = dataset.shuffle(buffer_size=1024).batch(batch_size)

generator_in_channels = latent_dim + num_classes
discriminator_in_channels = num_channels + num_classes

discriminator = keras.Sequential(
    [keras.layers.InputLayer((28, 28, discriminator_in_channels)),
     layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
     layers.GlobalMaxPooling2D(), layers.Dense(1)],
    name="discriminator",
)
generator = keras.Sequential(
    [keras.layers.InputLayer((generator_in_channels,)), layers.Dense(7 * 7 * generator_in_channels),
     layers.LeakyReLU(negative_slope=0.2), layers.Reshape((7, 7, generator_in_channels)),
     layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
     layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
     layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid")],
    name="generator",
)


class ConditionalGAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.gen_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.disc_loss_tracker = keras.metrics.Mean(name="discriminator_loss")

    @property
    def metrics(self):
        return [self.gen_loss_tracker, self.disc_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, data):
        real_images, one_hot_labels = data
        image_one_hot_labels = one_hot_labels[:, :, None, None]
        image_one_hot_labels = keras.ops.repeat(image_one_hot_labels, repeats=[image_size * image_size])
        image_one_hot_labels = keras.ops.reshape(image_one_hot_labels, (-1, image_size, image_size, num_classes))
        batch_size = keras.ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        random_vector_labels = keras.ops.concatenate([random_latent_vectors, one_hot_labels], axis=1)
        generated_images = self.generator(random_vector_labels)
        fake_image_and_labels = keras.ops.concatenate([generated_images, image_one_hot_labels], -1)
        real_image_and_labels = keras.ops.concatenate([real_images, image_one_hot_labels], -1)
        combined_images = keras.ops.concatenate([fake_image_and_labels, real_image_and_labels], axis=0)
        labels = keras.ops.concatenate([keras.ops.ones((batch_size, 1)), keras.ops.zeros((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        random_vector_labels = keras.ops.concatenate([random_latent_vectors, one_hot_labels], axis=1)
        misleading_labels = keras.ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            fake_images = self.generator(random_vector_labels)
            fake_image_and_labels = keras.ops.concatenate([fake_images, image_one_hot_labels], -1)
            predictions = self.discriminator(fake_image_and_labels)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.gen_loss_tracker.update_state(g_loss)
        self.disc_loss_tracker.update_state(d_loss)
        return {"g_loss": self.gen_loss_tracker.result(), "d_loss": self.disc_loss_tracker.result()}


cond_gan = ConditionalGAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
cond_gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
cond_gan.fit(dataset, epochs=1)
trained_gen = cond_gan.generator
num_interpolation = 9
interpolation_noise = keras.random.normal(shape=(1, latent_dim))
interpolation_noise = keras.ops.repeat(interpolation_noise, repeats=num_interpolation)
interpolation_noise = keras.ops.reshape(interpolation_noise, (num_interpolation, latent_dim))


def interpolate_class(first_number, second_number):
    first_label = keras.utils.to_categorical([first_number], num_classes)
    second_label = keras.utils.to_categorical([second_number], num_classes)
    first_label = keras.ops.cast(first_label, "float32")
    second_label = keras.ops.cast(second_label, "float32")
    percent_second_label = keras.ops.linspace(0, 1, num_interpolation)[:, None]
    percent_second_label = keras.ops.cast(percent_second_label, "float32")
    interpolation_labels = first_label * (1 - percent_second_label) + second_label * percent_second_label
    noise_and_labels = keras.ops.concatenate([interpolation_noise, interpolation_labels], 1)
    fake = trained_gen.predict(noise_and_labels)
    return fake


fake_images = interpolate_class(1, 5)
fake_images *= 255.0
converted_images = fake_images.astype(np.uint8)
