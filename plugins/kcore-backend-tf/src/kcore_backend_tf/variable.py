"""``TFVariable``: a :class:`kcore.Variable` holding a ``tf.Variable``."""

from __future__ import annotations

import tensorflow as tf

from kcore._variable import Variable
from kcore_backend_tf._utils import convert, tf_dtype

__all__ = ["TFVariable"]


class TFVariable(Variable):
    """A kcore Variable backed by a ``tf.Variable``.

    ``value`` is the ``tf.Variable`` itself, so reads inside a ``tf.GradientTape`` are tracked
    and ``assign`` works inside ``tf.function``. Instances convert to tensors wherever
    TensorFlow expects one (``tf.matmul(variable, x)``).
    """

    def __init__(self, *args, **kwargs):
        # Create state eagerly even when first touched while tracing a graph.
        with tf.init_scope():
            super().__init__(*args, **kwargs)

    def _initialize(self, value):
        self._value = tf.Variable(
            value, trainable=self.trainable, dtype=tf_dtype(self._dtype), name=self.name
        )

    def _convert(self, value, dtype):
        if isinstance(value, Variable):
            value = value.value
        return convert(value, dtype)

    def _direct_assign(self, value):
        self._value.assign(value)

    def numpy(self):
        """The value as a NumPy array."""
        return self.value.numpy()

    def __tf_tensor__(self, dtype=None, name=None):
        return tf.convert_to_tensor(self.value, dtype=dtype, name=name)


def _to_tensor(value, dtype=None, name=None, as_ref=False):
    del as_ref
    return tf.convert_to_tensor(value.value, dtype=dtype, name=name)


tf.register_tensor_conversion_function(TFVariable, _to_tensor)
