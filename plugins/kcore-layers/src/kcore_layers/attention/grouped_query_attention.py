"""``GroupedQueryAttention`` (alias ``GroupQueryAttention``): attention with shared key/value heads."""

from __future__ import annotations

import math

from kcore import KerasTensor, ops
from kcore_layers.attention.base_attention import (
    BaseMultiHeadAttention,
    causal_mask,
    masked_softmax,
    positive_int,
)
from kcore_layers.core.einsum_dense import EinsumDense

__all__ = ["GroupedQueryAttention"]


class GroupedQueryAttention(BaseMultiHeadAttention):
    """Grouped-query attention (Ainslie et al., 2023).

    The query is projected to ``num_query_heads`` heads, key and value to
    ``num_key_value_heads`` heads each shared by ``num_query_heads // num_key_value_heads``
    query heads (``num_key_value_heads=1`` is multi-query attention; equal counts are
    multi-head attention). Sublayers (Keras's names and weight order): ``query``, ``key``,
    [``gate``], ``value``, ``attention_output``.

    Args:
        head_dim: the size of each attention head.
        num_query_heads: the number of query heads.
        num_key_value_heads: the number of key and value heads; must divide
            ``num_query_heads``.
        dropout: dropout rate on the attention distribution (training only).
        use_bias: whether the projections have biases.
        sliding_window: if set, query ``i`` only attends to keys ``j`` with
            ``|i - j| < sliding_window``.
        flash_attention: passed to ``kcore.ops.dot_product_attention`` (``None``: the backend
            decides).
        kernel_initializer: initializer of the projection kernels.
        bias_initializer: initializer of the projection biases.
        kernel_regularizer: regularizer of the projection kernels.
        bias_regularizer: regularizer of the projection biases.
        activity_regularizer: regularizer of each projection's output.
        kernel_constraint: constraint on the projection kernels.
        bias_constraint: constraint on the projection biases.
        use_gate: add a sigmoid ``gate`` projection of the query multiplying the heads' outputs.
        seed: an int making the dropout reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        query: ``(B, T, dim)``.
        value: ``(B, S, dim_v)``.
        key: ``(B, S, dim_k)``; the value when omitted.
        query_mask, value_mask, key_mask: boolean ``(B, T)`` / ``(B, S)`` masks (from the
            inputs' masks in a Functional model).
        attention_mask: boolean ``(B, T, S)`` (broadcastable), True where attention is allowed.
        return_attention_scores: also return the scores ``(B, num_query_heads, T, S)``.
        training: whether to apply the dropout.
        use_causal_mask: forbid query ``i`` from attending to keys ``j > i``.

    Output shape:
        ``(B, T, dim)``, plus the scores when asked for.

    Example::

        x = kcore.Input(shape=(8, 16))
        layer = kcore.layers.GroupedQueryAttention(
            head_dim=4, num_query_heads=4, num_key_value_heads=2
        )
        y = layer(x, x)  # (None, 8, 16)
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
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
        head_dim = positive_int(cls, "head_dim", head_dim)
        num_query_heads = positive_int(cls, "num_query_heads", num_query_heads)
        num_key_value_heads = positive_int(cls, "num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}"
            )
        super().__init__(
            dropout=dropout,
            use_bias=use_bias,
            sliding_window=sliding_window,
            flash_attention=flash_attention,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            use_gate=use_gate,
            seed=seed,
            **kwargs,
        )
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))

    # -- building --------------------------------------------------------------------------------
    def _projection(self, equation, heads, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            output_shape=(None, heads, self.head_dim),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = None if key_shape is None else tuple(key_shape)
        for label, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if shape is not None and len(shape) != 3:
                raise ValueError(
                    f"{type(self).__name__}: `{label}` must be 3D (batch, sequence, features). "
                    f"Received: {label}_shape={shape}"
                )
        self._check_key_value_shapes(value_shape, key_shape or value_shape)
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self._key_dense.build(key_shape or value_shape)
        if self._use_gate:
            self._gate_dense = self._projection(
                "bqm,muh->bquh", self.num_query_heads, "uh", "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(
            "bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value"
        )
        self._value_dense.build(value_shape)
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, query_shape[-1]),
            bias_axes="m" if self._use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self._output_dense.build((*query_shape[:-1], self.num_query_heads, self.head_dim))
        self._record_build_shapes(query_shape, value_shape, key_shape)
        self.built = True

    # -- computing -------------------------------------------------------------------------------
    def _attention_overridden(self) -> bool:
        return type(self)._compute_attention is not GroupedQueryAttention._compute_attention

    def _attend(self, query, key, value, mask, training, return_scores, causal_only):
        self._return_attention_scores = return_scores  # Keras's protocol for subclasses
        if self._attention_overridden():  # Keras hands custom code repeated key/value heads
            key = ops.repeat(key, self.num_repeats, axis=2)
            value = ops.repeat(value, self.num_repeats, axis=2)
        extra = {"use_causal_mask": True} if causal_only else {}
        return self._compute_attention(
            query, key, value, attention_mask=mask, training=training, **extra
        )

    def _compute_attention(
        self, query, key, value, attention_mask=None, training=None, use_causal_mask=False
    ):
        """Attention of the projected query ``(B, T, num_query_heads, head_dim)`` over key and
        value with ``num_key_value_heads`` (or already repeated) heads.

        Keras's customization point: returns ``(outputs, scores or None)``. The fused op
        shares each key/value head across its query heads itself; the einsum path repeats them.
        """
        return_scores = getattr(self, "_return_attention_scores", False)
        if self._use_fused(4, return_scores):
            outputs = self._fused_attention(
                query, key, value, attention_mask, self._inverse_sqrt_head_dim, use_causal_mask
            )
            return outputs, None
        if use_causal_mask:
            causal = causal_mask(ops.shape(query)[1], ops.shape(key)[1])
            attention_mask = (
                causal
                if attention_mask is None
                else ops.logical_and(ops.cast(attention_mask, "bool"), causal)
            )
        repeats = self.num_query_heads // ops.shape(key)[2]
        if repeats > 1:
            key = ops.repeat(key, repeats, axis=2)
            value = ops.repeat(value, repeats, axis=2)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, ops.dtype(query)))
        scores = ops.einsum("bquh,bkuh->buqk", query, key)
        scores = self._masked_softmax(scores, attention_mask)
        outputs = ops.einsum("buqk,bkuh->bquh", self._drop(scores, training), value)
        return outputs, scores

    def _masked_softmax(self, scores, attention_mask=None):
        """Softmax over the keys; the ``(B, T, S)`` mask gains the head axis."""
        if attention_mask is not None:
            attention_mask = self._expand_mask(attention_mask, 4, -3)
        return masked_softmax(scores, attention_mask, (-1,))

    # -- shapes ----------------------------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        value_shape = tuple(value_shape)
        self._check_key_value_shapes(value_shape, value_shape if key_shape is None else key_shape)
        return tuple(query_shape)

    def compute_output_spec(
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
        shape = self.compute_output_shape(
            query.shape, value.shape, None if key is None else key.shape
        )
        output = KerasTensor(shape, self.compute_dtype)
        if not return_attention_scores:
            return output
        source = value if key is None else key
        scores_shape = (query.shape[0], self.num_query_heads, query.shape[1], source.shape[1])
        return output, KerasTensor(scores_shape, self.compute_dtype)

    def get_config(self):
        config = {
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "sliding_window": self._sliding_window,
            "dropout": self._dropout,
            **self._common_config(),
        }
        return {**super().get_config(), **config}
