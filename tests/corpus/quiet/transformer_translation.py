"""Small transformer translation model: warmup schedule, padding/look-ahead masks, masked loss."""
import tensorflow as tf

D_MODEL = 128
NUM_HEADS = 4
DFF = 512
NUM_LAYERS = 2
MAX_LEN = 64
VOCAB = 8000


class WarmupSchedule(tf.keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, d_model, warmup_steps=4000):
        super().__init__()
        self.d_model = tf.cast(d_model, tf.float32)
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        arg1 = tf.math.rsqrt(step)
        arg2 = step * (self.warmup_steps ** -1.5)
        return tf.math.rsqrt(self.d_model) * tf.math.minimum(arg1, arg2)

    def get_config(self):
        return {"d_model": int(self.d_model.numpy()), "warmup_steps": self.warmup_steps}


def positional_encoding(length, depth):
    depth = depth / 2
    positions = tf.range(length, dtype=tf.float32)[:, None]
    depths = tf.range(depth, dtype=tf.float32)[None, :] / depth
    angle_rads = positions / (10000.0 ** depths)
    return tf.concat([tf.sin(angle_rads), tf.cos(angle_rads)], axis=-1)


class PositionalEmbedding(tf.keras.layers.Layer):
    def __init__(self, vocab, d_model, **kwargs):
        super().__init__(**kwargs)
        self.d_model = d_model
        self.embedding = tf.keras.layers.Embedding(vocab, d_model, mask_zero=True)
        self.pos = positional_encoding(MAX_LEN, d_model)

    def compute_mask(self, x, mask=None):
        return self.embedding.compute_mask(x, mask)

    def call(self, x):
        length = tf.shape(x)[1]
        x = self.embedding(x) * tf.math.sqrt(tf.cast(self.d_model, tf.float32))
        return x + self.pos[tf.newaxis, :length, :]


class DecoderLayer(tf.keras.layers.Layer):
    def __init__(self, d_model, num_heads, dff, rate=0.1):
        super().__init__()
        self.self_attn = tf.keras.layers.MultiHeadAttention(num_heads, d_model // num_heads, dropout=rate)
        self.cross_attn = tf.keras.layers.MultiHeadAttention(num_heads, d_model // num_heads, dropout=rate)
        self.ffn = tf.keras.Sequential([tf.keras.layers.Dense(dff, activation="relu"), tf.keras.layers.Dense(d_model)])
        self.norms = [tf.keras.layers.LayerNormalization(epsilon=1e-6) for _ in range(3)]
        self.drop = tf.keras.layers.Dropout(rate)

    def call(self, x, context, training=False):
        a = self.self_attn(x, x, use_causal_mask=True, training=training)
        x = self.norms[0](x + a)
        a = self.cross_attn(x, context, training=training)
        x = self.norms[1](x + a)
        return self.norms[2](x + self.drop(self.ffn(x), training=training))


class Translator(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.src_emb = PositionalEmbedding(VOCAB, D_MODEL)
        self.tgt_emb = PositionalEmbedding(VOCAB, D_MODEL)
        self.encoder = [tf.keras.layers.MultiHeadAttention(NUM_HEADS, D_MODEL // NUM_HEADS) for _ in range(NUM_LAYERS)]
        self.decoder = [DecoderLayer(D_MODEL, NUM_HEADS, DFF) for _ in range(NUM_LAYERS)]
        self.final = tf.keras.layers.Dense(VOCAB)

    def call(self, inputs, training=False):
        src, tgt = inputs
        context = self.src_emb(src)
        for attn in self.encoder:
            context = context + attn(context, context, training=training)
        x = self.tgt_emb(tgt)
        for layer in self.decoder:
            x = layer(x, context, training=training)
        return self.final(x)


def masked_loss(label, pred):
    mask = tf.cast(label != 0, pred.dtype)
    loss = tf.keras.losses.sparse_categorical_crossentropy(label, pred, from_logits=True)
    return tf.reduce_sum(loss * mask) / tf.reduce_sum(mask)


def masked_accuracy(label, pred):
    pred = tf.argmax(pred, axis=2)
    label = tf.cast(label, pred.dtype)
    match = tf.cast(label == pred, tf.float32)
    mask = tf.cast(label != 0, tf.float32)
    return tf.reduce_sum(match * mask) / tf.reduce_sum(mask)


model = Translator()
optimizer = tf.keras.optimizers.Adam(WarmupSchedule(D_MODEL), beta_1=0.9, beta_2=0.98, epsilon=1e-9)

train_signature = [
    tf.TensorSpec([None, None], tf.int64),
    tf.TensorSpec([None, None], tf.int64),
]


@tf.function(input_signature=train_signature)
def train_step(src, tgt):
    tgt_in = tgt[:, :-1]
    tgt_out = tgt[:, 1:]
    with tf.GradientTape() as tape:
        logits = model((src, tgt_in), training=True)
        loss = masked_loss(tgt_out, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss, masked_accuracy(tgt_out, logits)


@tf.function
def greedy_decode(src, start_id, end_id, max_len=MAX_LEN):
    batch = tf.shape(src)[0]
    out = tf.TensorArray(tf.int64, size=0, dynamic_size=True)
    out = out.write(0, tf.fill([batch], tf.cast(start_id, tf.int64)))
    for i in tf.range(max_len - 1):
        tokens = tf.transpose(out.stack())
        logits = model((src, tokens), training=False)
        nxt = tf.argmax(logits[:, -1, :], axis=-1)
        out = out.write(i + 1, nxt)
        if tf.reduce_all(nxt == end_id):
            break
    return tf.transpose(out.stack())


def fit(dataset, epochs=10):
    for epoch in range(epochs):
        for step, (src, tgt) in enumerate(dataset):
            loss, acc = train_step(src, tgt)
            if step % 200 == 0:
                print(f"epoch {epoch} step {step} loss {loss:.4f} acc {acc:.4f}")
