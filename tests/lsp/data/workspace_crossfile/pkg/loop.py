import tensorflow as tf

from pkg.steps import train_step

data = tf.ones([4])
for i in range(10):
    train_step(data, i)
