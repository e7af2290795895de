# A lattice of 7 classes per level over 9 levels, each deriving from
# every class one level down (7**8 paths to a root class): every walk
# over the bases must take time in the classes, not the paths.
import tensorflow as tf


class T0_0(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T0_1(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T0_2(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T0_3(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T0_4(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T0_5(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T0_6(tf.test.TestCase):
    def setUp(self):
        tf.config.run_functions_eagerly(True)

class T1_0(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T1_1(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T1_2(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T1_3(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T1_4(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T1_5(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T1_6(T0_0, T0_1, T0_2, T0_3, T0_4, T0_5, T0_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_0(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_1(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_2(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_3(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_4(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_5(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T2_6(T1_0, T1_1, T1_2, T1_3, T1_4, T1_5, T1_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_0(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_1(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_2(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_3(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_4(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_5(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T3_6(T2_0, T2_1, T2_2, T2_3, T2_4, T2_5, T2_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_0(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_1(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_2(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_3(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_4(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_5(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T4_6(T3_0, T3_1, T3_2, T3_3, T3_4, T3_5, T3_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_0(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_1(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_2(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_3(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_4(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_5(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T5_6(T4_0, T4_1, T4_2, T4_3, T4_4, T4_5, T4_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_0(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_1(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_2(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_3(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_4(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_5(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T6_6(T5_0, T5_1, T5_2, T5_3, T5_4, T5_5, T5_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_0(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_1(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_2(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_3(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_4(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_5(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T7_6(T6_0, T6_1, T6_2, T6_3, T6_4, T6_5, T6_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_0(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_1(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_2(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_3(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_4(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_5(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

class T8_6(T7_0, T7_1, T7_2, T7_3, T7_4, T7_5, T7_6):
    def test_it(self):
        tf.config.run_functions_eagerly(True)

