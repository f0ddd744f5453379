"""``Embedding``: maps integer indices to dense vectors."""

from __future__ import annotations

import warnings

from kcore import Layer, ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._validation import positive_int

__all__ = ["Embedding"]


class Embedding(Layer):
    """Turns non-negative integers (indices) into dense vectors of fixed size.

    ``[[4], [20]] -> [[[0.25, 0.1]], [[0.6, -0.2]]]``: row ``i`` of the ``embeddings`` matrix
    is the vector of index ``i``.

    Args:
        input_dim: the vocabulary size (largest index + 1).
        output_dim: the size of each vector.
        embeddings_initializer: initializer of ``embeddings``. Defaults to ``"uniform"``
            (``RandomUniform(-0.05, 0.05)``).
        embeddings_regularizer: regularizer of ``embeddings``.
        embeddings_constraint: constraint on ``embeddings``.
        mask_zero: whether index 0 is padding to be masked downstream (then ``input_dim``
            should be the vocabulary size + 1).
        weights: optional initial ``embeddings`` (an array ``(input_dim, output_dim)`` or a
            one-element list of it); the layer is built at once.
        lora_rank: Keras's LoRA option; not supported yet (must be ``None``).
        lora_alpha: Keras's LoRA scale; not supported yet (must be ``None``).
        quantization_config: Keras's quantization option; not supported yet (must be ``None``).
        **kwargs: base layer arguments. ``input_length`` is accepted and ignored with a
            warning, like Keras 3.

    Input shape:
        Integer tensor of any shape ``(batch_size, ...)``; floats are cast to int32.

    Output shape:
        ``(batch_size, ..., output_dim)``.

    Example::

        layer = kcore.layers.Embedding(1000, 64, mask_zero=True)
        vectors = layer(np.array([[1, 2, 0]]))  # shape (1, 3, 64)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        input_dim = positive_int(input_dim, "input_dim")
        output_dim = positive_int(output_dim, "output_dim")
        for name, value in (
            ("lora_rank", lora_rank),
            ("lora_alpha", lora_alpha),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise NotImplementedError(
                    f"Embedding: `{name}` is not supported by kcore yet. Received: {name}={value!r}"
                )
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = _resolve.initializer(
            embeddings_initializer, "embeddings_initializer"
        )
        self.embeddings_regularizer = _resolve.regularizer(
            embeddings_regularizer, "embeddings_regularizer"
        )
        self.embeddings_constraint = _resolve.constraint(
            embeddings_constraint, "embeddings_constraint"
        )
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False  # indices must not be cast to the float compute dtype
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs):
        if ops.dtype(inputs) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings.value, inputs, axis=0)
        if self.compute_dtype != self.variable_dtype:
            outputs = ops.cast(outputs, self.compute_dtype)
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize_keras_object(self.embeddings_initializer),
            "embeddings_regularizer": serialize_keras_object(self.embeddings_regularizer),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
            "embeddings_constraint": serialize_keras_object(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
        return {**base_config, **config}
