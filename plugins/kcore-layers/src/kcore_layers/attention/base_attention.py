"""Private base of MultiHeadAttention and GroupedQueryAttention, and shared mask helpers.

It holds what both layers share: argument checks, the keyword arguments of their
``EinsumDense`` projections, the attention mask built from the inputs' masks (query, value,
key, causal, sliding window and the explicit ``attention_mask``), the masked softmax, the
dropout on the attention distribution, and Keras's ``build_config`` (``shapes_dict``), so a layer
rebuilt from a serialized config builds its projections before weights are loaded.
"""

from __future__ import annotations

from kcore import Layer, ops, random
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve

__all__ = [
    "BaseMultiHeadAttention",
    "causal_mask",
    "masked_softmax",
    "positive_int",
    "positive_int_or_none",
    "sliding_window_mask",
]


def causal_mask(query_length, key_length):
    """``(1, T, S)`` boolean lower-triangular mask: query ``i`` sees keys ``j <= i``."""
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), -1)
    cols = ops.expand_dims(ops.arange(key_length, dtype="int32"), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)


def sliding_window_mask(query_length, key_length, window):
    """``(1, T, S)`` boolean band: query ``i`` sees keys ``j`` with ``|i - j| < window``."""
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), -1)
    cols = ops.expand_dims(ops.arange(key_length, dtype="int32"), 0)
    return ops.expand_dims(ops.less(ops.abs(ops.subtract(rows, cols)), window), 0)


def masked_softmax(scores, mask, axes):
    """Softmax over ``axes`` where ``mask`` (broadcastable, True = attend) is True.

    Masked positions get ``-1e9`` (``-3e4`` in float16) before the softmax and exactly 0 after
    it, so a row whose every position is masked is all zeros (Keras's ``Softmax`` layer).
    """
    if mask is not None:
        if ops.dtype(mask) != "bool":
            mask = ops.greater(mask, 0.5)
        big = -3e4 if ops.dtype(scores) == "float16" else -1e9
        scores = ops.where(mask, scores, ops.cast(big, ops.dtype(scores)))
    if len(axes) == 1:
        probs = ops.softmax(scores, axis=axes[0])
    else:
        probs = ops.exp(ops.subtract(scores, ops.logsumexp(scores, axis=axes, keepdims=True)))
    if mask is not None:
        probs = ops.where(mask, probs, ops.zeros_like(probs))
    return probs


def _static_shape(x):
    return tuple(None if d is None else int(d) for d in x.shape)


