"""Sequence utilities compiled with tf.function: decoding loops, masking,
ragged batching helpers and a few numerics written with tf.experimental.numpy.

Tensor-dependent loops and conditions are left to AutoGraph, which turns them
into tf.while_loop and tf.cond."""
import numpy as np
import tensorflow as tf
import tensorflow.experimental.numpy as tnp

PAD_ID = 0
BOS_ID = 1
EOS_ID = 2
LOG_2 = np.log(2.0)
FEATURE_WINDOWS = (3, 7, 15)


@tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
def sequence_lengths(token_ids):
    """Length of every row up to, and including, the first EOS (or the padding)."""
    not_pad = tf.cast(tf.not_equal(token_ids, PAD_ID), tf.int32)
    is_eos = tf.cast(tf.equal(token_ids, EOS_ID), tf.int32)
    before_eos = tf.cast(tf.equal(tf.cumsum(is_eos, axis=1, exclusive=True), 0), tf.int32)
    return tf.reduce_sum(not_pad * before_eos, axis=1)


@tf.function(input_signature=[
    tf.TensorSpec([None, None], tf.int32),
    tf.TensorSpec([], tf.int32),
])
def causal_padding_mask(token_ids, num_heads):
    seq_len = tf.shape(token_ids)[1]
    causal = tf.linalg.band_part(tf.ones([seq_len, seq_len]), -1, 0)
    padding = tf.cast(tf.not_equal(token_ids, PAD_ID), tf.float32)[:, tf.newaxis, tf.newaxis, :]
    mask = causal[tf.newaxis, tf.newaxis, :, :] * padding
    return tf.tile(mask, [1, num_heads, 1, 1])


class GreedyDecoder(tf.Module):
    """Greedy autoregressive decoding for a model mapping (batch, time) ids to logits."""

    def __init__(self, model, max_length=64, name=None):
        super().__init__(name=name)
        self.model = model
        self.max_length = max_length

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
    def __call__(self, prompt_ids):
        batch_size = tf.shape(prompt_ids)[0]
        output = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
        finished = tf.zeros([batch_size], dtype=tf.bool)
        tokens = prompt_ids
        for step in tf.range(self.max_length):
            logits = self.model(tokens, training=False)[:, -1, :]
            next_token = tf.argmax(logits, axis=-1, output_type=tf.int32)
            next_token = tf.where(finished, tf.fill([batch_size], PAD_ID), next_token)
            output = output.write(step, next_token)
            finished = tf.logical_or(finished, tf.equal(next_token, EOS_ID))
            tf.autograph.experimental.set_loop_options(
                shape_invariants=[(tokens, tf.TensorShape([None, None]))]
            )
            tokens = tf.concat([tokens, next_token[:, tf.newaxis]], axis=1)
            if tf.reduce_all(finished):
                break
        return tf.transpose(output.stack())


@tf.function(input_signature=[
    tf.TensorSpec([None, None], tf.float32),
    tf.TensorSpec([], tf.float32),
    tf.TensorSpec([], tf.float32),
])
def sample_top_p(logits, temperature, top_p):
    """Nucleus sampling over the last axis of `logits`."""
    if temperature > 0.0:
        logits = logits / temperature
    sorted_logits = tf.sort(logits, direction="DESCENDING", axis=-1)
    cumulative = tf.cumsum(tf.nn.softmax(sorted_logits, axis=-1), axis=-1)
    cutoff_index = tf.reduce_sum(tf.cast(cumulative < top_p, tf.int32), axis=-1, keepdims=True)
    cutoff = tf.gather(sorted_logits, cutoff_index, batch_dims=1)
    filtered = tf.where(logits < cutoff, tf.fill(tf.shape(logits), -1e9), logits)
    return tf.random.categorical(filtered, 1, dtype=tf.int32)[:, 0]


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float32)])
def discounted_cumsum(values, discount):
    """y[t] = x[t] + discount * y[t + 1], with a reverse scan."""
    return tf.scan(lambda acc, x: x + discount * acc, values, initializer=0.0, reverse=True)


@tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
def moving_average_features(series):
    """Moving averages over several window sizes, stacked along a new last axis."""
    outs = []
    for window in FEATURE_WINDOWS:
        kernel = tf.ones([window, 1, 1]) / window
        smoothed = tf.nn.conv1d(series[:, :, tf.newaxis], kernel, stride=1, padding="SAME")
        outs.append(smoothed[:, :, 0])
    return tf.stack(outs, axis=-1)


@tf.function(reduce_retracing=True)
def pairwise_edit_distance(hypotheses, references):
    """Normalised edit distance between two batches of sparse token sequences."""
    distance = tf.edit_distance(hypotheses, references, normalize=True)
    return tf.reduce_mean(distance)


@tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
def collatz_steps(numbers):
    """Number of Collatz steps to reach 1, for each element (a tensor while loop)."""
    counts = tf.TensorArray(tf.int32, size=tf.shape(numbers)[0])
    i = 0
    for n in numbers:
        value = n
        steps = 0
        while value > 1:
            if value % 2 == 0:
                value = value // 2
            else:
                value = 3 * value + 1
            steps += 1
        counts = counts.write(i, steps)
        i += 1
    return counts.stack()


@tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
def stable_log_softmax(x):
    shifted = x - tnp.max(x, axis=-1, keepdims=True)
    return shifted - tnp.log(tnp.sum(tnp.exp(shifted), axis=-1, keepdims=True))


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def entropy_in_bits(probabilities):
    p = tf.clip_by_value(probabilities, 1e-12, 1.0)
    return -tf.reduce_sum(p * tf.math.log(p)) / LOG_2


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
def box_areas(boxes):
    ymin, xmin, ymax, xmax = tf.unstack(boxes, num=4, axis=-1)
    return tf.maximum(ymax - ymin, 0.0) * tf.maximum(xmax - xmin, 0.0)


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([None, 4], tf.float32)])
def pairwise_iou(boxes_a, boxes_b):
    area_a = box_areas(boxes_a)
    area_b = box_areas(boxes_b)
    ymin = tf.maximum(boxes_a[:, tf.newaxis, 0], boxes_b[tf.newaxis, :, 0])
    xmin = tf.maximum(boxes_a[:, tf.newaxis, 1], boxes_b[tf.newaxis, :, 1])
    ymax = tf.minimum(boxes_a[:, tf.newaxis, 2], boxes_b[tf.newaxis, :, 2])
    xmax = tf.minimum(boxes_a[:, tf.newaxis, 3], boxes_b[tf.newaxis, :, 3])
    intersection = tf.maximum(ymax - ymin, 0.0) * tf.maximum(xmax - xmin, 0.0)
    union = area_a[:, tf.newaxis] + area_b[tf.newaxis, :] - intersection
    return tf.math.divide_no_nan(intersection, union)


@tf.function(input_signature=[
    tf.TensorSpec([None, 4], tf.float32),
    tf.TensorSpec([None], tf.float32),
    tf.TensorSpec([], tf.float32),
])
def greedy_nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression written with a tensor while loop."""
    order = tf.argsort(scores, direction="DESCENDING")
    boxes = tf.gather(boxes, order)
    remaining = tf.ones([tf.shape(boxes)[0]], dtype=tf.bool)
    keep = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    count = 0
    while tf.reduce_any(remaining):
        best = tf.argmax(tf.cast(remaining, tf.int32), output_type=tf.int32)
        keep = keep.write(count, tf.gather(order, best))
        count += 1
        overlaps = pairwise_iou(boxes[best][tf.newaxis], boxes)[0]
        suppressed = overlaps > iou_threshold
        remaining = tf.logical_and(remaining, tf.logical_not(suppressed))
        remaining = tf.tensor_scatter_nd_update(remaining, [[best]], [False])
    return keep.stack()


@tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.int32)])
def pad_ragged(ragged_ids):
    dense = ragged_ids.to_tensor(default_value=PAD_ID)
    lengths = tf.cast(ragged_ids.row_lengths(), tf.int32)
    return dense, lengths


@tf.function(input_signature=[tf.TensorSpec([None, None, None], tf.float32)])
def last_valid_state(states):
    """Picks, for each sequence, the last time step whose state is not all zeros."""
    nonzero = tf.reduce_any(tf.not_equal(states, 0.0), axis=-1)
    positions = tf.range(tf.shape(states)[1])[tf.newaxis, :]
    last = tf.reduce_max(tf.where(nonzero, positions, -1), axis=1)
    last = tf.maximum(last, 0)
    return tf.gather(states, last, batch_dims=1)


@tf.function
def squeeze_singleton_batch(x):
    """Drops a leading batch axis of size one, as the exported scorers expect."""
    if x.shape[0] == 1:
        return tf.squeeze(x, axis=0)
    return x


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def clipped_mean(values):
    count = tf.size(values)
    if count == 0:
        result = tf.constant(0.0)
    else:
        low = tf.reduce_min(values)
        high = tf.reduce_max(values)
        result = tf.reduce_mean(tf.clip_by_value(values, low * 0.9, high * 0.9))
    return result


def decode_to_text(decoder, vocabulary, prompt_ids):
    """Eager helper: runs the compiled decoder and maps ids back to words."""
    ids = decoder(tf.constant(prompt_ids, dtype=tf.int32)).numpy()
    sentences = []
    for row in ids:
        words = []
        for token in row:
            if token in (PAD_ID, EOS_ID):
                break
            words.append(vocabulary[token] if token < len(vocabulary) else "<unk>")
        sentences.append(" ".join(words))
    return sentences


if __name__ == "__main__":
    ids = tf.constant([[5, 6, 7, EOS_ID, PAD_ID], [8, 9, PAD_ID, PAD_ID, PAD_ID]], tf.int32)
    print("lengths:", sequence_lengths(ids).numpy())
    print("collatz:", collatz_steps(tf.constant([6, 7, 27], tf.int32)).numpy())
    boxes = tf.constant([[0, 0, 1, 1], [0, 0, 0.9, 0.9], [0.5, 0.5, 1.5, 1.5]], tf.float32)
    scores = tf.constant([0.9, 0.8, 0.7], tf.float32)
    print("kept boxes:", greedy_nms(boxes, scores, tf.constant(0.5)).numpy())
    print("entropy:", float(entropy_in_bits(tf.constant([0.5, 0.25, 0.25]))))
