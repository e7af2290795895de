"""DDIM sampler class and Keras-3 style diffusion model with compute_loss."""
import math

import numpy as np
import tensorflow as tf
import keras


def cosine_schedule(steps, s=0.008):
    t = np.linspace(0, steps, steps + 1, dtype=np.float64) / steps
    f = np.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    alpha_bar = f / f[0]
    betas = np.clip(1 - alpha_bar[1:] / alpha_bar[:-1], 0, 0.999)
    return betas.astype("float32")


class DiffusionModel(keras.Model):
    def __init__(self, net, timesteps=1000, ema=0.999):
        super().__init__()
        self.net = net
        self.ema_net = keras.models.clone_model(net)
        self.timesteps = timesteps
        self.ema = ema
        betas = cosine_schedule(timesteps)
        self.alpha_bars = tf.constant(np.cumprod(1.0 - betas), tf.float32)
        self.noise_loss = keras.metrics.Mean(name="n_loss")

    @property
    def metrics(self):
        return [self.noise_loss]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        noise, pred = y_pred
        return tf.reduce_mean(tf.square(noise - pred))

    def call(self, images, training=False):
        batch = tf.shape(images)[0]
        t = tf.random.uniform([batch], 0, self.timesteps, dtype=tf.int32)
        ab = tf.reshape(tf.gather(self.alpha_bars, t), [-1, 1, 1, 1])
        noise = tf.random.normal(tf.shape(images))
        noisy = tf.sqrt(ab) * images + tf.sqrt(1.0 - ab) * noise
        pred = self.net([noisy, tf.cast(t, tf.float32) / self.timesteps], training=training)
        return noise, pred

    def train_step(self, images):
        with tf.GradientTape() as tape:
            y_pred = self(images, training=True)
            loss = self.compute_loss(y_pred=y_pred)
        grads = tape.gradient(loss, self.net.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.net.trainable_weights))
        for w, ew in zip(self.net.weights, self.ema_net.weights):
            ew.assign(self.ema * ew + (1 - self.ema) * w)
        self.noise_loss.update_state(loss)
        return {m.name: m.result() for m in self.metrics}


class DDIMSampler:
    def __init__(self, model, steps=50, eta=0.0):
        self.model = model
        self.steps = steps
        self.eta = eta
        self.schedule = np.linspace(model.timesteps - 1, 0, steps).astype("int32")

    @tf.function(reduce_retracing=True)
    def _step(self, x, t, t_prev):
        ab = tf.gather(self.model.alpha_bars, t)
        ab_prev = tf.where(t_prev >= 0, tf.gather(self.model.alpha_bars, tf.maximum(t_prev, 0)), 1.0)
        tt = tf.fill([tf.shape(x)[0]], tf.cast(t, tf.float32) / self.model.timesteps)
        eps = self.model.ema_net([x, tt], training=False)
        x0 = (x - tf.sqrt(1 - ab) * eps) / tf.sqrt(ab)
        x0 = tf.clip_by_value(x0, -1.0, 1.0)
        sigma = self.eta * tf.sqrt((1 - ab_prev) / (1 - ab) * (1 - ab / ab_prev))
        dir_xt = tf.sqrt(1 - ab_prev - sigma ** 2) * eps
        return tf.sqrt(ab_prev) * x0 + dir_xt + sigma * tf.random.normal(tf.shape(x))

    def sample(self, n, size=32):
        x = tf.random.normal([n, size, size, 3])
        for i, t in enumerate(self.schedule):
            t_prev = self.schedule[i + 1] if i + 1 < len(self.schedule) else -1
            x = self._step(x, tf.constant(t), tf.constant(t_prev))
        return (x + 1.0) / 2.0


def build_net(size=32, width=64):
    img = keras.Input((size, size, 3))
    t = keras.Input(())
    temb = keras.layers.Dense(width, activation="swish")(keras.layers.Reshape((1,))(t))
    h = keras.layers.Conv2D(width, 3, padding="same", activation="swish")(img)
    h = h + keras.layers.Reshape((1, 1, width))(temb)
    for _ in range(3):
        h = h + keras.layers.Conv2D(width, 3, padding="same", activation="swish")(h)
    out = keras.layers.Conv2D(3, 3, padding="same")(h)
    return keras.Model([img, t], out)


def main():
    (x, _), _ = keras.datasets.cifar10.load_data()
    x = x.astype("float32") / 127.5 - 1.0
    model = DiffusionModel(build_net())
    model.compile(optimizer=keras.optimizers.AdamW(2e-4))
    model.fit(x, batch_size=128, epochs=1)
    sampler = DDIMSampler(model, steps=25)
    imgs = sampler.sample(8)
    np.save("ddim.npy", imgs.numpy())


if __name__ == "__main__":
    main()