def positive_int_or_none(layer, name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(
            f"{layer}: `{name}` must be `None` or a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def positive_int(layer, name, value):
    """``value`` as an int, or a ``ValueError`` saying a positive integer was expected."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a positive integer. "
            f"Received: {name}={value!r}"
        )
    return int(value)


class BaseMultiHeadAttention(Layer):
    """Shared machinery of the multi-head attention layers (not a layer to use directly).

    Subclasses validate their head arguments, then call ``super().__init__`` with the common
    ones; they build their ``EinsumDense`` projections in ``build`` with
    :meth:`_sublayer_kwargs` and record the build shapes with :meth:`_record_build_shapes`.
    """

    def __init__(
        self,
        dropout=0.0,
        use_bias=True,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        cls = type(self).__name__
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)):
            raise ValueError(f"{cls}: `dropout` must be a float. Received: dropout={dropout!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"{cls}: `dropout` must be in [0, 1). Received: dropout={dropout!r}")
        sliding_window = positive_int_or_none(cls, "sliding_window", sliding_window)
        if flash_attention is not None and not isinstance(flash_attention, bool):
            raise ValueError(
                f"{cls}: `flash_attention` must be None, True or False. "
                f"Received: flash_attention={flash_attention!r}"
            )
        if flash_attention and dropout > 0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout "
                "to 0.0 to use flash attention."
            )
        if seed is not None and (isinstance(seed, bool) or not hasattr(seed, "__index__")):
            raise ValueError(f"{cls}: `seed` must be an int or None. Received: seed={seed!r}")
        kernel_initializer = _resolve.initializer(kernel_initializer, "kernel_initializer")
        bias_initializer = _resolve.initializer(bias_initializer, "bias_initializer")
        kernel_regularizer = _resolve.regularizer(kernel_regularizer, "kernel_regularizer")
        bias_regularizer = _resolve.regularizer(bias_regularizer, "bias_regularizer")
        activity_regularizer = _resolve.regularizer(activity_regularizer, "activity_regularizer")
        kernel_constraint = _resolve.constraint(kernel_constraint, "kernel_constraint")
        bias_constraint = _resolve.constraint(bias_constraint, "bias_constraint")
        super().__init__(**kwargs)
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer
        self._kernel_regularizer = kernel_regularizer
        self._bias_regularizer = bias_regularizer
        # As in Keras, the activity regularizer applies to each projection's output.
        self._projection_activity_regularizer = activity_regularizer
        self._kernel_constraint = kernel_constraint
        self._bias_constraint = bias_constraint
        self.seed = seed
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self._build_shapes = None

    @property
    def dropout(self):
        return self._dropout

    @property
    def use_bias(self):
        return self._use_bias

    @property
    def use_gate(self):
        return self._use_gate

    @property
    def sliding_window(self):
        return self._sliding_window

    # -- building --------------------------------------------------------------------------------
    def _sublayer_kwargs(self):
        """Keyword arguments of every projection; initializers are fresh copies per layer."""

        def fresh(initializer):
            if hasattr(initializer, "get_config") and hasattr(type(initializer), "from_config"):
                return type(initializer).from_config(initializer.get_config())
            return initializer

        return {
            "kernel_initializer": fresh(self._kernel_initializer),
            "bias_initializer": fresh(self._bias_initializer),
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._projection_activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype_policy,
        }

    def _check_key_value_shapes(self, value_shape, key_shape):
        value_dims, key_dims = tuple(value_shape)[1:-1], tuple(key_shape)[1:-1]
        if len(value_dims) != len(key_dims) or any(
            v is not None and k is not None and v != k for v, k in zip(value_dims, key_dims)
        ):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
            )

    def _record_build_shapes(self, query_shape, value_shape, key_shape):
        shapes = {"query_shape": tuple(query_shape), "value_shape": tuple(value_shape)}
        if key_shape is not None:
            shapes["key_shape"] = tuple(key_shape)
        self._build_shapes = shapes

    def get_build_config(self):
        """Keras's ``build_config``: the shapes ``build`` was called with."""
        if self._build_shapes is None:
            return None
        return {"shapes_dict": dict(self._build_shapes)}

    def build_from_config(self, config):
        """Build from :meth:`get_build_config` output (Keras's ``shapes_dict`` format)."""
        shapes = (config or {}).get("shapes_dict")
        if shapes and not self.built:
            self.build(**{k: None if v is None else tuple(v) for k, v in shapes.items()})
            self.built = True

    # -- computing -------------------------------------------------------------------------------
    def _attention_mask(
        self,
        query,
        value,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        use_causal_mask=False,
    ):
        """The boolean mask ``(B or 1, T, S)`` of allowed attention, or ``None``.

        ANDs the query mask (``(B, T)`` -> ``(B, T, 1)``), the value and key masks
        (``(B, S)`` -> ``(B, 1, S)``), the causal mask, the sliding window and
        ``attention_mask``.
        """
        masks = []
        if query_mask is not None:
            masks.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
        for mask in (value_mask, key_mask):
            if mask is not None:
                masks.append(ops.expand_dims(ops.cast(mask, "bool"), -2))
        if use_causal_mask:
            masks.append(causal_mask(ops.shape(query)[1], ops.shape(value)[1]))
        if self._sliding_window is not None:
            masks.append(
                sliding_window_mask(ops.shape(query)[1], ops.shape(value)[1], self._sliding_window)
            )
        if attention_mask is not None:
            masks.insert(0, ops.cast(attention_mask, "bool"))
        if not masks:
            return None
        combined = masks[0]
        for mask in masks[1:]:
            combined = ops.logical_and(combined, mask)
        return combined

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        self._check_call_inputs(query, value, key)
        masks = {
            "query_mask": query_mask,
            "value_mask": value_mask,
            "key_mask": key_mask,
            "attention_mask": attention_mask,
        }
        # A causal mask alone goes to the fused kernel as `is_causal` (no (T, S) tensor), unless
        # a subclass computes attention its own way and expects the mask.
        causal_only = (
            bool(use_causal_mask)
            and self._sliding_window is None
            and all(m is None for m in masks.values())
            and not self._attention_overridden()
        )
        mask = None
        if not causal_only:
            mask = self._attention_mask(query, value, use_causal_mask=use_causal_mask, **masks)
        gate = self._gate_dense(query) if self._use_gate else None
        projected_query = self._query_dense(query)
        projected_key = self._key_dense(value if key is None else key)
        projected_value = self._value_dense(value)
        outputs, scores = self._attend(
            projected_query,
            projected_key,
            projected_value,
            mask,
            training,
            bool(return_attention_scores),
            causal_only,
        )
        if gate is not None:
            outputs = ops.multiply(outputs, gate)
        outputs = self._output_dense(outputs)
        if return_attention_scores:
            return outputs, scores
        return outputs

    def _attention_overridden(self) -> bool:
        """Whether a subclass replaced ``_compute_attention`` (Keras's customization point)."""
        raise NotImplementedError

    def _attend(self, query, key, value, mask, training, return_scores, causal_only):
        """``(outputs, scores or None)`` of the projected tensors; subclasses implement it."""
        raise NotImplementedError

    def _fused_attention(self, query, key, value, mask, scale, causal_only):
        """``ops.dot_product_attention`` on ``(B, T, heads, dim)`` tensors."""
        if mask is not None:
            mask = self._expand_mask(mask, 4, -3)
        return ops.dot_product_attention(
            query,
            key,
            value,
            mask=mask,
            scale=scale,
            is_causal=bool(causal_only),
            flash_attention=self._flash_attention,
        )

    def _expand_mask(self, mask, rank, axis):
        """``mask`` with size-1 axes inserted at ``axis`` until it has ``rank`` dims."""
        for _ in range(rank - len(ops.shape(mask))):
            mask = ops.expand_dims(mask, axis)
        return mask

    def _drop(self, probs, training):
        if training and self._dropout > 0:
            return random.dropout(probs, self._dropout, seed=self.seed_generator)
        return probs

    def _use_fused(self, projected_rank, return_attention_scores):
        """Whether ``ops.dot_product_attention`` computes this call (Keras's rule)."""
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. "
                "Please disable flash attention to access attention scores."
            )
        return not (self._dropout > 0 or return_attention_scores or projected_rank != 4)

    def _check_call_inputs(self, query, value, key):
        if query is None or value is None:
            raise ValueError(
                f'Layer "{self.name}" ({type(self).__name__}) expects `query` and `value` '
                f"tensors. Received: query={query!r}, value={value!r}"
            )
        if key is not None:
            self._check_key_value_shapes(_static_shape(value), _static_shape(key))

    # -- config ----------------------------------------------------------------------------------
    def _common_config(self):
        return {
            "kernel_initializer": serialize_keras_object(self._kernel_initializer),
            "bias_initializer": serialize_keras_object(self._bias_initializer),
            "kernel_regularizer": serialize_keras_object(self._kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self._bias_regularizer),
            "activity_regularizer": serialize_keras_object(self._projection_activity_regularizer),
            "kernel_constraint": serialize_keras_object(self._kernel_constraint),
            "bias_constraint": serialize_keras_object(self._bias_constraint),
            "seed": self.seed,
        }
