# A valid lattice of classes, each deriving from every class one layer
# down: the number of paths to the root grows as 6**8, the number of
# classes as 6*9, and the analysis must take time in the latter.
import tensorflow as tf


class C0_0(tf.Module):
    pass


class C0_1(tf.Module):
    pass


class C0_2(tf.Module):
    pass


class C0_3(tf.Module):
    pass


class C0_4(tf.Module):
    pass


class C0_5(tf.Module):
    pass


class C1_0(C0_0, C0_1, C0_2, C0_3, C0_4, C0_5):
    pass


class C1_1(C0_0, C0_1, C0_2, C0_3, C0_4, C0_5):
    pass


class C1_2(C0_0, C0_1, C0_2, C0_3, C0_4, C0_5):
    pass


class C1_3(C0_0, C0_1, C0_2, C0_3, C0_4, C0_5):
    pass


class C1_4(C0_0, C0_1, C0_2, C0_3, C0_4, C0_5):
    pass


class C1_5(C0_0, C0_1, C0_2, C0_3, C0_4, C0_5):
    pass


class C2_0(C1_0, C1_1, C1_2, C1_3, C1_4, C1_5):
    pass


class C2_1(C1_0, C1_1, C1_2, C1_3, C1_4, C1_5):
    pass


class C2_2(C1_0, C1_1, C1_2, C1_3, C1_4, C1_5):
    pass


class C2_3(C1_0, C1_1, C1_2, C1_3, C1_4, C1_5):
    pass


class C2_4(C1_0, C1_1, C1_2, C1_3, C1_4, C1_5):
    pass


class C2_5(C1_0, C1_1, C1_2, C1_3, C1_4, C1_5):
    pass


class C3_0(C2_0, C2_1, C2_2, C2_3, C2_4, C2_5):
    pass


class C3_1(C2_0, C2_1, C2_2, C2_3, C2_4, C2_5):
    pass


class C3_2(C2_0, C2_1, C2_2, C2_3, C2_4, C2_5):
    pass


class C3_3(C2_0, C2_1, C2_2, C2_3, C2_4, C2_5):
    pass


class C3_4(C2_0, C2_1, C2_2, C2_3, C2_4, C2_5):
    pass


class C3_5(C2_0, C2_1, C2_2, C2_3, C2_4, C2_5):
    pass


class C4_0(C3_0, C3_1, C3_2, C3_3, C3_4, C3_5):
    pass


class C4_1(C3_0, C3_1, C3_2, C3_3, C3_4, C3_5):
    pass


class C4_2(C3_0, C3_1, C3_2, C3_3, C3_4, C3_5):
    pass


class C4_3(C3_0, C3_1, C3_2, C3_3, C3_4, C3_5):
    pass


class C4_4(C3_0, C3_1, C3_2, C3_3, C3_4, C3_5):
    pass


class C4_5(C3_0, C3_1, C3_2, C3_3, C3_4, C3_5):
    pass


class C5_0(C4_0, C4_1, C4_2, C4_3, C4_4, C4_5):
    pass


class C5_1(C4_0, C4_1, C4_2, C4_3, C4_4, C4_5):
    pass


class C5_2(C4_0, C4_1, C4_2, C4_3, C4_4, C4_5):
    pass


class C5_3(C4_0, C4_1, C4_2, C4_3, C4_4, C4_5):
    pass


class C5_4(C4_0, C4_1, C4_2, C4_3, C4_4, C4_5):
    pass


class C5_5(C4_0, C4_1, C4_2, C4_3, C4_4, C4_5):
    pass


class C6_0(C5_0, C5_1, C5_2, C5_3, C5_4, C5_5):
    pass


class C6_1(C5_0, C5_1, C5_2, C5_3, C5_4, C5_5):
    pass


class C6_2(C5_0, C5_1, C5_2, C5_3, C5_4, C5_5):
    pass


class C6_3(C5_0, C5_1, C5_2, C5_3, C5_4, C5_5):
    pass


class C6_4(C5_0, C5_1, C5_2, C5_3, C5_4, C5_5):
    pass


class C6_5(C5_0, C5_1, C5_2, C5_3, C5_4, C5_5):
    pass


class C7_0(C6_0, C6_1, C6_2, C6_3, C6_4, C6_5):
    pass


class C7_1(C6_0, C6_1, C6_2, C6_3, C6_4, C6_5):
    pass


class C7_2(C6_0, C6_1, C6_2, C6_3, C6_4, C6_5):
    pass


class C7_3(C6_0, C6_1, C6_2, C6_3, C6_4, C6_5):
    pass


class C7_4(C6_0, C6_1, C6_2, C6_3, C6_4, C6_5):
    pass


class C7_5(C6_0, C6_1, C6_2, C6_3, C6_4, C6_5):
    pass


class C8_0(C7_0, C7_1, C7_2, C7_3, C7_4, C7_5):
    pass


class C8_1(C7_0, C7_1, C7_2, C7_3, C7_4, C7_5):
    pass


class C8_2(C7_0, C7_1, C7_2, C7_3, C7_4, C7_5):
    pass


class C8_3(C7_0, C7_1, C7_2, C7_3, C7_4, C7_5):
    pass


class C8_4(C7_0, C7_1, C7_2, C7_3, C7_4, C7_5):
    pass


class C8_5(C7_0, C7_1, C7_2, C7_3, C7_4, C7_5):
    pass


x = C8_0()


@tf.function
def step(t):
    return x(t) + x.missing(t)


for i in range(3):
    mod = C8_0()
    f = tf.function(lambda t: mod(t))
    f(i)
