import tensorflow as tf


@tf.function
def update(states, actions):
    return tf.reduce_sum(states) + tf.reduce_sum(actions)


@tf.function(jit_compile=True)
def score(logits):
    return tf.nn.softmax(logits)


def train(ds):
    for _ in range(10):
        update(tf.zeros([32, 8]), tf.ones([32, 2]))
    update(tf.zeros([16, 8]), tf.ones([16, 2]))
    score(tf.constant([[1.0, 2.0, 3.0]]))


data = tf.data.Dataset.from_tensor_slices(tf.zeros([100, 5], dtype=tf.int64)).shuffle(10).batch(4)


@tf.function
def consume(batch):
    return tf.reduce_max(batch)


for element in data:
    consume(element)


@tf.function
def mixed(x):
    return x * 2


mixed(tf.constant([1.0]))
mixed(tf.constant([1, 2]))
