"""MixUp augmentation for image classification (keras.io example)."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

AUTO = tf.data.AUTOTUNE
BATCH_SIZE = 64
EPOCHS = 1
IMAGE_SIZE = 28

x_train = np.random.rand(512, 28, 28, 1).astype("float32")
y_train = keras.utils.to_categorical(np.random.randint(0, 10, size=(512,)), 10).astype("float32")
x_test = x_train[:64]
y_test = y_train[:64]
x_val, y_val = x_train[:100], y_train[:100]
new_x_train, new_y_train = x_train[100:], y_train[100:]

train_ds_one = tf.data.Dataset.from_tensor_slices((new_x_train, new_y_train)).shuffle(BATCH_SIZE * 100).batch(BATCH_SIZE)
train_ds_two = tf.data.Dataset.from_tensor_slices((new_x_train, new_y_train)).shuffle(BATCH_SIZE * 100).batch(BATCH_SIZE)
train_ds = tf.data.Dataset.zip((train_ds_one, train_ds_two))
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(BATCH_SIZE)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(BATCH_SIZE)


def sample_beta_distribution(size, concentration_0=0.2, concentration_1=0.2):
    gamma_1_sample = tf.random.gamma(shape=[size], alpha=concentration_1)
    gamma_2_sample = tf.random.gamma(shape=[size], alpha=concentration_0)
    return gamma_1_sample / (gamma_1_sample + gamma_2_sample)


def mix_up(ds_one, ds_two, alpha=0.2):
    images_one, labels_one = ds_one
    images_two, labels_two = ds_two
    batch_size = tf.shape(images_one)[0]
    l = sample_beta_distribution(batch_size, alpha, alpha)
    x_l = tf.reshape(l, (batch_size, 1, 1, 1))
    y_l = tf.reshape(l, (batch_size, 1))
    images = images_one * x_l + images_two * (1 - x_l)
    labels = labels_one * y_l + labels_two * (1 - y_l)
    return (images, labels)


train_ds_mu = train_ds.map(lambda ds_one, ds_two: mix_up(ds_one, ds_two, alpha=0.2), num_parallel_calls=AUTO)
sample_images, sample_labels = next(iter(train_ds_mu))
for i, (image, label) in enumerate(zip(sample_images[:9], sample_labels[:9])):
    print(label.numpy().tolist())


def get_training_model():
    model = keras.Sequential(
        [layers.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1)), layers.Conv2D(16, (5, 5), activation="relu"),
         layers.MaxPooling2D(pool_size=(2, 2)), layers.Conv2D(32, (5, 5), activation="relu"),
         layers.MaxPooling2D(pool_size=(2, 2)), layers.Dropout(0.2), layers.GlobalAveragePooling2D(),
         layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    return model


initial_model = get_training_model()
initial_model.save_weights("initial_weights.weights.h5")
model = get_training_model()
model.load_weights("initial_weights.weights.h5")
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(train_ds_mu, validation_data=val_ds, epochs=EPOCHS)
_, test_acc = model.evaluate(test_ds)
print("Test accuracy: {:.2f}%".format(test_acc * 100))


def get_box(lambda_value):
    cut_rat = tf.math.sqrt(1.0 - lambda_value)
    cut_w = IMAGE_SIZE * cut_rat
    cut_w = tf.cast(cut_w, tf.int32)
    cut_h = IMAGE_SIZE * cut_rat
    cut_h = tf.cast(cut_h, tf.int32)
    cut_x = tf.random.uniform((1,), minval=0, maxval=IMAGE_SIZE, dtype=tf.int32)
    cut_y = tf.random.uniform((1,), minval=0, maxval=IMAGE_SIZE, dtype=tf.int32)
    boundaryx1 = tf.clip_by_value(cut_x[0] - cut_w // 2, 0, IMAGE_SIZE)
    boundaryy1 = tf.clip_by_value(cut_y[0] - cut_h // 2, 0, IMAGE_SIZE)
    bbx2 = tf.clip_by_value(cut_x[0] + cut_w // 2, 0, IMAGE_SIZE)
    bby2 = tf.clip_by_value(cut_y[0] + cut_h // 2, 0, IMAGE_SIZE)
    target_h = bby2 - boundaryy1
    if target_h == 0:
        target_h += 1
    target_w = bbx2 - boundaryx1
    if target_w == 0:
        target_w += 1
    return boundaryx1, boundaryy1, target_h, target_w


@tf.function
def cutmix(train_ds_one, train_ds_two):
    (image1, label1), (image2, label2) = train_ds_one, train_ds_two
    alpha = [0.25]
    beta = [0.25]
    lambda_value = sample_beta_distribution(1, alpha, beta)
    lambda_value = lambda_value[0][0]
    boundaryx1, boundaryy1, target_h, target_w = get_box(lambda_value)
    crop2 = tf.image.crop_to_bounding_box(image2, boundaryy1, boundaryx1, target_h, target_w)
    image2 = tf.image.pad_to_bounding_box(crop2, boundaryy1, boundaryx1, IMAGE_SIZE, IMAGE_SIZE)
    crop1 = tf.image.crop_to_bounding_box(image1, boundaryy1, boundaryx1, target_h, target_w)
    img1 = tf.image.pad_to_bounding_box(crop1, boundaryy1, boundaryx1, IMAGE_SIZE, IMAGE_SIZE)
    image1 = image1 - img1
    image = image1 + image2
    lambda_value = 1 - (target_w * target_h) / (IMAGE_SIZE * IMAGE_SIZE)
    lambda_value = tf.cast(lambda_value, tf.float32)
    label = lambda_value * label1 + (1 - lambda_value) * label2
    return image, label


cm_ds_one = tf.data.Dataset.from_tensor_slices((new_x_train, new_y_train)).shuffle(1024)
cm_ds_two = tf.data.Dataset.from_tensor_slices((new_x_train, new_y_train)).shuffle(1024)
train_ds_cmu = (
    tf.data.Dataset.zip((cm_ds_one, cm_ds_two))
    .shuffle(1024)
    .map(cutmix, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)
