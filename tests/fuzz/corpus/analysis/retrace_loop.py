import tensorflow as tf


@tf.function
def train_step(images, labels, step):
    with tf.GradientTape() as tape:
        loss = loss_fn(labels, model(images, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    print("step", step, "loss", loss)
    return loss


for step in range(100):
    train_step(images, labels, step)
