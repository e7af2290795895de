"""Load CSV data (tensorflow.org/tutorials/load_data/csv)."""
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow.keras import layers

abalone_train = pd.DataFrame(np.random.rand(100, 8),
                             columns=["Length", "Diameter", "Height", "Whole weight",
                                      "Shucked weight", "Viscera weight", "Shell weight", "Age"])
abalone_features = abalone_train.copy()
abalone_labels = abalone_features.pop("Age")
abalone_features = np.array(abalone_features)

normalize = layers.Normalization()
normalize.adapt(abalone_features)

norm_abalone_model = tf.keras.Sequential([
    normalize,
    layers.Dense(64, activation="relu"),
    layers.Dense(1)
])

norm_abalone_model.compile(loss=tf.keras.losses.MeanSquaredError(),
                           optimizer=tf.keras.optimizers.Adam())
norm_abalone_model.fit(abalone_features, abalone_labels, epochs=10)

titanic = pd.DataFrame({
    "survived": np.random.randint(0, 2, 100),
    "sex": np.random.choice(["male", "female"], 100),
    "age": np.random.rand(100) * 80,
    "n_siblings_spouses": np.random.randint(0, 4, 100),
    "parch": np.random.randint(0, 3, 100),
    "fare": np.random.rand(100) * 100,
    "class": np.random.choice(["First", "Second", "Third"], 100),
    "deck": np.random.choice(["A", "B", "unknown"], 100),
    "embark_town": np.random.choice(["Southampton", "Cherbourg"], 100),
    "alone": np.random.choice(["y", "n"], 100),
})
titanic_features = titanic.copy()
titanic_labels = titanic_features.pop("survived")

inputs = {}

for name, column in titanic_features.items():
    dtype = column.dtype
    if dtype == object:
        dtype = tf.string
    else:
        dtype = tf.float32

    inputs[name] = tf.keras.Input(shape=(1,), name=name, dtype=dtype)

numeric_inputs = {name: input for name, input in inputs.items()
                  if input.dtype == tf.float32}

x = layers.Concatenate()(list(numeric_inputs.values()))
norm = layers.Normalization()
norm.adapt(np.array(titanic[numeric_inputs.keys()]))
all_numeric_inputs = norm(x)

preprocessed_inputs = [all_numeric_inputs]

for name, input in inputs.items():
    if input.dtype == tf.float32:
        continue

    lookup = layers.StringLookup(vocabulary=np.unique(titanic_features[name]))
    one_hot = layers.CategoryEncoding(num_tokens=lookup.vocabulary_size())

    x = lookup(input)
    x = one_hot(x)
    preprocessed_inputs.append(x)

preprocessed_inputs_cat = layers.Concatenate()(preprocessed_inputs)

titanic_preprocessing = tf.keras.Model(inputs, preprocessed_inputs_cat)

titanic_features_dict = {name: np.array(value)
                         for name, value in titanic_features.items()}

features_dict = {name: values[:1] for name, values in titanic_features_dict.items()}
titanic_preprocessing(features_dict)


def titanic_model(preprocessing_head, inputs):
    body = tf.keras.Sequential([
        layers.Dense(64, activation="relu"),
        layers.Dense(1)
    ])

    preprocessed_inputs = preprocessing_head(inputs)
    result = body(preprocessed_inputs)
    model = tf.keras.Model(inputs, result)

    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.Adam())
    return model


titanic_model = titanic_model(titanic_preprocessing, inputs)
titanic_model.fit(x=titanic_features_dict, y=titanic_labels, epochs=10)

titanic_model.save("test.keras")
reloaded = tf.keras.models.load_model("test.keras")

features_dict = {name: values[:1] for name, values in titanic_features_dict.items()}

before = titanic_model(features_dict)
after = reloaded(features_dict)
assert (before - after) < 1e-3
print(before)
print(after)

features_ds = tf.data.Dataset.from_tensor_slices(titanic_features_dict)

for example in features_ds:
    for name, value in example.items():
        print(f"{name:19s}: {value}")
    break

titanic_ds = tf.data.Dataset.from_tensor_slices((titanic_features_dict, titanic_labels))
titanic_batches = titanic_ds.shuffle(len(titanic_labels)).batch(32)
titanic_model.fit(titanic_batches, epochs=5)

titanic_csv_ds = tf.data.experimental.make_csv_dataset(
    "titanic.csv",
    batch_size=5,  # Artificially small to make examples easier to show.
    label_name="survived",
    num_epochs=1,
    ignore_errors=True,)

for batch, label in titanic_csv_ds.take(1):
    for key, value in batch.items():
        print(f"{key:20s}: {value}")
    print()
    print(f"{'label':20s}: {label}")

font_csvs = ["fonts/AGENCY.csv", "fonts/ARIAL.csv"]
fonts_ds = tf.data.experimental.make_csv_dataset(
    file_pattern="fonts/*.csv",
    batch_size=10, num_epochs=1,
    num_parallel_reads=20,
    shuffle_buffer_size=10000)


def make_images(features):
    image = [None] * 400
    new_feats = {}

    for name, value in features.items():
        match = name.startswith("r") and name[1:].split("c")
        if match:
            image[int(match[0]) * 20 + int(match[1])] = value
        else:
            new_feats[name] = value

    image = tf.stack(image, axis=0)
    image = tf.reshape(image, [20, 20, -1])
    new_feats["image"] = image

    return new_feats


fonts_image_ds = fonts_ds.map(make_images)

titanic_types = [int(), str(), float(), int(), int(), float(), str(), str(), str(), str()]
simple_titanic = tf.data.experimental.CsvDataset("titanic.csv", record_defaults=titanic_types, header=True)
for example in simple_titanic.take(1):
    print([e.numpy() for e in example])
