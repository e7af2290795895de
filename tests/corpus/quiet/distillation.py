"""Knowledge distillation: a Keras Model subclass wrapping teacher and student."""
import tensorflow as tf


class Distiller(tf.keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.student = student
        self.teacher = teacher
        self.teacher.trainable = False

    def compile(self, optimizer, metrics, student_loss_fn, distill_loss_fn, alpha=0.1, temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distill_loss_fn = distill_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def train_step(self, data):
        x, y = data
        teacher_pred = self.teacher(x, training=False)
        with tf.GradientTape() as tape:
            student_pred = self.student(x, training=True)
            student_loss = self.student_loss_fn(y, student_pred)
            distill_loss = self.distill_loss_fn(
                tf.nn.softmax(teacher_pred / self.temperature, axis=1),
                tf.nn.softmax(student_pred / self.temperature, axis=1),
            ) * self.temperature ** 2
            loss = self.alpha * student_loss + (1 - self.alpha) * distill_loss
        grads = tape.gradient(loss, self.student.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.student.trainable_variables))
        self.compiled_metrics.update_state(y, student_pred)
        results = {m.name: m.result() for m in self.metrics}
        results.update({"student_loss": student_loss, "distill_loss": distill_loss})
        return results

    def test_step(self, data):
        x, y = data
        pred = self.student(x, training=False)
        loss = self.student_loss_fn(y, pred)
        self.compiled_metrics.update_state(y, pred)
        results = {m.name: m.result() for m in self.metrics}
        results["student_loss"] = loss
        return results

    def call(self, x):
        return self.student(x)


def conv_net(width, name):
    return tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        tf.keras.layers.Conv2D(width, 3, strides=2, padding="same"),
        tf.keras.layers.LeakyReLU(0.2),
        tf.keras.layers.Conv2D(width * 2, 3, strides=2, padding="same"),
        tf.keras.layers.GlobalMaxPooling2D(),
        tf.keras.layers.Dense(10),
    ], name=name)


def main():
    (x, y), (xt, yt) = tf.keras.datasets.mnist.load_data()
    x = (x[..., None] / 255.0).astype("float32")
    xt = (xt[..., None] / 255.0).astype("float32")
    teacher = conv_net(256, "teacher")
    teacher.compile(tf.keras.optimizers.Adam(), tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
    teacher.fit(x, y, epochs=5, batch_size=128)
    student = conv_net(16, "student")
    distiller = Distiller(student, teacher)
    distiller.compile(
        optimizer=tf.keras.optimizers.Adam(),
        metrics=[tf.keras.metrics.SparseCategoricalAccuracy()],
        student_loss_fn=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        distill_loss_fn=tf.keras.losses.KLDivergence(),
        alpha=0.1,
        temperature=10,
    )
    distiller.fit(x, y, epochs=3, batch_size=128)
    print(distiller.evaluate(xt, yt))


if __name__ == "__main__":
    main()
