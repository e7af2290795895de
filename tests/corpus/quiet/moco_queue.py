"""MoCo-style contrastive learning: momentum encoder and a queue of negatives."""
import tensorflow as tf

DIM = 64
QUEUE = 4096
MOMENTUM = 0.999
TAU = 0.2


def make_encoder():
    return tf.keras.Sequential([
        tf.keras.Input((32, 32, 3)),
        tf.keras.layers.Conv2D(32, 3, 2, activation="relu"),
        tf.keras.layers.Conv2D(64, 3, 2, activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(DIM),
    ])


def augment_pair(image):
    def view(img):
        img = tf.image.random_flip_left_right(img)
        img = tf.image.random_crop(tf.image.pad_to_bounding_box(img, 4, 4, 40, 40), (32, 32, 3))
        return tf.image.random_brightness(img, 0.3)
    return view(image), view(image)


class MoCo(tf.Module):
    def __init__(self):
        super().__init__()
        self.query_encoder = make_encoder()
        self.key_encoder = make_encoder()
        self.key_encoder.set_weights(self.query_encoder.get_weights())
        self.queue = tf.Variable(tf.math.l2_normalize(tf.random.normal([QUEUE, DIM]), -1),
                                 trainable=False)
        self.queue_ptr = tf.Variable(0, dtype=tf.int32, trainable=False)
        self.optimizer = tf.keras.optimizers.SGD(0.03, momentum=0.9)

    def _momentum_update(self):
        for q, k in zip(self.query_encoder.weights, self.key_encoder.weights):
            k.assign(MOMENTUM * k + (1.0 - MOMENTUM) * q)

    def _enqueue(self, keys):
        n = tf.shape(keys)[0]
        idx = (self.queue_ptr + tf.range(n)) % QUEUE
        self.queue.scatter_nd_update(idx[:, None], keys)
        self.queue_ptr.assign((self.queue_ptr + n) % QUEUE)

    @tf.function
    def train_step(self, x_q, x_k):
        k = tf.stop_gradient(tf.math.l2_normalize(self.key_encoder(x_k, training=True), -1))
        with tf.GradientTape() as tape:
            q = tf.math.l2_normalize(self.query_encoder(x_q, training=True), -1)
            l_pos = tf.reduce_sum(q * k, -1, keepdims=True)
            l_neg = tf.matmul(q, self.queue, transpose_b=True)
            logits = tf.concat([l_pos, l_neg], 1) / TAU
            labels = tf.zeros(tf.shape(q)[0], tf.int32)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        variables = self.query_encoder.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        self._momentum_update()
        self._enqueue(k)
        return loss, tf.reduce_mean(tf.cast(tf.argmax(logits, 1) == 0, tf.float32))


class KnnMonitor(tf.keras.callbacks.Callback):
    """Not attached to fit: called by hand after each epoch."""

    def __init__(self, moco, bank_images, bank_labels, k=20):
        super().__init__()
        self.moco = moco
        self.bank_images = bank_images
        self.bank_labels = bank_labels
        self.k = k

    @tf.function
    def _knn(self, images, labels):
        bank = tf.math.l2_normalize(self.moco.query_encoder(self.bank_images), -1)
        feats = tf.math.l2_normalize(self.moco.query_encoder(images), -1)
        sim = tf.matmul(feats, bank, transpose_b=True)
        top = tf.math.top_k(sim, self.k)
        votes = tf.gather(self.bank_labels, top.indices)
        pred = tf.argmax(tf.reduce_sum(tf.one_hot(votes, 10) * top.values[..., None], 1), -1,
                         output_type=tf.int32)
        return tf.reduce_mean(tf.cast(pred == labels, tf.float32))

    def on_epoch_end(self, epoch, logs=None):
        acc = self._knn(self.bank_images[:500], self.bank_labels[:500])
        print(f"epoch {epoch}: kNN acc {acc.numpy():.3f}")


def main():
    images = tf.random.uniform((2048, 32, 32, 3))
    labels = tf.random.uniform((2048,), 0, 10, tf.int32)
    ds = (tf.data.Dataset.from_tensor_slices(images)
          .shuffle(2048).map(augment_pair, num_parallel_calls=tf.data.AUTOTUNE)
          .batch(256, drop_remainder=True).prefetch(2))
    moco = MoCo()
    monitor = KnnMonitor(moco, images[:1000], labels[:1000])
    for epoch in range(5):
        for x_q, x_k in ds:
            loss, acc = moco.train_step(x_q, x_k)
        print(f"epoch {epoch} loss {loss.numpy():.3f} instance acc {acc.numpy():.3f}")
        monitor.on_epoch_end(epoch)


if __name__ == "__main__":
    main()
