# A lattice of 7 classes per level over 9 levels, each deriving from
# every class one level down (7**8 paths to a root class): every walk
# over the bases must take time in the classes, not the paths.
import tensorflow as tf


class K0_0(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K0_1(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K0_2(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K0_3(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K0_4(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K0_5(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K0_6(tf.keras.Model):
    @tf.function
    def call(self, x):
        return x

class K1_0(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K1_1(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K1_2(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K1_3(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K1_4(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K1_5(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K1_6(K0_0, K0_1, K0_2, K0_3, K0_4, K0_5, K0_6):
    pass

class K2_0(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K2_1(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K2_2(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K2_3(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K2_4(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K2_5(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K2_6(K1_0, K1_1, K1_2, K1_3, K1_4, K1_5, K1_6):
    pass

class K3_0(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K3_1(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K3_2(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K3_3(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K3_4(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K3_5(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K3_6(K2_0, K2_1, K2_2, K2_3, K2_4, K2_5, K2_6):
    pass

class K4_0(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K4_1(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K4_2(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K4_3(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K4_4(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K4_5(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K4_6(K3_0, K3_1, K3_2, K3_3, K3_4, K3_5, K3_6):
    pass

class K5_0(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K5_1(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K5_2(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K5_3(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K5_4(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K5_5(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K5_6(K4_0, K4_1, K4_2, K4_3, K4_4, K4_5, K4_6):
    pass

class K6_0(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K6_1(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K6_2(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K6_3(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K6_4(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K6_5(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K6_6(K5_0, K5_1, K5_2, K5_3, K5_4, K5_5, K5_6):
    pass

class K7_0(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K7_1(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K7_2(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K7_3(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K7_4(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K7_5(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K7_6(K6_0, K6_1, K6_2, K6_3, K6_4, K6_5, K6_6):
    pass

class K8_0(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass

class K8_1(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass

class K8_2(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass

class K8_3(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass

class K8_4(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass

class K8_5(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass

class K8_6(K7_0, K7_1, K7_2, K7_3, K7_4, K7_5, K7_6):
    pass


model = K8_0()
model.compile(optimizer="adam", loss="mse", jit_compile=True)
model.fit(tf.zeros([4, 2]), tf.zeros([4, 1]))
for i in range(3):
    model.predict(tf.zeros([1, 2]))
    model.missing(i)
print(model.trainable_variables)
class L0_0(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L0_1(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L0_2(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L0_3(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L0_4(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L0_5(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L0_6(tf.keras.layers.Layer):
    def build(self, shape):
        pass

class L1_0(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L1_1(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L1_2(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L1_3(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L1_4(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L1_5(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L1_6(L0_0, L0_1, L0_2, L0_3, L0_4, L0_5, L0_6):
    pass

class L2_0(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L2_1(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L2_2(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L2_3(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L2_4(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L2_5(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L2_6(L1_0, L1_1, L1_2, L1_3, L1_4, L1_5, L1_6):
    pass

class L3_0(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L3_1(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L3_2(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L3_3(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L3_4(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L3_5(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L3_6(L2_0, L2_1, L2_2, L2_3, L2_4, L2_5, L2_6):
    pass

class L4_0(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L4_1(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L4_2(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L4_3(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L4_4(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L4_5(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L4_6(L3_0, L3_1, L3_2, L3_3, L3_4, L3_5, L3_6):
    pass

class L5_0(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L5_1(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L5_2(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L5_3(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L5_4(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L5_5(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L5_6(L4_0, L4_1, L4_2, L4_3, L4_4, L4_5, L4_6):
    pass

class L6_0(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L6_1(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L6_2(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L6_3(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L6_4(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L6_5(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L6_6(L5_0, L5_1, L5_2, L5_3, L5_4, L5_5, L5_6):
    pass

class L7_0(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L7_1(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L7_2(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L7_3(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L7_4(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L7_5(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L7_6(L6_0, L6_1, L6_2, L6_3, L6_4, L6_5, L6_6):
    pass

class L8_0(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass

class L8_1(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass

class L8_2(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass

class L8_3(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass

class L8_4(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass

class L8_5(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass

class L8_6(L7_0, L7_1, L7_2, L7_3, L7_4, L7_5, L7_6):
    pass


layer = L8_0()
for i in range(3):
    layer.predict(i)
    layer.compile(jit_compile=True)
print(layer.trainable_variables)
