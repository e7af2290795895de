"""Input pipeline for an image classifier trained from a folder of JPEG files.

Expected layout: ROOT/<class name>/<image>.jpg
"""
import json
import logging
import os
import random

import numpy as np
import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE
IMAGE_SIZE = 224
CHANNEL_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)

logger = logging.getLogger(__name__)


def list_images(root):
    """Returns file paths, integer labels and the sorted class names."""
    class_names = sorted(
        name for name in os.listdir(root) if os.path.isdir(os.path.join(root, name))
    )
    paths, labels = [], []
    for index, name in enumerate(class_names):
        folder = os.path.join(root, name)
        for filename in sorted(os.listdir(folder)):
            if filename.lower().endswith((".jpg", ".jpeg")):
                paths.append(os.path.join(folder, filename))
                labels.append(index)
    logger.info("found %d images in %d classes under %s", len(paths), len(class_names), root)
    return paths, labels, class_names


def decode_image(path, label):
    raw = tf.io.read_file(path)
    image = tf.io.decode_jpeg(raw, channels=3)
    height, width, _ = tf.shape(image)
    side = tf.minimum(height, width)
    image = tf.image.resize_with_crop_or_pad(image, side, side)
    image = tf.image.resize(image, [IMAGE_SIZE, IMAGE_SIZE])
    return image, label


def augment(image, label):
    if random.random() < 0.5:
        image = tf.image.flip_left_right(image)
    delta = np.random.uniform(-0.1, 0.1)
    image = tf.image.adjust_brightness(image, delta)
    image = tf.image.random_contrast(image, 0.8, 1.2)
    return image, label


def standardize(image, label):
    pixels = tf.cast(image, tf.float32) / 255.0
    spread = np.std(pixels)
    assert tf.reduce_all(pixels >= 0.0), "pixel values must be non-negative"
    logger.debug("standardizing image, spread %s", spread)
    return (pixels - CHANNEL_MEAN) / (spread + 1e-6), label


def random_erase(image, label):
    """Cutout: blanks a random square of the image (correct graph code)."""
    size = IMAGE_SIZE // 4
    y = tf.random.uniform([], 0, IMAGE_SIZE - size, dtype=tf.int32)
    x = tf.random.uniform([], 0, IMAGE_SIZE - size, dtype=tf.int32)
    mask = tf.pad(
        tf.zeros([size, size, 3]),
        [[y, IMAGE_SIZE - size - y], [x, IMAGE_SIZE - size - x], [0, 0]],
        constant_values=1.0,
    )
    return image * mask, label


def build_dataset(root, batch_size, training):
    paths, labels, class_names = list_images(root)
    ds = tf.data.Dataset.from_tensor_slices((paths, labels))
    if training:
        ds = ds.shuffle(len(paths), reshuffle_each_iteration=True)
    ds = ds.map(decode_image, num_parallel_calls=AUTOTUNE)
    if training:
        ds = ds.map(augment, num_parallel_calls=AUTOTUNE)
        ds = ds.map(random_erase, num_parallel_calls=AUTOTUNE)
    ds = ds.map(standardize, num_parallel_calls=AUTOTUNE)
    ds = ds.batch(batch_size, drop_remainder=training)
    return ds.prefetch(AUTOTUNE), class_names


def write_class_index(class_names, output_dir):
    os.makedirs(output_dir, exist_ok=True)
    with open(os.path.join(output_dir, "classes.json"), "w") as f:
        json.dump({i: name for i, name in enumerate(class_names)}, f, indent=2)


def describe(dataset, num_batches=3):
    """Prints a few batch statistics, eagerly."""
    for images, labels in dataset.take(num_batches).as_numpy_iterator():
        print(
            "batch", images.shape,
            "min %.3f max %.3f" % (images.min(), images.max()),
            "labels", np.bincount(labels).tolist(),
        )


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    root = sys.argv[1] if len(sys.argv) > 1 else "data/train"
    train_ds, names = build_dataset(root, batch_size=32, training=True)
    write_class_index(names, "artifacts")
    describe(train_ds)
