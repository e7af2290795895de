import tensorflow as tf

@tf.function(input_signature=[tf.TensorSpec(shape=[None, 8], dtype=
def update(states, actions
    for i in tf.range(tf.shape(states)[0]:
        if states[i] > 0
            print(f"state {states[i]!r:>{w}} {'\n'.join(x)}"
    return [a for a in actions if a
class
