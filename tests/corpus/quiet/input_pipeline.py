"""tf.data input pipelines: TFRecord images, CSV tabular data, and text read
through a Python generator."""
import csv
import functools
import glob
import logging
import os
import random
import wave

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

AUTOTUNE = tf.data.AUTOTUNE
IMAGE_SIZE = 192
MEAN_RGB = tf.constant([0.485, 0.456, 0.406], dtype=tf.float32)
STDDEV_RGB = tf.constant([0.229, 0.224, 0.225], dtype=tf.float32)
MAX_AUDIO_SAMPLES = 16000

FEATURE_SPEC = {
    "image/encoded": tf.io.FixedLenFeature([], tf.string),
    "image/class/label": tf.io.FixedLenFeature([], tf.int64),
    "image/height": tf.io.FixedLenFeature([], tf.int64, default_value=0),
    "image/width": tf.io.FixedLenFeature([], tf.int64, default_value=0),
}


def parse_example(serialized):
    features = tf.io.parse_single_example(serialized, FEATURE_SPEC)
    image = tf.io.decode_jpeg(features["image/encoded"], channels=3)
    label = tf.cast(features["image/class/label"], tf.int32)
    return image, label


def distorted_crop(image, seed):
    """Inception-style random crop, driven by a stateless seed."""
    bbox = tf.constant([0.0, 0.0, 1.0, 1.0], dtype=tf.float32, shape=[1, 1, 4])
    begin, size, _ = tf.image.stateless_sample_distorted_bounding_box(
        tf.shape(image),
        bounding_boxes=bbox,
        seed=seed,
        min_object_covered=0.1,
        aspect_ratio_range=(3.0 / 4.0, 4.0 / 3.0),
        area_range=(0.08, 1.0),
        use_image_if_no_bounding_boxes=True,
    )
    crop = tf.slice(image, begin, size)
    return tf.image.resize(crop, [IMAGE_SIZE, IMAGE_SIZE])


def center_crop(image, crop_fraction=0.875):
    shape = tf.shape(image)
    height, width = shape[0], shape[1]
    side = tf.cast(tf.cast(tf.minimum(height, width), tf.float32) * crop_fraction, tf.int32)
    offset_h = (height - side) // 2
    offset_w = (width - side) // 2
    crop = tf.image.crop_to_bounding_box(image, offset_h, offset_w, side, side)
    return tf.image.resize(crop, [IMAGE_SIZE, IMAGE_SIZE])


def normalize(image):
    image = tf.cast(image, tf.float32) / 255.0
    return (image - MEAN_RGB) / STDDEV_RGB


def train_transform(example_seed, image, label):
    seeds = tf.random.experimental.stateless_split(example_seed, num=3)
    image = distorted_crop(image, seeds[0]) / 255.0
    image = tf.image.stateless_random_flip_left_right(image, seeds[1])
    image = tf.image.stateless_random_brightness(image, 0.2, seeds[2])
    image = tf.clip_by_value(image, 0.0, 1.0)
    return (image - MEAN_RGB) / STDDEV_RGB, label


def eval_transform(image, label):
    return normalize(center_crop(image)), label


def is_valid(image, label):
    shape = tf.shape(image)
    big_enough = tf.logical_and(shape[0] >= 32, shape[1] >= 32)
    return tf.logical_and(big_enough, label >= 0)


def mixup(images, labels, alpha, num_classes):
    """Batch-level mixup: convex combinations of shuffled pairs of examples."""
    batch_size = tf.shape(images)[0]
    gamma_1 = tf.random.gamma([batch_size], alpha)
    gamma_2 = tf.random.gamma([batch_size], alpha)
    lam = gamma_1 / (gamma_1 + gamma_2)
    partner = tf.random.shuffle(tf.range(batch_size))
    lam_images = tf.reshape(lam, [-1, 1, 1, 1])
    mixed_images = lam_images * images + (1.0 - lam_images) * tf.gather(images, partner)
    one_hot = tf.one_hot(labels, num_classes)
    lam_labels = lam[:, tf.newaxis]
    mixed_labels = lam_labels * one_hot + (1.0 - lam_labels) * tf.gather(one_hot, partner)
    return mixed_images, mixed_labels


