"""Model Garden style ExportModule with serving signatures."""
import tensorflow as tf

from official.core import export_base
from official.vision.serving import export_base as vision_export_base


class ClassificationExportModule(export_base.ExportModule):
  """Exports a classifier with image-bytes and tensor signatures."""

  def __init__(self, params, model, input_image_size, num_channels=3):
    super().__init__(params, model=model, inference_step=None)
    self._input_image_size = input_image_size
    self._num_channels = num_channels

  def _decode_image(self, encoded):
    image = tf.io.decode_image(encoded, channels=self._num_channels,
                               expand_animations=False)
    image = tf.image.resize(image, self._input_image_size)
    image = tf.cast(image, tf.float32) / 255.0
    image.set_shape(self._input_image_size + [self._num_channels])
    return image

  def serve(self, images):
    logits = self.inference_step(images)
    probs = tf.nn.softmax(logits)
    return {'logits': logits, 'probs': probs,
            'classes': tf.argmax(probs, axis=-1)}

  @tf.function
  def inference_from_image_bytes(self, inputs):
    with tf.device('cpu:0'):
      images = tf.nest.map_structure(
          tf.identity,
          tf.map_fn(self._decode_image, elems=inputs,
                    fn_output_signature=tf.TensorSpec(
                        shape=self._input_image_size + [self._num_channels],
                        dtype=tf.float32),
                    parallel_iterations=32))
    return self.serve(images)

  @tf.function
  def inference_from_tensor(self, images):
    images = tf.cast(images, tf.float32) / 255.0
    return self.serve(images)

  def get_inference_signatures(self, function_keys):
    signatures = {}
    for key, def_name in function_keys.items():
      if key == 'image_tensor':
        spec = tf.TensorSpec(
            shape=[None] + self._input_image_size + [self._num_channels],
            dtype=tf.uint8)
        signatures[def_name] = self.inference_from_tensor.get_concrete_function(
            spec)
      elif key == 'image_bytes':
        spec = tf.TensorSpec(shape=[None], dtype=tf.string)
        signatures[def_name] = (
            self.inference_from_image_bytes.get_concrete_function(spec))
      else:
        raise ValueError('Unrecognized input_type: {}'.format(key))
    return signatures


class SimpleServingModule(tf.Module):

  def __init__(self, model):
    super().__init__()
    self.model = model

  @tf.function(input_signature=[tf.TensorSpec([None, 8], tf.float32)])
  def serve(self, x):
    return {'outputs': self.model(x, training=False)}

  @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
  def describe(self, key):
    table = {'name': 'simple', 'version': '2'}
    return tf.constant(table['name']) + key


def export(model, export_dir):
  module = ClassificationExportModule(params=None, model=model,
                                      input_image_size=[224, 224])
  signatures = module.get_inference_signatures(
      {'image_tensor': 'serving_default', 'image_bytes': 'serve_bytes'})
  tf.saved_model.save(module, export_dir, signatures=signatures)
  simple = SimpleServingModule(tf.keras.Sequential([tf.keras.layers.Dense(2)]))
  tf.saved_model.save(simple, export_dir + '_simple',
                      signatures={'serving_default': simple.serve})
  return export_base.export(module, function_keys=['serving_default'],
                            export_savedmodel_dir=export_dir)
