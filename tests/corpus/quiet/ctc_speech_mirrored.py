"""Speech model: CTC beam decoding, sparse tensors and a mirrored strategy loop."""
import tensorflow as tf

NUM_LABELS = 29
FEATURE_DIM = 80


def ctc_model():
    inp = tf.keras.Input((None, FEATURE_DIM))
    x = tf.keras.layers.Conv1D(256, 11, strides=2, padding="same", activation="relu")(inp)
    x = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(256, return_sequences=True))(x)
    out = tf.keras.layers.Dense(NUM_LABELS + 1)(x)
    return tf.keras.Model(inp, out)


strategy = tf.distribute.MirroredStrategy()
with strategy.scope():
    model = ctc_model()
    optimizer = tf.keras.optimizers.Adam(3e-4)


def ctc_loss(labels, label_len, logits, logit_len, global_batch):
    loss = tf.nn.ctc_loss(labels, logits, label_len, logit_len, logits_time_major=False,
                          blank_index=NUM_LABELS)
    return tf.nn.compute_average_loss(loss, global_batch_size=global_batch)


@tf.function(reduce_retracing=True)
def distributed_train_step(batch, global_batch):
    def step(feats, feat_len, labels, label_len):
        with tf.GradientTape() as tape:
            logits = model(feats, training=True)
            logit_len = (feat_len + 1) // 2
            loss = ctc_loss(labels, label_len, logits, logit_len, global_batch)
        grads = tape.gradient(loss, model.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, 5.0)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = strategy.run(step, args=batch)
    return strategy.reduce("SUM", losses, axis=None)


@tf.function(input_signature=[tf.TensorSpec([None, None, FEATURE_DIM], tf.float32),
                              tf.TensorSpec([None], tf.int32)])
def beam_decode(feats, feat_len):
    logits = model(feats, training=False)
    logit_len = (feat_len + 1) // 2
    decoded, log_probs = tf.nn.ctc_beam_search_decoder(
        tf.transpose(logits, [1, 0, 2]), logit_len, beam_width=16, top_paths=1)
    best = decoded[0]
    dense = tf.sparse.to_dense(best, default_value=-1)
    lengths = tf.math.bincount(tf.cast(best.indices[:, 0], tf.int32), minlength=tf.shape(feats)[0])
    return dense, lengths, log_probs[:, 0]


def sparse_labels(texts, alphabet):
    indices, values = [], []
    for i, t in enumerate(texts):
        for j, ch in enumerate(t):
            indices.append([i, j])
            values.append(alphabet.index(ch))
    dense_shape = [len(texts), max(len(t) for t in texts)]
    return tf.SparseTensor(indices, values, dense_shape)


def to_strings(dense, lengths, alphabet):
    out = []
    for row, n in zip(dense.numpy(), lengths.numpy()):
        out.append("".join(alphabet[i] for i in row[:n]))
    return out


def pad_batch(ds, batch_size):
    return ds.padded_batch(batch_size, padded_shapes=([None, FEATURE_DIM], [], [None], []),
                           drop_remainder=True)


def train(ds, epochs, batch_size):
    dist = strategy.experimental_distribute_dataset(pad_batch(ds, batch_size))
    for epoch in range(epochs):
        total, n = 0.0, 0
        for batch in dist:
            total += float(distributed_train_step(batch, batch_size))
            n += 1
        print("epoch", epoch, total / max(n, 1))
