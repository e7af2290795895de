import tensorflow as tf


def loss_of(out):
    return tf.reduce_mean(out)


def step(images, model, opt):
    with tf.GradientTape() as tape:
        loss = loss_of(model(images, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return loss


def train(dataset, model, opt):
    for images in dataset:
        step(images, model, opt)


def main():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    opt = tf.keras.optimizers.Adam(1e-3)
    train(tf.data.Dataset.from_tensor_slices(tf.zeros([8, 2])).batch(4), model, opt)
