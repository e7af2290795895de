"""Export a forecasting model as a tf.Module with several signatures and warm it up."""
import numpy as np
import tensorflow as tf

WINDOW = 32
FEATURES = 4


class Forecaster(tf.Module):
    def __init__(self, model, horizon=12):
        super().__init__()
        self.model = model
        self.horizon = horizon
        self.calls = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.mean = tf.Variable(tf.zeros([FEATURES]), trainable=False)
        self.std = tf.Variable(tf.ones([FEATURES]), trainable=False)

    def set_stats(self, mean, std):
        self.mean.assign(mean)
        self.std.assign(std)

    @tf.function(input_signature=[tf.TensorSpec([None, WINDOW, FEATURES], tf.float32)])
    def predict(self, window):
        self.calls.assign_add(1)
        x = (window - self.mean) / self.std
        return self.model(x, training=False) * self.std[0] + self.mean[0]

    @tf.function(input_signature=[tf.TensorSpec([None, WINDOW, FEATURES], tf.float32),
                                  tf.TensorSpec([], tf.int32)])
    def rollout(self, window, steps):
        outputs = tf.TensorArray(tf.float32, size=steps)
        for i in tf.range(steps):
            y = self.predict(window)
            outputs = outputs.write(i, y[:, 0])
            nxt = tf.concat([y, window[:, -1:, 1:][:, 0]], -1)[:, None]
            window = tf.concat([window[:, 1:], nxt], 1)
        return tf.transpose(outputs.stack())

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def parse_and_predict(self, serialized):
        spec = {"window": tf.io.FixedLenFeature([WINDOW * FEATURES], tf.float32)}
        parsed = tf.io.parse_example(serialized, spec)
        window = tf.reshape(parsed["window"], [-1, WINDOW, FEATURES])
        return {"forecast": self.predict(window)}


def build_model():
    return tf.keras.Sequential([
        tf.keras.Input((WINDOW, FEATURES)),
        tf.keras.layers.GRU(32),
        tf.keras.layers.Dense(1),
    ])


def warm_up(module, batch_sizes=(1, 2, 4, 8, 16)):
    """Runs every batch size once; the input signature keeps this to one trace."""
    for n in batch_sizes:
        module.predict(tf.zeros([n, WINDOW, FEATURES]))
    for steps in range(1, 4):
        module.rollout(tf.zeros([1, WINDOW, FEATURES]), steps)


def serialize(window):
    feature = {"window": tf.train.Feature(float_list=tf.train.FloatList(value=window.ravel()))}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def main():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(1000, WINDOW, FEATURES)).astype(np.float32)
    model = build_model()
    model.compile("adam", "mse")
    model.fit(data, data[:, -1, :1], epochs=1, verbose=0)
    module = Forecaster(model)
    module.set_stats(data.mean((0, 1)), data.std((0, 1)))
    warm_up(module)
    tf.saved_model.save(module, "/tmp/forecaster", signatures={
        "serving_default": module.parse_and_predict,
        "rollout": module.rollout,
    })
    restored = tf.saved_model.load("/tmp/forecaster")
    for i in range(5):
        batch = [serialize(data[j]) for j in range(i + 1)]
        out = restored.signatures["serving_default"](serialized=tf.constant(batch))
        print(i, out["forecast"].shape, int(module.calls.numpy()))


if __name__ == "__main__":
    main()
