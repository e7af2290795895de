import tensorflow as tf

w = tf.Variable(1.0)
first = tf.keras.optimizers.SGD(0.1)
second = tf.keras.optimizers.Adam(0.1)


def step(x, opt):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * x)
    opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    return loss


def run():
    for _ in range(3):
        step(tf.constant([1.0]), first)
        step(tf.constant([1.0]), second)
