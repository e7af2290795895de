"""A small residual classifier for CIFAR-10, with weight averaging,
knowledge distillation and k-fold evaluation."""
import numpy as np
import tensorflow as tf

NUM_CLASSES = 10


class ResidualBlock(tf.keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.conv1 = tf.keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn1 = tf.keras.layers.BatchNormalization()
        self.conv2 = tf.keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn2 = tf.keras.layers.BatchNormalization()
        self.project = None

    def build(self, input_shape):
        if input_shape[-1] != self.filters:
            self.project = tf.keras.layers.Conv2D(self.filters, 1, use_bias=False)
        super().build(input_shape)

    def call(self, inputs, training=False):
        x = tf.nn.relu(self.bn1(self.conv1(inputs), training=training))
        x = self.bn2(self.conv2(x), training=training)
        shortcut = inputs if self.project is None else self.project(inputs)
        return tf.nn.relu(x + shortcut)


class Classifier(tf.keras.Model):
    def __init__(self, widths=(32, 64, 128), **kwargs):
        super().__init__(**kwargs)
        self.stem = tf.keras.layers.Conv2D(widths[0], 3, padding="same", activation="relu")
        self.blocks = [ResidualBlock(w) for w in widths]
        self.pools = [tf.keras.layers.MaxPooling2D() for _ in widths[:-1]]
        self.head = tf.keras.layers.Dense(NUM_CLASSES)

    def call(self, inputs, training=False):
        x = self.stem(inputs)
        for i, block in enumerate(self.blocks):
            x = block(x, training=training)
            if i < len(self.pools):
                x = self.pools[i](x)
        x = tf.reduce_mean(x, axis=[1, 2])
        return self.head(x)

    @tf.function(input_signature=[tf.TensorSpec([None, 32, 32, 3], tf.float32)])
    def serve(self, images):
        probs = tf.nn.softmax(self(images, training=False))
        if tf.executing_eagerly():
            tf.debugging.assert_near(tf.reduce_sum(probs, axis=-1), 1.0)
        return probs


class FeatureScaler(tf.Module):
    """Learnable per-feature scale applied to embeddings."""

    @tf.function
    def __call__(self, features):
        scale = tf.Variable(tf.ones([features.shape[-1]]), name="scale")
        return features * scale


class WeightAverager(tf.Module):
    """Keeps an exponential moving average of a model's weights."""

    def __init__(self, model, decay=0.999):
        super().__init__()
        self.model = model
        self.decay = decay
        self.shadow = [tf.Variable(w, trainable=False) for w in model.trainable_variables]
        self.initialized = False

    @tf.function
    def update(self):
        if not self.initialized:
            self.initialized = True
            for s, w in zip(self.shadow, self.model.trainable_variables):
                s.assign(w)
        else:
            for s, w in zip(self.shadow, self.model.trainable_variables):
                s.assign(self.decay * s + (1.0 - self.decay) * w)


class Distiller:
    def __init__(self, teacher, student, temperature=4.0):
        self.teacher = teacher
        self.student = student
        self.temperature = temperature
        self.optimizer = tf.keras.optimizers.Adam(1e-3)
        self.kl = tf.keras.losses.KLDivergence()

    def run_epoch(self, dataset):
        @tf.function
        def distill_step(images):
            soft_targets = tf.nn.softmax(self.teacher(images, training=False) / self.temperature)
            with tf.GradientTape() as tape:
                logits = self.student(images, training=True)
                loss = self.kl(soft_targets, tf.nn.softmax(logits / self.temperature))
            grads = tape.gradient(loss, self.student.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.student.trainable_variables))
            return loss

        total, batches = 0.0, 0
        for images, _ in dataset:
            total += float(distill_step(images))
            batches += 1
        return total / max(batches, 1)

    def fit(self, dataset, epochs):
        for epoch in range(epochs):
            loss = self.run_epoch(dataset)
            print(f"distillation epoch {epoch + 1}: kl {loss:.4f}")


def extract_features(backbone, images):
    return tf.function(backbone)(images, training=False)


def cross_validate(folds, epochs=3):
    scores = []
    for fold, (train_ds, val_ds) in enumerate(folds):
        model = Classifier()
        model.compile(
            optimizer="adam",
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        model.fit(train_ds, epochs=epochs, verbose=0)
        predict = tf.function(lambda x: model(x, training=False))
        correct, seen = 0, 0
        for images, labels in val_ds:
            preds = np.argmax(predict(images).numpy(), axis=-1)
            correct += int((preds == labels.numpy()).sum())
            seen += len(preds)
        scores.append(correct / seen)
        print(f"fold {fold}: accuracy {scores[-1]:.3f}")
    return float(np.mean(scores))


def embed_dataset(backbone, dataset):
    chunks = [extract_features(backbone, images).numpy() for images, _ in dataset]
    return np.concatenate(chunks, axis=0)
