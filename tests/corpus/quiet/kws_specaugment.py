"""Keyword spotting: wav decoding, spectrograms, SpecAugment and a small CNN."""
import os

import tensorflow as tf

COMMANDS = ["yes", "no", "up", "down", "left", "right", "on", "off"]
SAMPLES = 16000
label_table = tf.lookup.StaticHashTable(
    tf.lookup.KeyValueTensorInitializer(tf.constant(COMMANDS), tf.range(len(COMMANDS))), -1)


def decode_audio(path):
    audio, _ = tf.audio.decode_wav(tf.io.read_file(path), desired_channels=1)
    audio = tf.squeeze(audio, -1)[:SAMPLES]
    return tf.pad(audio, [[0, SAMPLES - tf.shape(audio)[0]]])


def label_of(path):
    parts = tf.strings.split(path, os.path.sep)
    return label_table.lookup(parts[-2])


def spectrogram(audio):
    spec = tf.abs(tf.signal.stft(audio, frame_length=255, frame_step=128))
    return tf.math.log(spec + 1e-6)[..., None]


def spec_augment(spec, max_time_mask=10, max_freq_mask=8, num_masks=2):
    """Time and frequency masking; the Python loop unrolls num_masks times."""
    t = tf.shape(spec)[0]
    f = tf.shape(spec)[1]
    for _ in range(num_masks):
        width = tf.random.uniform([], 0, max_time_mask, tf.int32)
        start = tf.random.uniform([], 0, t - width, tf.int32)
        mask = tf.concat([tf.ones([start, f, 1]), tf.zeros([width, f, 1]),
                          tf.ones([t - start - width, f, 1])], 0)
        spec = spec * mask
        width = tf.random.uniform([], 0, max_freq_mask, tf.int32)
        start = tf.random.uniform([], 0, f - width, tf.int32)
        mask = tf.concat([tf.ones([t, start, 1]), tf.zeros([t, width, 1]),
                          tf.ones([t, f - start - width, 1])], 1)
        spec = spec * mask
    return spec


def preprocess(path, training):
    audio = decode_audio(path)
    if training:
        gain = tf.random.uniform([], 0.8, 1.2)
        audio = audio * gain
    spec = spectrogram(audio)
    if training:
        spec = spec_augment(spec)
    return spec, label_of(path)


def make_dataset(files, training):
    ds = tf.data.Dataset.from_tensor_slices(files)
    if training:
        ds = ds.shuffle(len(files))
    ds = ds.map(lambda p: preprocess(p, training), num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.filter(lambda spec, label: label >= 0)
    return ds.batch(64).prefetch(tf.data.AUTOTUNE)


def build_model(input_shape):
    norm = tf.keras.layers.Normalization()
    model = tf.keras.Sequential([
        tf.keras.Input(input_shape),
        tf.keras.layers.Resizing(32, 32),
        norm,
        tf.keras.layers.Conv2D(32, 3, activation="relu"),
        tf.keras.layers.Conv2D(64, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Dropout(0.25),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(len(COMMANDS)),
    ])
    return model, norm


class StreamingDetector(tf.Module):
    """Exported detector: scores one second of audio at a time."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    @tf.function(input_signature=[tf.TensorSpec([SAMPLES], tf.float32)])
    def __call__(self, audio):
        logits = self.model(spectrogram(audio)[None], training=False)[0]
        probs = tf.nn.softmax(logits)
        best = tf.argmax(probs, output_type=tf.int32)
        if probs[best] < 0.6:
            return tf.constant("_silence_"), probs[best]
        return tf.gather(tf.constant(COMMANDS), best), probs[best]


def main(data_dir="speech_commands"):
    files = tf.io.gfile.glob(os.path.join(data_dir, "*", "*.wav"))
    train_files, val_files = files[: int(0.8 * len(files))], files[int(0.8 * len(files)):]
    train_ds = make_dataset(train_files, training=True)
    val_ds = make_dataset(val_files, training=False)
    for spec, _ in train_ds.take(1):
        input_shape = spec.shape[1:]
    model, norm = build_model(input_shape)
    norm.adapt(train_ds.map(lambda s, l: s).take(20))
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(train_ds, validation_data=val_ds, epochs=10,
              callbacks=[tf.keras.callbacks.EarlyStopping(patience=2)])
    detector = StreamingDetector(model)
    tf.saved_model.save(detector, "kws_detector")
    print(detector(tf.zeros([SAMPLES])))


if __name__ == "__main__":
    main()
