"""Reusable Keras layers for the vision and sequence models of this project.

Weights are created in build(); call() only uses TensorFlow operations so the
layers behave the same eagerly and inside compiled training steps.
"""
import numpy as np
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="corpus")
class RMSNorm(tf.keras.layers.Layer):
    """Root-mean-square normalisation with a learned per-feature gain."""

    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.gain = self.add_weight(
            name="gain", shape=(input_shape[-1],), initializer="ones", trainable=True
        )
        super().build(input_shape)

    def call(self, inputs):
        variance = tf.reduce_mean(tf.square(inputs), axis=-1, keepdims=True)
        return inputs * tf.math.rsqrt(variance + self.epsilon) * self.gain

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class CenteredLayerNorm(tf.keras.layers.Layer):
    """Layer normalisation written out with tf.nn.moments."""

    def __init__(self, epsilon=1e-5, center=True, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.center = center
        self.beta = None

    def build(self, input_shape):
        dim = input_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(dim,), initializer="ones")
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(dim,), initializer="zeros")
        super().build(input_shape)

    def call(self, inputs):
        mean, variance = tf.nn.moments(inputs, axes=[-1], keepdims=True)
        outputs = (inputs - mean) * tf.math.rsqrt(variance + self.epsilon) * self.gamma
        if self.beta is not None:
            outputs = outputs + self.beta
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon, "center": self.center})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class PositionalEmbedding(tf.keras.layers.Layer):
    """Token embedding plus a learned absolute position embedding."""

    def __init__(self, vocab_size, max_length, dim, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.max_length = max_length
        self.dim = dim
        self.tokens = tf.keras.layers.Embedding(vocab_size, dim, mask_zero=True)
        self.positions = tf.keras.layers.Embedding(max_length, dim)

    def call(self, token_ids):
        length = tf.shape(token_ids)[-1]
        positions = tf.range(length)
        embedded = self.tokens(token_ids) * np.sqrt(self.dim).astype(np.float32)
        return embedded + self.positions(positions)[tf.newaxis, :, :]

    def compute_mask(self, token_ids, mask=None):
        return tf.not_equal(token_ids, 0)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"vocab_size": self.vocab_size, "max_length": self.max_length, "dim": self.dim}
        )
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class MultiHeadSelfAttention(tf.keras.layers.Layer):
    """Scaled dot-product self-attention with a fused QKV projection."""

    def __init__(self, dim, num_heads, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        if dim % num_heads:
            raise ValueError(f"dim={dim} is not divisible by num_heads={num_heads}")
        self.dim = dim
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.dropout_rate = dropout
        self.qkv = tf.keras.layers.Dense(3 * dim, use_bias=False)
        self.out = tf.keras.layers.Dense(dim)
        self.dropout = tf.keras.layers.Dropout(dropout)

    def _split_heads(self, x, batch_size):
        x = tf.reshape(x, [batch_size, -1, self.num_heads, self.head_dim])
        return tf.transpose(x, [0, 2, 1, 3])

    def call(self, inputs, mask=None, training=False):
        batch_size = tf.shape(inputs)[0]
        q, k, v = tf.split(self.qkv(inputs), 3, axis=-1)
        q = self._split_heads(q, batch_size)
        k = self._split_heads(k, batch_size)
        v = self._split_heads(v, batch_size)

        scores = tf.matmul(q, k, transpose_b=True) / np.sqrt(self.head_dim)
        if mask is not None:
            keep = tf.cast(mask[:, tf.newaxis, tf.newaxis, :], scores.dtype)
            scores += (1.0 - keep) * -1e9
        weights = self.dropout(tf.nn.softmax(scores, axis=-1), training=training)

        context = tf.transpose(tf.matmul(weights, v), [0, 2, 1, 3])
        context = tf.reshape(context, [batch_size, -1, self.dim])
        return self.out(context)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"dim": self.dim, "num_heads": self.num_heads, "dropout": self.dropout_rate}
        )
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class StochasticDepth(tf.keras.layers.Layer):
    """Drops the whole residual branch per example with probability `rate`."""

    def __init__(self, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"rate must be in [0, 1), got {rate}")
        self.rate = rate

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        keep_prob = 1.0 - self.rate
        shape = [tf.shape(inputs)[0]] + [1] * (len(inputs.shape) - 1)
        random_tensor = keep_prob + tf.random.uniform(shape, dtype=inputs.dtype)
        return inputs / keep_prob * tf.floor(random_tensor)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class LayerScale(tf.keras.layers.Layer):
    """Per-channel learnable scaling of a residual branch (CaiT)."""

    def __init__(self, init_value=1e-4, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value

    def build(self, input_shape):
        self.scale = self.add_weight(
            name="scale",
            shape=(input_shape[-1],),
            initializer=tf.keras.initializers.Constant(self.init_value),
        )
        super().build(input_shape)

    def call(self, inputs):
        return inputs * self.scale

    def get_config(self):
        config = super().get_config()
        config.update({"init_value": self.init_value})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class TransformerBlock(tf.keras.layers.Layer):
    """Pre-norm transformer encoder block."""

    def __init__(self, dim, num_heads, mlp_ratio=4, dropout=0.1, drop_path=0.0, **kwargs):
        super().__init__(**kwargs)
        self.dim = dim
        self.num_heads = num_heads
        self.mlp_ratio = mlp_ratio
        self.dropout_rate = dropout
        self.drop_path_rate = drop_path
        self.norm1 = RMSNorm()
        self.attention = MultiHeadSelfAttention(dim, num_heads, dropout)
        self.norm2 = RMSNorm()
        self.mlp = [
            tf.keras.layers.Dense(dim * mlp_ratio, activation="gelu"),
            tf.keras.layers.Dropout(dropout),
            tf.keras.layers.Dense(dim),
        ]
        self.scale1 = LayerScale()
        self.scale2 = LayerScale()
        self.drop_path = StochasticDepth(drop_path)

    def call(self, inputs, mask=None, training=False):
        x = self.norm1(inputs)
        x = self.attention(x, mask=mask, training=training)
        inputs = inputs + self.drop_path(self.scale1(x), training=training)

        x = self.norm2(inputs)
        for layer in self.mlp:
            if isinstance(layer, tf.keras.layers.Dropout):
                x = layer(x, training=training)
            else:
                x = layer(x)
        return inputs + self.drop_path(self.scale2(x), training=training)

    def get_config(self):
        config = super().get_config()
        config.update({
            "dim": self.dim,
            "num_heads": self.num_heads,
            "mlp_ratio": self.mlp_ratio,
            "dropout": self.dropout_rate,
            "drop_path": self.drop_path_rate,
        })
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class PatchEmbedding(tf.keras.layers.Layer):
    """Cuts images into non-overlapping patches and projects them."""

    def __init__(self, patch_size, dim, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size
        self.dim = dim
        self.projection = tf.keras.layers.Conv2D(dim, patch_size, strides=patch_size)

    def build(self, input_shape):
        _, height, width, _ = input_shape
        if height is not None and height % self.patch_size:
            raise ValueError(f"height {height} is not a multiple of {self.patch_size}")
        if width is not None and width % self.patch_size:
            raise ValueError(f"width {width} is not a multiple of {self.patch_size}")
        self.class_token = self.add_weight(
            name="class_token", shape=(1, 1, self.dim), initializer="zeros"
        )
        super().build(input_shape)

    def call(self, images):
        patches = self.projection(images)
        grid_h, grid_w = tf.unstack(tf.shape(patches)[1:3], num=2)
        batch_size = tf.shape(images)[0]
        tokens = tf.reshape(patches, [batch_size, grid_h * grid_w, self.dim])
        cls = tf.broadcast_to(self.class_token, [batch_size, 1, self.dim])
        return tf.concat([cls, tokens], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size, "dim": self.dim})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class TopKPooling(tf.keras.layers.Layer):
    """Averages the k largest activations of every channel over time."""

    def __init__(self, k=3, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def call(self, inputs):
        channels_last = tf.transpose(inputs, [0, 2, 1])
        values, _ = tf.math.top_k(channels_last, k=self.k)
        return tf.reduce_mean(values, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"k": self.k})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class SparseDense(tf.keras.layers.Dense):
    """A Dense layer with an L1 activity penalty recorded through add_loss."""

    def __init__(self, units, l1=1e-5, **kwargs):
        super().__init__(units, **kwargs)
        self.l1 = l1

    def call(self, inputs):
        outputs = super().call(inputs)
        self.add_loss(self.l1 * tf.reduce_sum(tf.abs(outputs)))
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1})
        return config