def image_dataset(file_pattern, batch_size, training, seed=0, mixup_alpha=0.0,
                  num_classes=1000):
    files = tf.data.Dataset.list_files(file_pattern, shuffle=training, seed=seed)
    ds = files.interleave(
        tf.data.TFRecordDataset,
        cycle_length=8,
        num_parallel_calls=AUTOTUNE,
        deterministic=not training,
    )
    ds = ds.map(parse_example, num_parallel_calls=AUTOTUNE)
    ds = ds.filter(is_valid)
    if training:
        ds = ds.shuffle(10000, seed=seed)
        counter = tf.data.Dataset.counter()
        seeds = counter.map(lambda i: tf.stack([tf.cast(seed, tf.int64), i]))
        ds = tf.data.Dataset.zip((seeds, ds))
        ds = ds.map(lambda s, pair: train_transform(s, *pair), num_parallel_calls=AUTOTUNE)
        ds = ds.repeat()
    else:
        ds = ds.map(eval_transform, num_parallel_calls=AUTOTUNE)
    ds = ds.batch(batch_size, drop_remainder=training)
    if training and mixup_alpha > 0.0:
        ds = ds.map(
            functools.partial(mixup, alpha=mixup_alpha, num_classes=num_classes),
            num_parallel_calls=AUTOTUNE,
        )
    return ds.prefetch(AUTOTUNE)


def _read_wav(path):
    """Runs eagerly inside tf.py_function: plain Python and NumPy are fine here."""
    filename = path.numpy().decode("utf-8")
    try:
        with wave.open(filename, "rb") as f:
            frames = f.readframes(f.getnframes())
            rate = f.getframerate()
    except (OSError, EOFError, wave.Error) as err:
        logger.warning("could not read %s: %s", filename, err)
        return np.zeros(MAX_AUDIO_SAMPLES, dtype=np.float32), np.int32(0)
    samples = np.frombuffer(frames, dtype=np.int16).astype(np.float32) / 32768.0
    if samples.size > MAX_AUDIO_SAMPLES:
        start = random.randint(0, samples.size - MAX_AUDIO_SAMPLES)
        samples = samples[start:start + MAX_AUDIO_SAMPLES]
    else:
        samples = np.pad(samples, (0, MAX_AUDIO_SAMPLES - samples.size))
    if rate != 16000:
        print(f"warning: {filename} is sampled at {rate} Hz, expected 16000")
    return samples, np.int32(rate)


def load_audio(path, label):
    samples, rate = tf.py_function(_read_wav, inp=[path], Tout=[tf.float32, tf.int32])
    samples.set_shape([MAX_AUDIO_SAMPLES])
    rate.set_shape([])
    return samples, label


def log_mel_spectrogram(samples, label):
    stft = tf.signal.stft(samples, frame_length=400, frame_step=160, fft_length=512)
    magnitude = tf.abs(stft)
    mel_matrix = tf.signal.linear_to_mel_weight_matrix(
        num_mel_bins=64,
        num_spectrogram_bins=magnitude.shape[-1],
        sample_rate=16000,
        lower_edge_hertz=20.0,
        upper_edge_hertz=7600.0,
    )
    mel = tf.tensordot(magnitude, mel_matrix, 1)
    return tf.math.log(mel + 1e-6)[..., tf.newaxis], label


def spec_augment(spectrogram, label):
    time_steps = tf.shape(spectrogram)[0]
    width = tf.random.uniform([], 0, 20, dtype=tf.int32)
    start = tf.random.uniform([], 0, tf.maximum(time_steps - width, 1), dtype=tf.int32)
    positions = tf.range(time_steps)
    keep = tf.logical_or(positions < start, positions >= start + width)
    mask = tf.cast(keep, spectrogram.dtype)[:, tf.newaxis, tf.newaxis]
    return spectrogram * mask, label


def audio_dataset(root, batch_size, training):
    class_names = sorted(
        d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))
    )
    paths, labels = [], []
    for index, name in enumerate(class_names):
        for path in sorted(glob.glob(os.path.join(root, name, "*.wav"))):
            paths.append(path)
            labels.append(index)
    logger.info("%d audio clips, %d classes", len(paths), len(class_names))

    ds = tf.data.Dataset.from_tensor_slices((paths, labels))
    if training:
        ds = ds.shuffle(len(paths), reshuffle_each_iteration=True)
    ds = ds.map(load_audio, num_parallel_calls=AUTOTUNE)
    ds = ds.map(log_mel_spectrogram, num_parallel_calls=AUTOTUNE)
    ds = ds.cache()
    if training:
        ds = ds.map(spec_augment, num_parallel_calls=AUTOTUNE)
    return ds.batch(batch_size).prefetch(AUTOTUNE), class_names


