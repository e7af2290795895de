"""Physics-informed network for the 1-D viscous Burgers equation."""
import numpy as np
import tensorflow as tf

NU = 0.01 / np.pi
N_COLLOC = 10000


def build_net(layers=(20, 20, 20, 20)):
    inp = tf.keras.Input((2,))
    h = inp
    for width in layers:
        h = tf.keras.layers.Dense(width, activation="tanh",
                                  kernel_initializer="glorot_normal")(h)
    out = tf.keras.layers.Dense(1)(h)
    return tf.keras.Model(inp, out)


net = build_net()
optimizer = tf.keras.optimizers.Adam(1e-3)


def residual(tx):
    t = tx[:, 0:1]
    x = tx[:, 1:2]
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(t)
            inner.watch(x)
            u = net(tf.concat([t, x], axis=1))
        u_t = inner.gradient(u, t)
        u_x = inner.gradient(u, x)
    u_xx = outer.gradient(u_x, x)
    del inner, outer
    return u_t + u * u_x - NU * u_xx


@tf.function
def train_step(tx_colloc, tx_bc, u_bc, w_pde):
    with tf.GradientTape() as tape:
        f = residual(tx_colloc)
        loss_pde = tf.reduce_mean(tf.square(f))
        loss_bc = tf.reduce_mean(tf.square(net(tx_bc) - u_bc))
        loss = w_pde * loss_pde + loss_bc
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return loss, loss_pde, loss_bc


def boundary_data(n=200):
    t0 = np.zeros((n, 1))
    x0 = np.random.uniform(-1, 1, (n, 1))
    u0 = -np.sin(np.pi * x0)
    tb = np.random.uniform(0, 1, (n, 1))
    xb = np.where(np.random.rand(n, 1) < 0.5, -1.0, 1.0)
    ub = np.zeros((n, 1))
    tx = np.vstack([np.hstack([t0, x0]), np.hstack([tb, xb])]).astype("float32")
    u = np.vstack([u0, ub]).astype("float32")
    return tf.constant(tx), tf.constant(u)


def main():
    tx_bc, u_bc = boundary_data()
    colloc = np.random.uniform([0, -1], [1, 1], (N_COLLOC, 2)).astype("float32")
    colloc = tf.constant(colloc)
    w_pde = 1.0
    for it in range(5000):
        if it == 2000:
            w_pde = 10.0
        loss, lp, lb = train_step(colloc, tx_bc, u_bc, w_pde)
        if it % 500 == 0:
            print(it, float(loss), float(lp), float(lb))
    net.save_weights("pinn.weights.h5")


if __name__ == "__main__":
    main()