@tf.keras.utils.register_keras_serializable(package="corpus")
class PeepholeLSTMCell(tf.keras.layers.Layer):
    """An LSTM cell with peephole connections, usable with tf.keras.layers.RNN."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(input_dim, 4 * self.units), initializer="glorot_uniform"
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=(self.units, 4 * self.units), initializer="orthogonal"
        )
        self.peepholes = self.add_weight(
            name="peepholes", shape=(3, self.units), initializer="zeros"
        )
        self.bias = self.add_weight(name="bias", shape=(4 * self.units,), initializer="zeros")
        super().build(input_shape)

    def call(self, inputs, states):
        h_prev, c_prev = states
        z = tf.matmul(inputs, self.kernel) + tf.matmul(h_prev, self.recurrent_kernel) + self.bias
        z_i, z_f, z_c, z_o = tf.split(z, 4, axis=-1)
        peep_i, peep_f, peep_o = tf.unstack(self.peepholes, num=3)
        i = tf.sigmoid(z_i + peep_i * c_prev)
        f = tf.sigmoid(z_f + peep_f * c_prev + 1.0)
        c = f * c_prev + i * tf.tanh(z_c)
        o = tf.sigmoid(z_o + peep_o * c)
        h = o * tf.tanh(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def custom_objects():
    """The mapping to pass to tf.keras.models.load_model for these layers."""
    return {
        cls.__name__: cls
        for cls in (
            RMSNorm, CenteredLayerNorm, PositionalEmbedding, MultiHeadSelfAttention,
            StochasticDepth, LayerScale, TransformerBlock, PatchEmbedding,
            TopKPooling, SparseDense, PeepholeLSTMCell,
        )
    }