def read_sentences(path, lowercase=True):
    """A plain Python generator feeding Dataset.from_generator."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = line.strip()
            if not text:
                continue
            yield text.lower() if lowercase else text


def text_dataset(path, vectorizer, batch_size, max_length=128):
    sentences = tf.data.Dataset.from_generator(
        lambda: read_sentences(path),
        output_signature=tf.TensorSpec(shape=(), dtype=tf.string),
    )
    token_ids = sentences.map(
        lambda text: vectorizer(text[tf.newaxis])[0], num_parallel_calls=AUTOTUNE
    )
    token_ids = token_ids.map(lambda ids: ids[:max_length])
    token_ids = token_ids.filter(lambda ids: tf.size(ids) > 1)
    lengths = token_ids.map(lambda ids: tf.shape(ids)[0])
    pairs = tf.data.Dataset.zip((token_ids, lengths))
    batched = pairs.bucket_by_sequence_length(
        element_length_func=lambda ids, length: length,
        bucket_boundaries=[16, 32, 64],
        bucket_batch_sizes=[batch_size * 4, batch_size * 2, batch_size, batch_size],
        pad_to_bucket_boundary=False,
    )
    return batched.map(lambda ids, length: (ids[:, :-1], ids[:, 1:])).prefetch(AUTOTUNE)


def tabular_dataset(csv_path, label_column, batch_size, training):
    with open(csv_path, newline="") as f:
        header = next(csv.reader(f))
    numeric_columns = [c for c in header if c != label_column]
    defaults = [[0.0] for _ in header]
    ds = tf.data.experimental.CsvDataset(csv_path, record_defaults=defaults, header=True)

    label_index = header.index(label_column)

    def to_features(*columns):
        values = tf.stack(columns)
        label = tf.cast(values[label_index], tf.int32)
        features = tf.concat([values[:label_index], values[label_index + 1:]], axis=0)
        return features, label

    ds = ds.map(to_features, num_parallel_calls=AUTOTUNE)
    if training:
        ds = ds.shuffle(50000).repeat()
    logger.info("tabular features: %s", ", ".join(numeric_columns))
    return ds.batch(batch_size).prefetch(AUTOTUNE)


def feature_statistics(dataset, max_batches=100):
    """Streams batches eagerly to compute per-feature mean and standard deviation."""
    total, total_sq, count = None, None, 0
    for features, _ in dataset.take(max_batches).as_numpy_iterator():
        batch_sum = features.sum(axis=0)
        batch_sq = np.square(features).sum(axis=0)
        total = batch_sum if total is None else total + batch_sum
        total_sq = batch_sq if total_sq is None else total_sq + batch_sq
        count += features.shape[0]
    mean = total / count
    std = np.sqrt(np.maximum(total_sq / count - np.square(mean), 1e-12))
    return mean.astype(np.float32), std.astype(np.float32)


def class_balance(dataset, num_classes, max_examples=100000):
    """Label histogram of an (image, label) dataset, computed eagerly."""
    labels = dataset.unbatch().map(lambda image, label: label).take(max_examples)
    counts = np.zeros(num_classes, dtype=np.int64)
    for chunk in labels.batch(4096).as_numpy_iterator():
        counts += np.bincount(chunk, minlength=num_classes)[:num_classes]
    total = counts.sum()
    if total:
        rarest = int(np.argmin(counts))
        logger.info("%d labels, rarest class %d (%.2f%%)", total, rarest,
                    100.0 * counts[rarest] / total)
    return counts


def count_examples(dataset):
    return int(dataset.reduce(tf.constant(0, tf.int64), lambda n, _: n + 1))


def preview(dataset, num_batches=2):
    for images, labels in dataset.take(num_batches):
        print(
            "images", images.shape, images.dtype.name,
            "range [%.2f, %.2f]" % (float(tf.reduce_min(images)), float(tf.reduce_max(images))),
            "labels", np.unique(labels.numpy()).tolist(),
        )


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    random.seed(0)
    train = image_dataset("data/train-*.tfrecord", batch_size=64, training=True, seed=7)
    preview(train)
    validation = image_dataset("data/validation-*.tfrecord", batch_size=64, training=False)
    print("validation examples:", count_examples(validation.unbatch()))
