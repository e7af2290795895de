"""Exports trained models as SavedModels with explicit serving signatures and
checks that the exported graph agrees with the Keras model."""
import argparse
import json
import logging
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

logger = logging.getLogger(__name__)

IMAGE_SIZE = 224
NUM_CLASSES = 1000
TOP_K = 5


class ImageClassifierModule(tf.Module):
    """Wraps a Keras classifier with preprocessing and a label vocabulary."""

    def __init__(self, model, labels, name="classifier"):
        super().__init__(name=name)
        self.model = model
        self.labels = tf.constant(labels)
        self.mean = tf.constant([0.485, 0.456, 0.406], dtype=tf.float32)
        self.std = tf.constant([0.229, 0.224, 0.225], dtype=tf.float32)
        self.version = tf.Variable(1, dtype=tf.int64, trainable=False, name="version")

    def _preprocess(self, images):
        images = tf.image.resize(images, [IMAGE_SIZE, IMAGE_SIZE], antialias=True)
        images = tf.cast(images, tf.float32) / 255.0
        return (images - self.mean) / self.std

    @tf.function(input_signature=[
        tf.TensorSpec([None, None, None, 3], tf.uint8, name="images"),
    ])
    def classify(self, images):
        logits = self.model(self._preprocess(images), training=False)
        probabilities = tf.nn.softmax(logits, axis=-1)
        scores, indices = tf.math.top_k(probabilities, k=TOP_K)
        return {
            "scores": scores,
            "classes": tf.gather(self.labels, indices),
            "class_ids": indices,
        }

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="image_bytes")])
    def classify_jpeg(self, image_bytes):
        def decode(data):
            image = tf.io.decode_jpeg(data, channels=3)
            return tf.image.resize(image, [IMAGE_SIZE, IMAGE_SIZE])

        images = tf.map_fn(
            decode, image_bytes,
            fn_output_signature=tf.TensorSpec([IMAGE_SIZE, IMAGE_SIZE, 3], tf.float32),
        )
        return self.classify(tf.cast(tf.clip_by_value(images, 0.0, 255.0), tf.uint8))

    @tf.function(input_signature=[])
    def metadata(self):
        return {"version": self.version.read_value(), "num_labels": tf.size(self.labels)}


class FeatureNormalizer(tf.Module):
    """Standardises feature vectors with statistics fixed at first use.

    The statistics are created on the first call, from the first batch, and
    kept as variables so they are saved with the module.
    """

    def __init__(self, epsilon=1e-6, name=None):
        super().__init__(name=name)
        self.epsilon = epsilon
        self.mean = None
        self.variance = None

    @tf.function
    def __call__(self, features):
        if self.mean is None:
            batch_mean, batch_variance = tf.nn.moments(features, axes=[0])
            self.mean = tf.Variable(batch_mean, trainable=False, name="mean")
            self.variance = tf.Variable(batch_variance, trainable=False, name="variance")
        return (features - self.mean) * tf.math.rsqrt(self.variance + self.epsilon)


class TextClassifierExport(tf.Module):
    """Serving wrapper that owns a vectorizer and a token classifier."""

    def __init__(self, vectorizer, model, class_names):
        super().__init__()
        self.vectorizer = vectorizer
        self.model = model
        self.class_names = tf.constant(class_names)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
    def __call__(self, text):
        token_ids = self.vectorizer(tf.strings.lower(text))
        logits = self.model(token_ids, training=False)
        best = tf.argmax(logits, axis=-1)
        return {
            "label": tf.gather(self.class_names, best),
            "confidence": tf.reduce_max(tf.nn.softmax(logits), axis=-1),
        }


@tf.function(input_signature=[
    tf.TensorSpec([None, NUM_CLASSES], tf.float32),
    tf.TensorSpec([], tf.float32),
])
def apply_temperature(logits, temperature):
    return tf.nn.softmax(logits / temperature, axis=-1)


def export_classifier(model, labels, export_dir, overwrite=False):
    if os.path.exists(export_dir):
        if not overwrite:
            raise FileExistsError(f"{export_dir} exists; pass --overwrite to replace it")
        shutil.rmtree(export_dir)
    module = ImageClassifierModule(model, labels)
    signatures = {
        "serving_default": module.classify,
        "classify_jpeg": module.classify_jpeg,
        "metadata": module.metadata,
    }
    tf.saved_model.save(module, export_dir, signatures=signatures)
    logger.info("saved %s with signatures %s", export_dir, sorted(signatures))
    return module


