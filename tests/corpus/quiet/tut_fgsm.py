"""Adversarial example using FGSM (tensorflow.org/tutorials/generative/adversarial_fgsm)."""
import tensorflow as tf

pretrained_model = tf.keras.applications.MobileNetV2(include_top=True, weights="imagenet")
pretrained_model.trainable = False

decode_predictions = tf.keras.applications.mobilenet_v2.decode_predictions


def preprocess(image):
    image = tf.cast(image, tf.float32)
    image = tf.image.resize(image, (224, 224))
    image = tf.keras.applications.mobilenet_v2.preprocess_input(image)
    image = image[None, ...]
    return image


def get_imagenet_label(probs):
    return decode_predictions(probs, top=1)[0][0]


image_raw = tf.random.uniform([300, 300, 3], maxval=255, dtype=tf.int32)
image = preprocess(image_raw)
image_probs = pretrained_model.predict(image)

loss_object = tf.keras.losses.CategoricalCrossentropy()


def create_adversarial_pattern(input_image, input_label):
    with tf.GradientTape() as tape:
        tape.watch(input_image)
        prediction = pretrained_model(input_image)
        loss = loss_object(input_label, prediction)

    # Get the gradients of the loss w.r.t to the input image.
    gradient = tape.gradient(loss, input_image)
    # Get the sign of the gradients to create the perturbation
    signed_grad = tf.sign(gradient)
    return signed_grad


labrador_retriever_index = 208
label = tf.one_hot(labrador_retriever_index, image_probs.shape[-1])
label = tf.reshape(label, (1, image_probs.shape[-1]))

perturbations = create_adversarial_pattern(image, label)

epsilons = [0, 0.01, 0.1, 0.15]
descriptions = [("Epsilon = {:0.3f}".format(eps) if eps else "Input")
                for eps in epsilons]

for i, eps in enumerate(epsilons):
    adv_x = image + eps * perturbations
    adv_x = tf.clip_by_value(adv_x, -1, 1)
    _, label_name, confidence = get_imagenet_label(pretrained_model.predict(adv_x))
    print("{} \n {} : {:.2f}% Confidence".format(descriptions[i], label_name, confidence * 100))
