# check --fix: the experimental aliases of the eager switch are renamed.
import tensorflow as tf


def configure(debug):
    tf.config.run_functions_eagerly(False)
    if debug and not tf.config.functions_run_eagerly():
        tf.config.run_functions_eagerly(False)
