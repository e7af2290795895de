"""Export a trained classifier as a SavedModel with serving signatures, then to TFLite."""
import json
import os

import tensorflow as tf

IMG = 224
LABELS = ["cat", "dog", "bird"]


class Classifier(tf.Module):
    def __init__(self, model, labels):
        super().__init__()
        self.model = model
        self.labels = tf.constant(labels)
        self.temperature = tf.Variable(1.0, trainable=False)

    @tf.function(input_signature=[tf.TensorSpec([None, IMG, IMG, 3], tf.float32)])
    def predict(self, images):
        logits = self.model(images, training=False) / self.temperature
        probs = tf.nn.softmax(logits)
        top = tf.argmax(probs, axis=-1)
        return {"probabilities": probs, "label": tf.gather(self.labels, top)}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def predict_jpeg(self, jpegs):
        def decode(b):
            img = tf.io.decode_jpeg(b, channels=3)
            img = tf.image.resize(img, [IMG, IMG])
            return tf.cast(img, tf.float32) / 255.0
        images = tf.map_fn(decode, jpegs, fn_output_signature=tf.TensorSpec([IMG, IMG, 3], tf.float32))
        return self.predict(images)

    @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
    def set_temperature(self, t):
        self.temperature.assign(t)
        return self.temperature.read_value()


class Preprocess(tf.Module):
    @tf.function
    def __call__(self, images, size):
        return tf.image.resize(images, [size, size])


def build_model():
    base = tf.keras.applications.MobileNetV2(input_shape=(IMG, IMG, 3), include_top=False, weights=None)
    x = tf.keras.layers.GlobalAveragePooling2D()(base.output)
    out = tf.keras.layers.Dense(len(LABELS))(x)
    return tf.keras.Model(base.input, out)


def export(model, export_dir):
    module = Classifier(model, LABELS)
    signatures = {
        "serving_default": module.predict.get_concrete_function(),
        "predict_jpeg": module.predict_jpeg.get_concrete_function(),
        "set_temperature": module.set_temperature.get_concrete_function(),
    }
    tf.saved_model.save(module, export_dir, signatures=signatures)
    with open(os.path.join(export_dir, "labels.json"), "w") as f:
        json.dump(LABELS, f)
    return module


def export_preprocess(export_dir):
    pre = Preprocess()
    concrete = pre.__call__.get_concrete_function(
        tf.TensorSpec([None, None, None, 3], tf.float32), IMG)
    tf.saved_model.save(pre, export_dir, signatures={"serving_default": concrete})


def to_tflite(export_dir, out_path, quantize=False):
    converter = tf.lite.TFLiteConverter.from_saved_model(export_dir, signature_keys=["serving_default"])
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]

        def representative():
            for _ in range(100):
                yield [tf.random.uniform([1, IMG, IMG, 3])]

        converter.representative_dataset = representative
    tflite = converter.convert()
    with open(out_path, "wb") as f:
        f.write(tflite)


def to_tflite_direct(module, out_path):
    concrete = module.predict.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    with open(out_path, "wb") as f:
        f.write(converter.convert())


def check_export(export_dir):
    loaded = tf.saved_model.load(export_dir)
    fn = loaded.signatures["serving_default"]
    out = fn(images=tf.zeros([2, IMG, IMG, 3]))
    assert out["probabilities"].shape == (2, len(LABELS))
    print(loaded.predict(tf.zeros([1, IMG, IMG, 3]))["label"].numpy())


if __name__ == "__main__":
    m = build_model()
    export(m, "/tmp/export/classifier/1")
    export_preprocess("/tmp/export/preprocess/1")
    to_tflite("/tmp/export/classifier/1", "/tmp/export/classifier.tflite", quantize=True)
    check_export("/tmp/export/classifier/1")
