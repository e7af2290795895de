"""Sentiment classification of short reviews: vocabulary building, a
bidirectional LSTM classifier with a hand-written training loop, and a string
serving function."""
import collections
import logging
import os
import re

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

MAX_TOKENS = 20000
MAX_LENGTH = 200
EMBEDDING_DIM = 128
OOV_TOKEN = "[UNK]"
TOKEN_PATTERN = re.compile(r"[a-z0-9']+")


def python_tokenize(text):
    return TOKEN_PATTERN.findall(text.lower())


def build_vocabulary(texts, max_tokens=MAX_TOKENS, min_count=2):
    """Counts words eagerly over the training texts and keeps the most frequent."""
    counts = collections.Counter()
    for text in texts:
        counts.update(python_tokenize(text))
    words = [w for w, c in counts.most_common(max_tokens - 2) if c >= min_count]
    logger.info("vocabulary: %d words (of %d distinct)", len(words), len(counts))
    return words


def _tokenize_py(text):
    """Body of a tf.py_function: runs eagerly, so .numpy() and re are fine."""
    tokens = python_tokenize(text.numpy().decode("utf-8", errors="replace"))
    if not tokens:
        tokens = [OOV_TOKEN]
    return np.array(tokens[:MAX_LENGTH], dtype=object)


def tokenize(text, label):
    tokens = tf.py_function(_tokenize_py, inp=[text], Tout=tf.string)
    tokens.set_shape([None])
    return tokens, label


class Vocabulary(tf.Module):
    """String-to-id lookup backed by a static hash table."""

    def __init__(self, words, name=None):
        super().__init__(name=name)
        keys = tf.constant(words)
        values = tf.range(2, len(words) + 2, dtype=tf.int64)
        initializer = tf.lookup.KeyValueTensorInitializer(keys, values)
        self.table = tf.lookup.StaticHashTable(initializer, default_value=1)
        self.size = len(words) + 2

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def lookup(self, tokens):
        return self.table.lookup(tokens)


