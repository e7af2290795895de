import tensorflow as tf

_PRIVATE_SIG = [tf.TensorSpec(shape=[None, 3], dtype=tf.int32)]
SHARED_SIG = [tf.TensorSpec(shape=[None, 3], dtype=tf.int32)]
PUBLIC_SIG = [tf.TensorSpec(shape=[None, 3], dtype=tf.int32)]


@tf.function(input_signature=_PRIVATE_SIG)
def private_user(x):
    return x * 2


@tf.function(input_signature=SHARED_SIG)
def shared_wrong(x):
    return x * 2


@tf.function(input_signature=SHARED_SIG)
def shared_right(x):
    return x * 2


@tf.function(input_signature=PUBLIC_SIG)
def public_user(x):
    return x * 2


def run():
    private_user(tf.zeros([5, 3]))
    shared_wrong(tf.zeros([5, 3]))
    shared_right(tf.zeros([5, 3], tf.int32))
    public_user(tf.zeros([5, 3]))
