"""Custom Keras layers and a model with a train_step override."""
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="blocks")
class ScaledDense(tf.keras.layers.Layer):
    def __init__(self, units, scale=1.0, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.activation = tf.keras.activations.get(activation)

    def build(self, input_shape):
        last = int(input_shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(last, self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        super().build(input_shape)

    def call(self, inputs):
        y = tf.matmul(inputs, self.kernel) * self.scale + self.bias
        return self.activation(y)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale,
                       "activation": tf.keras.activations.serialize(self.activation)})
        return config


class StochasticDepth(tf.keras.layers.Layer):
    def __init__(self, drop_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_rate = drop_rate

    def call(self, x, training=None):
        if not training or self.drop_rate == 0.0:
            return x
        keep = 1.0 - self.drop_rate
        shape = (tf.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        mask = tf.floor(keep + tf.random.uniform(shape, dtype=x.dtype))
        return x / keep * mask

    def get_config(self):
        return {**super().get_config(), "drop_rate": self.drop_rate}


class ResidualBlock(tf.keras.layers.Layer):
    def __init__(self, width, drop_rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.drop_rate = drop_rate
        self.d1 = ScaledDense(width, activation="gelu")
        self.d2 = ScaledDense(width, scale=0.5)
        self.sd = StochasticDepth(drop_rate)
        self.norm = tf.keras.layers.LayerNormalization()

    def call(self, x, training=None):
        h = self.d2(self.d1(self.norm(x)))
        return x + self.sd(h, training=training)

    def get_config(self):
        return {**super().get_config(), "width": self.width, "drop_rate": self.drop_rate}


class ContrastiveModel(tf.keras.Model):
    def __init__(self, width=128, depth=3, temperature=0.1, **kwargs):
        super().__init__(**kwargs)
        self.proj = ScaledDense(width)
        self.blocks = [ResidualBlock(width) for _ in range(depth)]
        self.temperature = temperature
        self.loss_tracker = tf.keras.metrics.Mean(name="loss")
        self.acc_tracker = tf.keras.metrics.SparseCategoricalAccuracy(name="acc")

    @property
    def metrics(self):
        return [self.loss_tracker, self.acc_tracker]

    def call(self, x, training=None):
        h = self.proj(x)
        for block in self.blocks:
            h = block(h, training=training)
        return tf.math.l2_normalize(h, axis=-1)

    def _contrastive_loss(self, za, zb):
        logits = tf.matmul(za, zb, transpose_b=True) / self.temperature
        labels = tf.range(tf.shape(za)[0])
        loss = tf.keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        return tf.reduce_mean(loss), labels, logits

    def train_step(self, data):
        xa, xb = data
        with tf.GradientTape() as tape:
            za = self(xa, training=True)
            zb = self(xb, training=True)
            loss, labels, logits = self._contrastive_loss(za, zb)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.acc_tracker.update_state(labels, logits)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        xa, xb = data
        loss, labels, logits = self._contrastive_loss(self(xa, training=False), self(xb, training=False))
        self.loss_tracker.update_state(loss)
        self.acc_tracker.update_state(labels, logits)
        return {m.name: m.result() for m in self.metrics}

    def get_config(self):
        return {**super().get_config(), "width": self.proj.units, "depth": len(self.blocks),
                "temperature": self.temperature}


def augment_pair(x):
    noise = lambda: x + tf.random.normal(tf.shape(x), stddev=0.1)
    return noise(), noise()


if __name__ == "__main__":
    data = tf.random.normal([2048, 32])
    ds = tf.data.Dataset.from_tensor_slices(data).map(augment_pair).batch(128)
    model = ContrastiveModel()
    model.compile(optimizer=tf.keras.optimizers.AdamW(1e-3))
    model.fit(ds, epochs=3)
    model.save("/tmp/contrastive.keras")
