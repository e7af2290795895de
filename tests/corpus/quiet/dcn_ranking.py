"""Deep & Cross ranking model over a feature dict, trained with a custom loop."""
import numpy as np
import tensorflow as tf

CATEGORICAL = {"country": ["us", "de", "fr", "jp", "br"], "device": ["ios", "android", "web"]}
NUMERIC = ["age", "price", "dwell"]
HASHED = {"query": 1000}


def synthetic(n=4096, seed=0):
    rng = np.random.default_rng(seed)
    feats = {
        "country": rng.choice(CATEGORICAL["country"], n),
        "device": rng.choice(CATEGORICAL["device"], n),
        "query": np.array([f"q{int(q)}" for q in rng.integers(0, 5000, n)]),
        "age": rng.uniform(18, 80, n).astype(np.float32),
        "price": rng.lognormal(2, 1, n).astype(np.float32),
        "dwell": rng.exponential(30, n).astype(np.float32),
    }
    label = (rng.uniform(size=n) < 0.2).astype(np.float32)
    return feats, label


class FeatureEncoder(tf.keras.layers.Layer):
    def __init__(self, dim=8):
        super().__init__()
        self.lookups = {k: tf.keras.layers.StringLookup(vocabulary=v) for k, v in CATEGORICAL.items()}
        self.hashers = {k: tf.keras.layers.Hashing(num_bins=b) for k, b in HASHED.items()}
        self.embeddings = {k: tf.keras.layers.Embedding(len(v) + 1, dim)
                           for k, v in CATEGORICAL.items()}
        self.embeddings.update({k: tf.keras.layers.Embedding(b, dim) for k, b in HASHED.items()})
        self.norms = {k: tf.keras.layers.Normalization(axis=None) for k in NUMERIC}

    def adapt(self, features):
        # Same transform as call(): the statistics are those of log1p.
        for name in NUMERIC:
            self.norms[name].adapt(np.log1p(features[name]))

    def call(self, features):
        parts = []
        for name, lookup in self.lookups.items():
            parts.append(self.embeddings[name](lookup(features[name])))
        for name, hasher in self.hashers.items():
            parts.append(self.embeddings[name](hasher(features[name])))
        for name in NUMERIC:
            parts.append(self.norms[name](tf.math.log1p(features[name]))[:, None])
        return tf.concat(parts, axis=-1)


class Cross(tf.keras.layers.Layer):
    def build(self, input_shape):
        d = input_shape[-1]
        self.w = self.add_weight(name="w", shape=(d, d), initializer="glorot_uniform")
        self.b = self.add_weight(name="b", shape=(d,), initializer="zeros")

    def call(self, x0, x):
        return x0 * (x @ self.w + self.b) + x


class DCN(tf.keras.Model):
    def __init__(self, num_cross=2):
        super().__init__()
        self.encoder = FeatureEncoder()
        self.cross = [Cross() for _ in range(num_cross)]
        self.deep = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu"),
                                         tf.keras.layers.Dense(32, activation="relu")])
        self.head = tf.keras.layers.Dense(1)

    def call(self, features, training=False):
        x0 = self.encoder(features)
        x = x0
        for layer in self.cross:
            x = layer(x0, x)
        return self.head(tf.concat([x, self.deep(x0, training=training)], -1))


model = DCN()
optimizer = tf.keras.optimizers.Adam(1e-3)
bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
auc = tf.keras.metrics.AUC(from_logits=True)
step_counter = tf.Variable(0, dtype=tf.int64, trainable=False)


@tf.function
def train_step(features, labels, training=True):
    with tf.GradientTape() as tape:
        logits = model(features, training=training)
        loss = bce(labels[:, None], logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    step_counter.assign_add(1)
    auc.update_state(labels[:, None], logits)
    return loss


@tf.function
def eval_step(features, labels):
    logits = model(features, training=False)
    auc.update_state(labels[:, None], logits)
    return bce(labels[:, None], logits)


def main():
    feats, labels = synthetic()
    model.encoder.adapt({k: feats[k] for k in NUMERIC})
    ds = tf.data.Dataset.from_tensor_slices((feats, labels)).shuffle(4096)
    train = ds.take(3500).batch(256).prefetch(2)
    val = ds.skip(3500).batch(256)
    for epoch in range(4):
        auc.reset_state()
        for f, y in train:
            loss = train_step(f, y)
        train_auc = auc.result().numpy()
        auc.reset_state()
        val_losses = [eval_step(f, y).numpy() for f, y in val]
        print(f"epoch {epoch} step {int(step_counter.numpy())} loss {float(loss):.4f} "
              f"train auc {train_auc:.3f} val auc {auc.result().numpy():.3f} "
              f"val loss {np.mean(val_losses):.4f}")


if __name__ == "__main__":
    main()
