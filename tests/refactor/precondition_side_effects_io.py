import logging
import random

import matplotlib.pyplot as plt
import tensorflow as tf

logger = logging.getLogger(__name__)


def logged(x):
    logger.info("scaling")
    return x * 2.0


def jitter(x):
    return x + random.random()


def plotted(x):
    plt.savefig("x.png")
    return tf.reduce_sum(x)


def collect(buf, x):
    buf.append(x)
    return tf.add_n(buf)


def run():
    buf = [tf.zeros([2])]
    for _ in range(3):
        x = tf.constant([1.0, 2.0])
        logged(x)
        jitter(x)
        plotted(x)
        collect(buf, x)
