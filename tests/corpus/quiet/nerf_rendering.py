"""Tiny NeRF: ray sampling and volume rendering."""
import numpy as np
import tensorflow as tf

N_SAMPLES = 64
NEAR, FAR = 2.0, 6.0
L_EMBED = 6


def posenc(x):
    rets = [x]
    for i in range(L_EMBED):
        for fn in [tf.sin, tf.cos]:
            rets.append(fn(2.0 ** i * x))
    return tf.concat(rets, -1)


def init_model(depth=8, width=256):
    inputs = tf.keras.Input(shape=(3 + 3 * 2 * L_EMBED,))
    x = inputs
    for i in range(depth):
        x = tf.keras.layers.Dense(width, activation="relu")(x)
        if i % 4 == 0 and i > 0:
            x = tf.concat([x, inputs], -1)
    outputs = tf.keras.layers.Dense(4)(x)
    return tf.keras.Model(inputs=inputs, outputs=outputs)


def get_rays(H, W, focal, c2w):
    i, j = tf.meshgrid(tf.range(W, dtype=tf.float32), tf.range(H, dtype=tf.float32), indexing="xy")
    dirs = tf.stack([(i - W * 0.5) / focal, -(j - H * 0.5) / focal, -tf.ones_like(i)], -1)
    rays_d = tf.reduce_sum(dirs[..., np.newaxis, :] * c2w[:3, :3], -1)
    rays_o = tf.broadcast_to(c2w[:3, -1], tf.shape(rays_d))
    return rays_o, rays_d


def render_rays(network_fn, rays_o, rays_d, near, far, n_samples, rand=False):
    z_vals = tf.linspace(near, far, n_samples)
    if rand:
        z_vals += tf.random.uniform(list(rays_o.shape[:-1]) + [n_samples]) * (far - near) / n_samples
    pts = rays_o[..., None, :] + rays_d[..., None, :] * z_vals[..., :, None]
    pts_flat = tf.reshape(pts, [-1, 3])
    raw = network_fn(posenc(pts_flat))
    raw = tf.reshape(raw, list(pts.shape[:-1]) + [4])
    sigma_a = tf.nn.relu(raw[..., 3])
    rgb = tf.math.sigmoid(raw[..., :3])
    dists = tf.concat([z_vals[..., 1:] - z_vals[..., :-1],
                       tf.broadcast_to([1e10], z_vals[..., :1].shape)], -1)
    alpha = 1.0 - tf.exp(-sigma_a * dists)
    weights = alpha * tf.math.cumprod(1.0 - alpha + 1e-10, -1, exclusive=True)
    rgb_map = tf.reduce_sum(weights[..., None] * rgb, -2)
    depth_map = tf.reduce_sum(weights * z_vals, -1)
    acc_map = tf.reduce_sum(weights, -1)
    return rgb_map, depth_map, acc_map


model = init_model()
optimizer = tf.keras.optimizers.Adam(5e-4)


@tf.function
def train_step(target, pose, H, W, focal):
    rays_o, rays_d = get_rays(H, W, focal, pose)
    with tf.GradientTape() as tape:
        rgb, _, _ = render_rays(model, rays_o, rays_d, NEAR, FAR, N_SAMPLES, rand=True)
        loss = tf.reduce_mean(tf.square(rgb - target))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


@tf.function
def render_image(pose, H, W, focal):
    rays_o, rays_d = get_rays(H, W, focal, pose)
    rgb, depth, _ = render_rays(model, rays_o, rays_d, NEAR, FAR, N_SAMPLES)
    return rgb, depth


def psnr(mse):
    return -10.0 * np.log10(mse)


def main():
    data = np.load("tiny_nerf_data.npz")
    images, poses, focal = data["images"], data["poses"], float(data["focal"])
    H, W = images.shape[1:3]
    test_img, test_pose = images[101], poses[101]
    images, poses = images[:100, ..., :3], poses[:100]
    for i in range(1000):
        idx = np.random.randint(images.shape[0])
        loss = train_step(images[idx], poses[idx], H, W, focal)
        if i % 25 == 0:
            rgb, _ = render_image(test_pose, H, W, focal)
            mse = tf.reduce_mean(tf.square(rgb - test_img[..., :3])).numpy()
            print(i, float(loss), psnr(mse))


if __name__ == "__main__":
    main()
