"""``MultiHeadAttention``: scaled dot-product attention over several projected heads."""

from __future__ import annotations

import math
import string

from kcore import KerasTensor, ops
from kcore_layers.attention.base_attention import (
    BaseMultiHeadAttention,
    causal_mask,
    masked_softmax,
    positive_int,
    positive_int_or_none,
)
from kcore_layers.core.einsum_dense import EinsumDense

__all__ = ["MultiHeadAttention"]


def _projection_equation(free_dims, bound_dims, output_dims):
    """``(equation, bias_axes)`` contracting ``bound_dims`` input axes into ``output_dims``.

    Letters run ``a, b, c...``: the free axes first (kept), then the contracted ones, then the
    new output axes (which also carry the bias). ``(2, 1, 2)`` gives ``"abc,cde->abde"``.
    """
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims : free_dims + bound_dims]
    new = letters[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new


def _attention_equations(rank, attention_axes):
    """Einsum equations of the scores and of the weighted sum for projected ``rank``-D tensors.

    Projected tensors are ``(batch, <other dims>, <attention dims>, heads, channels)``. Scores
    are ``(batch, <other dims>, heads, <query attention dims>, <key attention dims>)``; the
    softmax runs over the last ``len(attention_axes)`` axes.
    """
    letters = string.ascii_lowercase
    target = letters[:rank]
    kept = [i for i in range(rank - 1) if i not in attention_axes]  # includes the heads axis
    source = list(target)
    for n, axis in enumerate(attention_axes):
        source[axis] = letters[rank + n]
    source = "".join(source)
    scores = (
        "".join(target[i] for i in kept)
        + "".join(target[i] for i in attention_axes)
        + "".join(source[i] for i in attention_axes)
    )
    return f"{source},{target}->{scores}", f"{scores},{source}->{target}", len(scores)


class MultiHeadAttention(BaseMultiHeadAttention):
    """Multi-head attention ("Attention is all you need", Vaswani et al., 2017).

    ``query``, ``key`` and ``value`` are each projected to ``num_heads`` heads by
    ``EinsumDense`` sublayers named ``query``, ``key`` and ``value``; each head computes
    ``softmax(q k^T / sqrt(key_dim)) v`` over the attention axes, and the ``attention_output``
    sublayer projects the concatenated heads back to the query's last dim (or ``output_shape``).
    Weights (Keras's order): query kernel/bias, key kernel/bias, [gate kernel/bias], value
    kernel/bias, attention_output kernel/bias.

    Args:
        num_heads: the number of attention heads.
        key_dim: the size of each head for query and key.
        value_dim: the size of each head for value (default: ``key_dim``).
        dropout: dropout rate on the attention distribution (training only).
        use_bias: whether the projections have biases.
        output_shape: the output shape besides the batch and sequence dims (an int or a
            tuple); default: the query's last dim.
        attention_axes: the axes attention runs over (default: every axis but batch, heads
            and features). An int or a tuple.
        sliding_window: if set, query ``i`` only attends to keys ``j`` with
            ``|i - j| < sliding_window``.
        flash_attention: passed to ``kcore.ops.dot_product_attention`` (``None``: the backend
            decides). ``True`` forbids ``dropout`` and ``return_attention_scores``.
        kernel_initializer: initializer of the projection kernels.
        bias_initializer: initializer of the projection biases.
        kernel_regularizer: regularizer of the projection kernels.
        bias_regularizer: regularizer of the projection biases.
        activity_regularizer: regularizer of each projection's output.
        kernel_constraint: constraint on the projection kernels.
        bias_constraint: constraint on the projection biases.
        use_gate: add a sigmoid ``gate`` projection of the query that multiplies the heads'
            outputs before ``attention_output`` (gated attention).
        seed: an int making the dropout reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        query: ``(B, T, dim)``.
        value: ``(B, S, dim)``.
        key: ``(B, S, dim)``; the value when omitted.
        query_mask, value_mask, key_mask: boolean ``(B, T)`` / ``(B, S)`` masks; in a
            Functional model they come from the inputs' masks (e.g. ``Embedding(mask_zero=True)``).
        attention_mask: boolean ``(B, T, S)`` (broadcastable), True where attention is allowed.
        return_attention_scores: also return the attention distribution ``(B, heads, T, S)``.
        training: whether to apply the dropout.
        use_causal_mask: forbid query ``i`` from attending to keys ``j > i``.

    Output shape:
        ``(B, T, dim)`` (or ``(B, T, *output_shape)``), plus the scores when asked for.

    Example::

        x = kcore.Input(shape=(8, 16))
        y = kcore.layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)  # (None, 8, 16)
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
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
        num_heads = positive_int(type(self).__name__, "num_heads", num_heads)
        key_dim = positive_int(type(self).__name__, "key_dim", key_dim)
        value_dim = positive_int_or_none(type(self).__name__, "value_dim", value_dim)
        if output_shape is not None and not isinstance(output_shape, bool):
            if hasattr(output_shape, "__index__"):
                output_shape = (int(output_shape),)
            elif isinstance(output_shape, (list, tuple)) and all(
                hasattr(d, "__index__") and not isinstance(d, bool) and int(d) > 0
                for d in output_shape
            ):
                output_shape = tuple(int(d) for d in output_shape) or None
            else:
                raise ValueError(
                    f"Invalid `output_shape`: {output_shape!r}. When specified, the "
                    "`output_shape` should be a positive int or a tuple/list of them."
                )
        elif isinstance(output_shape, bool):
            raise ValueError(f"Invalid `output_shape`: {output_shape!r}.")
        if attention_axes is not None:
            if hasattr(attention_axes, "__index__") and not isinstance(attention_axes, bool):
                attention_axes = (int(attention_axes),)
            elif isinstance(attention_axes, (list, tuple)) and all(
                hasattr(a, "__index__") and not isinstance(a, bool) for a in attention_axes
            ):
                attention_axes = tuple(int(a) for a in attention_axes)
            else:
                raise ValueError(
                    "`attention_axes` must be an int, list, or tuple. "
                    f"Received: attention_axes={attention_axes!r}"
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
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim or key_dim
        self._output_shape = output_shape
        self._attention_axes = attention_axes  # normalized by build (Keras's config does too)
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))

    @property
    def num_heads(self):
        return self._num_heads

    @property
    def key_dim(self):
        return self._key_dim

    @property
    def value_dim(self):
        return self._value_dim

    @property
    def attention_axes(self):
        return self._attention_axes

    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    # -- building --------------------------------------------------------------------------------
    def _projection(self, rank, heads_dims, name, activation=None):
        equation, bias_axes = _projection_equation(rank - 1, 1, 2)
        return EinsumDense(
            equation,
            output_shape=(None,) * (rank - 2) + tuple(heads_dims),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = None if key_shape is None else tuple(key_shape)
        self._check_key_value_shapes(value_shape, key_shape or value_shape)
        rank = len(query_shape)
        if rank < 3 or len(value_shape) != rank or len(key_shape or value_shape) != rank:
            raise ValueError(
                f"{type(self).__name__}: `query`, `value` and `key` must have the same rank, "
                "at least 3 (batch, <attention dims>, features). Received: "
                f"query_shape={query_shape}, value_shape={value_shape}, key_shape={key_shape}"
            )
        axes = self._normalized_axes(rank)
        heads = self._num_heads
        self._query_dense = self._projection(rank, (heads, self._key_dim), "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(rank, (heads, self._key_dim), "key")
        self._key_dense.build(key_shape or value_shape)
        if self._use_gate:
            self._gate_dense = self._projection(
                rank, (heads, self._value_dim), "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(rank, (heads, self._value_dim), "value")
        self._value_dense.build(value_shape)
        self._attention_axes = axes
        self._dot_product_equation, self._combine_equation, scores_rank = _attention_equations(
            rank + 1, axes
        )
        self._scores_rank = scores_rank
        self._norm_axes = tuple(range(scores_rank - len(axes), scores_rank))
        output_shape = self._output_shape or (query_shape[-1],)
        equation, bias_axes = _projection_equation(rank - 1, 2, len(output_shape))
        self._output_dense = EinsumDense(
            equation,
            output_shape=(None,) * (rank - 2) + tuple(output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self._output_dense.build((*query_shape[:-1], heads, self._value_dim))
        self._record_build_shapes(query_shape, value_shape, key_shape)
        self.built = True

    def _normalized_axes(self, rank):
        """Attention axes as non-negative input axes, each strictly between batch and features."""
        if self._attention_axes is None:
            return tuple(range(1, rank - 1))
        axes = tuple(a if a >= 0 else rank + a for a in self._attention_axes)
        bad = [a for a, n in zip(self._attention_axes, axes) if not 1 <= n <= rank - 2]
        if bad or len(set(axes)) != len(axes):
            raise ValueError(
                f"{type(self).__name__}: `attention_axes` must be distinct axes of the query "
                f"other than the batch (0) and feature ({rank - 1}) axes. Received: "
                f"attention_axes={self._attention_axes} for inputs of rank {rank}"
            )
        return axes

    # -- computing -------------------------------------------------------------------------------
    def _attention_overridden(self) -> bool:
        return type(self)._compute_attention is not MultiHeadAttention._compute_attention

    def _attend(self, query, key, value, mask, training, return_scores, causal_only):
        extra = {"use_causal_mask": True} if causal_only else {}
        return self._compute_attention(query, key, value, mask, training, return_scores, **extra)

    def _compute_attention(
        self,
        query,
        key,
        value,
        attention_mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        """Attention of the projected ``query`` ``(B, T, N, key_dim)``, ``key`` and ``value``.

        Keras's customization point (same signature): returns ``(outputs (B, T, N, value_dim),
        scores or None)``. ``ops.dot_product_attention`` computes it when there is no dropout
        and no scores are asked for (rank-4 projections); einsum + masked softmax otherwise.
        """
        if self._use_fused(len(ops.shape(query)), return_attention_scores):
            outputs = self._fused_attention(
                query, key, value, attention_mask, self._inverse_sqrt_key_dim, use_causal_mask
            )
            return outputs, None
        if use_causal_mask:
            causal = causal_mask(ops.shape(query)[1], ops.shape(key)[1])
            attention_mask = (
                causal
                if attention_mask is None
                else ops.logical_and(ops.cast(attention_mask, "bool"), causal)
            )
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, ops.dtype(query)))
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        outputs = ops.einsum(self._combine_equation, self._drop(scores, training), value)
        return outputs, scores

    def _masked_softmax(self, attention_scores, attention_mask=None):
        """Softmax over the attention axes; the mask gains the head axis (and batch axes)."""
        if attention_mask is not None:
            axis = -len(self._attention_axes) * 2 - 1
            attention_mask = self._expand_mask(attention_mask, self._scores_rank, axis)
        return masked_softmax(attention_scores, attention_mask, self._norm_axes)

    # -- shapes ----------------------------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        self._check_key_value_shapes(value_shape, value_shape if key_shape is None else key_shape)
        if self._output_shape:
            return query_shape[:-1] + self._output_shape
        return query_shape

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
        rank = len(query.shape)
        axes = self._normalized_axes(rank)
        source = value if key is None else key
        kept = [query.shape[i] for i in range(rank - 1) if i not in axes]
        scores_shape = (
            *kept,
            self._num_heads,
            *(query.shape[a] for a in axes),
            *(source.shape[a] for a in axes),
        )
        return output, KerasTensor(scores_shape, self.compute_dtype)

    def get_config(self):
        config = {
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            **self._common_config(),
        }
        return {**super().get_config(), **config}
