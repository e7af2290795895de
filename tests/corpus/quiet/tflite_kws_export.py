"""Export a keyword-spotting model to TFLite via concrete functions."""
import numpy as np
import tensorflow as tf

N_MELS = 40
FRAMES = 49
LABELS = ["yes", "no", "up", "down", "left", "right", "_silence_", "_unknown_"]


class KWS(tf.Module):
    def __init__(self):
        super().__init__()
        self.model = tf.keras.Sequential([
            tf.keras.layers.Input((FRAMES, N_MELS, 1)),
            tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu"),
            tf.keras.layers.Conv2D(64, 1, activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(len(LABELS)),
        ])

    @tf.function(input_signature=[tf.TensorSpec([None, FRAMES, N_MELS, 1], tf.float32)])
    def infer(self, features):
        logits = self.model(features, training=False)
        return {"probs": tf.nn.softmax(logits), "label": tf.argmax(logits, -1)}

    @tf.function
    def infer_top_k(self, features, k=3):
        logits = self.model(features, training=False)
        vals, idx = tf.math.top_k(logits, k=k)
        return vals, idx


def representative_data(n=100):
    for _ in range(n):
        yield [np.random.rand(1, FRAMES, N_MELS, 1).astype(np.float32)]


def convert(module, quantize=False):
    concrete = module.infer.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_data
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def convert_topk(module):
    fn = module.infer_top_k.get_concrete_function(
        tf.TensorSpec([1, FRAMES, N_MELS, 1], tf.float32), k=3)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn], module)
    return converter.convert()


def check_parity(module, blob):
    interp = tf.lite.Interpreter(model_content=blob)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    x = np.random.rand(1, FRAMES, N_MELS, 1).astype(np.float32)
    interp.resize_tensor_input(inp["index"], x.shape)
    interp.allocate_tensors()
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    outs = {d["name"]: interp.get_tensor(d["index"]) for d in interp.get_output_details()}
    ref = module.infer(tf.constant(x))
    print("max diff", np.abs(list(outs.values())[0] - ref["probs"].numpy()).max())


def main():
    module = KWS()
    module.model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.rand(256, FRAMES, N_MELS, 1).astype(np.float32)
    y = np.random.randint(0, len(LABELS), 256)
    module.model.fit(x, y, epochs=1, verbose=0)
    tf.saved_model.save(module, "kws_saved", signatures={"serving_default": module.infer})
    blob = convert(module)
    with open("kws.tflite", "wb") as f:
        f.write(blob)
    check_parity(module, blob)
    with open("kws_topk.tflite", "wb") as f:
        f.write(convert_topk(module))
    with open("kws_int8.tflite", "wb") as f:
        f.write(convert(module, quantize=True))


if __name__ == "__main__":
    main()