def verify_export(model, export_dir, num_samples=8, atol=1e-4, seed=0):
    """Compares the reloaded SavedModel with the in-memory Keras model, eagerly."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(num_samples, 256, 256, 3), dtype=np.uint8)
    loaded = tf.saved_model.load(export_dir)
    serving = loaded.signatures["serving_default"]
    exported = serving(images=tf.constant(images))

    reference = ImageClassifierModule(model, [str(i) for i in range(NUM_CLASSES)])
    expected = reference.classify(tf.constant(images))
    np.testing.assert_array_equal(exported["class_ids"].numpy(), expected["class_ids"].numpy())
    np.testing.assert_allclose(exported["scores"].numpy(), expected["scores"].numpy(), atol=atol)
    version = int(loaded.metadata()["version"].numpy())
    logger.info("export verified on %d random images (version %d)", num_samples, version)
    return True


def convert_to_tflite(export_dir, output_path, quantize=False):
    converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    tflite_model = converter.convert()
    with open(output_path, "wb") as f:
        f.write(tflite_model)
    logger.info("wrote %s (%.1f MB)", output_path, len(tflite_model) / 2**20)
    return output_path


def representative_images(image_dir, num_images=200, seed=0):
    """Yields preprocessed calibration inputs for integer quantisation (eager generator)."""
    paths = sorted(tf.io.gfile.glob(os.path.join(image_dir, "*.jpg")))
    rng = np.random.default_rng(seed)
    if len(paths) > num_images:
        paths = list(rng.choice(paths, size=num_images, replace=False))
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
    for path in paths:
        image = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
        image = tf.image.resize(image, [IMAGE_SIZE, IMAGE_SIZE]).numpy() / 255.0
        yield [((image - mean) / std)[np.newaxis].astype(np.float32)]


def convert_keras_to_int8_tflite(model, image_dir, output_path):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: representative_images(image_dir)
    with open(output_path, "wb") as f:
        f.write(converter.convert())
    return output_path


def compare_tflite(tflite_path, model, image_dir, num_samples=16):
    """Top-1 agreement between the TFLite interpreter and the Keras model."""
    interpreter = tf.lite.Interpreter(model_path=tflite_path)
    interpreter.allocate_tensors()
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    agreements = []
    for (batch,) in representative_images(image_dir, num_images=num_samples):
        interpreter.set_tensor(input_index, batch)
        interpreter.invoke()
        lite_logits = interpreter.get_tensor(output_index)
        keras_logits = model(batch, training=False).numpy()
        agreements.append(int(np.argmax(lite_logits[0]) == np.argmax(keras_logits[0])))
    rate = float(np.mean(agreements)) if agreements else float("nan")
    logger.info("TFLite top-1 agreement with Keras: %.1f%%", 100 * rate)
    return rate


def export_normalizer(features, export_dir):
    normalizer = FeatureNormalizer()
    normalized = normalizer(tf.constant(features, dtype=tf.float32))
    spec = tf.TensorSpec([None, features.shape[1]], tf.float32)
    tf.saved_model.save(
        normalizer, export_dir,
        signatures=normalizer.__call__.get_concrete_function(spec),
    )
    print("normalized feature means:", np.round(normalized.numpy().mean(axis=0), 3))
    return normalizer


def describe_saved_model(export_dir):
    loaded = tf.saved_model.load(export_dir)
    report = {}
    for name, fn in loaded.signatures.items():
        inputs = fn.structured_input_signature[1]
        outputs = fn.structured_outputs
        report[name] = {
            "inputs": {k: [str(v.dtype.name), v.shape.as_list()] for k, v in inputs.items()},
            "outputs": {k: [str(v.dtype.name), v.shape.as_list()] for k, v in outputs.items()},
        }
    print(json.dumps(report, indent=2))
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="path to a .keras model")
    parser.add_argument("--labels", required=True, help="text file, one label per line")
    parser.add_argument("--export-dir", required=True)
    parser.add_argument("--tflite", default="")
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)

    model = tf.keras.models.load_model(args.model)
    with open(args.labels, encoding="utf-8") as f:
        labels = [line.strip() for line in f if line.strip()]
    if len(labels) != model.output_shape[-1]:
        raise SystemExit(f"{len(labels)} labels for {model.output_shape[-1]} outputs")

    export_classifier(model, labels, args.export_dir, overwrite=args.overwrite)
    verify_export(model, args.export_dir)
    describe_saved_model(args.export_dir)
    if args.tflite:
        with tempfile.TemporaryDirectory() as tmp:
            logger.info("converting through %s", tmp)
            convert_to_tflite(args.export_dir, args.tflite, quantize=True)


if __name__ == "__main__":
    main()