def make_dataset(texts, labels, vocabulary, batch_size, training):
    ds = tf.data.Dataset.from_tensor_slices((texts, labels))
    if training:
        ds = ds.shuffle(len(texts), reshuffle_each_iteration=True)
    ds = ds.map(tokenize, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.map(lambda tokens, label: (vocabulary.lookup(tokens), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.padded_batch(batch_size, padded_shapes=([MAX_LENGTH], []), padding_values=(
        tf.constant(0, tf.int64), tf.constant(0, tf.int64)))
    return ds.prefetch(tf.data.AUTOTUNE)


class ReviewClassifier(tf.keras.Model):
    def __init__(self, vocab_size, embedding_dim=EMBEDDING_DIM, units=64, dropout=0.3,
                 use_attention_pooling=True, **kwargs):
        super().__init__(**kwargs)
        self.use_attention_pooling = use_attention_pooling
        self.embedding = tf.keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)
        self.encoder = tf.keras.layers.Bidirectional(
            tf.keras.layers.LSTM(units, return_sequences=True)
        )
        self.attention_scores = tf.keras.layers.Dense(1)
        self.dropout = tf.keras.layers.Dropout(dropout)
        self.classifier = tf.keras.layers.Dense(1)

    def call(self, token_ids, training=False):
        mask = tf.not_equal(token_ids, 0)
        x = self.embedding(token_ids)
        x = self.encoder(x, mask=mask, training=training)
        if self.use_attention_pooling:
            scores = tf.squeeze(self.attention_scores(x), axis=-1)
            scores = tf.where(mask, scores, tf.fill(tf.shape(scores), -1e9))
            weights = tf.nn.softmax(scores, axis=-1)[..., tf.newaxis]
            pooled = tf.reduce_sum(weights * x, axis=1)
        else:
            float_mask = tf.cast(mask, x.dtype)[..., tf.newaxis]
            pooled = tf.reduce_sum(x * float_mask, axis=1) / tf.maximum(
                tf.reduce_sum(float_mask, axis=1), 1.0
            )
        pooled = self.dropout(pooled, training=training)
        return tf.squeeze(self.classifier(pooled), axis=-1)


class ClassifierTrainer:
    def __init__(self, model, learning_rate=1e-3, positive_weight=1.0):
        self.model = model
        self.optimizer = tf.keras.optimizers.Adam(learning_rate)
        self.positive_weight = positive_weight
        self.train_loss = tf.keras.metrics.Mean()
        self.train_auc = tf.keras.metrics.AUC(from_logits=True)
        self.val_loss = tf.keras.metrics.Mean()
        self.val_auc = tf.keras.metrics.AUC(from_logits=True)
        self.val_accuracy = tf.keras.metrics.BinaryAccuracy(threshold=0.0)
        self.best_auc = tf.Variable(0.0, trainable=False)
        self.epochs_without_improvement = tf.Variable(0, trainable=False)

    def _loss(self, labels, logits):
        labels = tf.cast(labels, tf.float32)
        per_example = tf.nn.weighted_cross_entropy_with_logits(
            labels=labels, logits=logits, pos_weight=self.positive_weight
        )
        return tf.reduce_mean(per_example)

    @tf.function(input_signature=[
        tf.TensorSpec([None, MAX_LENGTH], tf.int64),
        tf.TensorSpec([None], tf.int64),
    ])
    def train_step(self, token_ids, labels):
        with tf.GradientTape() as tape:
            logits = self.model(token_ids, training=True)
            loss = self._loss(labels, logits)
        grads = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        self.train_loss.update_state(loss)
        self.train_auc.update_state(labels, logits)
        return loss

    @tf.function(input_signature=[
        tf.TensorSpec([None, MAX_LENGTH], tf.int64),
        tf.TensorSpec([None], tf.int64),
    ])
    def val_step(self, token_ids, labels):
        logits = self.model(token_ids, training=False)
        self.val_loss.update_state(self._loss(labels, logits))
        self.val_auc.update_state(labels, logits)
        self.val_accuracy.update_state(labels, logits)

    @tf.function(input_signature=[])
    def record_epoch(self):
        """Tracks early-stopping state in variables; returns True when training should stop."""
        auc = self.val_auc.result()
        if auc > self.best_auc:
            self.best_auc.assign(auc)
            self.epochs_without_improvement.assign(0)
        else:
            self.epochs_without_improvement.assign_add(1)
        return self.epochs_without_improvement >= 3

    def fit(self, train_ds, val_ds, epochs):
        for epoch in range(epochs):
            for metric in (self.train_loss, self.train_auc, self.val_loss, self.val_auc,
                           self.val_accuracy):
                metric.reset_state()
            for token_ids, labels in train_ds:
                self.train_step(token_ids, labels)
            for token_ids, labels in val_ds:
                self.val_step(token_ids, labels)
            should_stop = bool(self.record_epoch())
            print(
                f"epoch {epoch + 1}: loss {self.train_loss.result():.4f} "
                f"auc {self.train_auc.result():.4f} | val loss {self.val_loss.result():.4f} "
                f"val auc {self.val_auc.result():.4f} val acc {self.val_accuracy.result():.4f}"
            )
            if should_stop:
                logger.info("no improvement for 3 epochs, best val AUC %.4f",
                            float(self.best_auc.numpy()))
                break


class SentimentServer(tf.Module):
    """Raw strings in, probabilities out; tokenisation done with TF string ops."""

    def __init__(self, vocabulary, model):
        super().__init__()
        self.vocabulary = vocabulary
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def predict(self, reviews):
        lowered = tf.strings.lower(reviews)
        cleaned = tf.strings.regex_replace(lowered, r"[^a-z0-9' ]", " ")
        tokens = tf.strings.split(cleaned)
        ids = tf.ragged.map_flat_values(self.vocabulary.table.lookup, tokens)
        ids = ids[:, :MAX_LENGTH].to_tensor(default_value=0, shape=[None, MAX_LENGTH])
        return tf.sigmoid(self.model(ids, training=False))


def load_reviews(path):
    """Reads 'label<TAB>text' lines into two lists."""
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line_number, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t", 1)
            if len(parts) != 2 or parts[0] not in ("0", "1"):
                logger.warning("%s:%d: skipping malformed line", path, line_number)
                continue
            labels.append(int(parts[0]))
            texts.append(parts[1])
    return texts, np.array(labels, dtype=np.int64)


def main(data_dir="data/reviews", export_dir="exports/sentiment", epochs=10):
    logging.basicConfig(level=logging.INFO)
    train_texts, train_labels = load_reviews(os.path.join(data_dir, "train.tsv"))
    val_texts, val_labels = load_reviews(os.path.join(data_dir, "valid.tsv"))
    vocabulary = Vocabulary(build_vocabulary(train_texts))

    train_ds = make_dataset(train_texts, train_labels, vocabulary, 64, training=True)
    val_ds = make_dataset(val_texts, val_labels, vocabulary, 256, training=False)

    model = ReviewClassifier(vocabulary.size)
    positive_rate = float(train_labels.mean())
    trainer = ClassifierTrainer(model, positive_weight=(1.0 - positive_rate) / positive_rate)
    trainer.fit(train_ds, val_ds, epochs)

    server = SentimentServer(vocabulary, model)
    examples = tf.constant(["a wonderful, moving film", "dull and far too long"])
    for text, prob in zip(examples.numpy(), server.predict(examples).numpy()):
        print(f"{prob:.3f}  {text.decode()}")
    tf.saved_model.save(server, export_dir, signatures={"serving_default": server.predict})


if __name__ == "__main__":
    main()
