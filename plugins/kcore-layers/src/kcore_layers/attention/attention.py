"""``Attention``: dot-product (Luong-style) attention over ``[query, value(, key)]``."""

from __future__ import annotations

from kcore import KerasTensor, Layer, ops, random
from kcore_layers.attention.base_attention import causal_mask

__all__ = ["Attention"]


def _check_dropout(name, dropout):
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(
            f"{name}: `dropout` must be a float in [0, 1). Received: dropout={dropout!r}"
        )
    return float(dropout)


class Attention(Layer):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    For a ``query`` ``(batch, Tq, dim)``, a ``value`` ``(batch, Tv, dim_v)`` and a ``key``
    ``(batch, Tv, dim)`` (the ``value`` when omitted): scores are ``query @ key^T``
    (``(batch, Tq, Tv)``), optionally scaled; masked positions get ``-1e9``; a softmax over
    ``Tv`` gives the distribution that weights the ``value`` rows.

    Args:
        use_scale: if ``True``, a scalar ``scale`` weight (initialized to 1) multiplies the
            scores.
        score_mode: ``"dot"`` (``query @ key^T``) or ``"concat"``
            (``concat_score_weight * sum(tanh(query + key), -1)``, with a scalar weight).
        dropout: float in ``[0, 1)``, the fraction of the attention distribution to drop in
            training.
        seed: an int to make the dropout reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a list ``[query, value]`` or ``[query, value, key]``.
        mask: a list ``[query_mask, value_mask]`` of boolean ``(batch, Tq)`` and
            ``(batch, Tv)`` tensors (either may be ``None``). Masked values get no attention;
            masked query rows output zeros.
        training: whether to apply the dropout.
        return_attention_scores: also return the attention distribution ``(batch, Tq, Tv)``.
        use_causal_mask: forbid position ``i`` from attending to positions ``j > i``
            (decoder self-attention).

    Output shape:
        ``(batch, Tq, dim_v)``, and the ``(batch, Tq, Tv)`` scores when
        ``return_attention_scores=True``.

    Example::

        query = kcore.Input(shape=(None, 16))
        value = kcore.Input(shape=(None, 16))
        context = kcore.layers.Attention()([query, value])  # (None, None, 16)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        name = type(self).__name__
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode!r}"
            )
        dropout = _check_dropout(name, dropout)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"{name}: `seed` must be an int or None. Received: seed={seed!r}")
        super().__init__(**kwargs)
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.scale = None
        self.concat_score_weight = None

    # -- building --------------------------------------------------------------------------------
    def build(self, input_shape):
        self._validate_shapes(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones"
            )
        self.built = True

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or "
                f"[query, value, key]. Received: inputs={inputs!r}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or "
                f"[query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: mask={mask!r}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3, namely "
                    f"[query_mask, value_mask]. Received length: {len(mask)}."
                )

    def _validate_shapes(self, shapes):
        """Check ``[query, value(, key)]`` shapes agree; messages name the offending dims."""
        self._validate_inputs(shapes)
        if not all(isinstance(s, (list, tuple)) for s in shapes):
            raise ValueError(
                f"{type(self).__name__} layer must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received one input of shape {shapes}."
            )
        shapes = [tuple(s) for s in shapes]
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) > 2 else value
        name = type(self).__name__
        for label, shape in (("query", query), ("value", value), ("key", key)):
            if len(shape) < 2:
                raise ValueError(
                    f"{name}: `{label}` must have at least 2 dims (batch, ..., features). "
                    f"Received: {label} shape {shape}"
                )
        if len(key) < 3 or len(value) < 3 or key[-2] is None or value[-2] is None:
            pass
        elif key[-2] != value[-2]:
            raise ValueError(
                f"{name}: `key` and `value` must have the same number of timesteps (axis -2). "
                f"Received: key shape {key}, value shape {value}. Pass a key with one row per "
                "value row."
            )
        if query[-1] is not None and key[-1] is not None and query[-1] != key[-1]:
            raise ValueError(
                f"{name}: the last dim of `query` and `key` must match to compute scores. "
                f"Received: query shape {query}, key shape {key}"
                + ("" if len(shapes) > 2 else " (the key is the value when omitted)")
                + ". Project them to the same size first (e.g. with a Dense layer)."
            )

    # -- computing -------------------------------------------------------------------------------
    def _weight(self, variable, like):
        value = variable.value
        if ops.dtype(value) != ops.dtype(like):
            value = ops.cast(value, ops.dtype(like))
        return value

    def _calculate_scores(self, query, key):
        """Scores ``(batch, Tq, Tv)`` of each query row against each key row."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = ops.multiply(scores, self._weight(self.scale, scores))
            return scores
        summed = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            summed = ops.multiply(self._weight(self.scale, summed), summed)
        scores = ops.sum(ops.tanh(summed), axis=-1)
        return ops.multiply(self._weight(self.concat_score_weight, scores), scores)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """``(softmax(masked scores) @ value, the distribution)``."""
        if scores_mask is not None:
            big = 65504.0 if ops.dtype(scores) == "float16" else 1.0e9
            scores = ops.where(scores_mask, scores, ops.subtract(scores, big))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = None
        if value_mask is not None:
            scores_mask = ops.expand_dims(ops.cast(value_mask, "bool"), -2)  # (batch, 1, Tv)
        if use_causal_mask:
            causal = causal_mask(ops.shape(scores)[-2], ops.shape(scores)[-1])
            scores_mask = causal if scores_mask is None else ops.logical_and(scores_mask, causal)
        outputs, weights = self._apply_scores(scores, value, scores_mask, training)
        if query_mask is not None:
            keep = ops.expand_dims(ops.cast(query_mask, "bool"), -1)  # (batch, Tq, 1)
            outputs = ops.where(keep, outputs, ops.zeros_like(outputs))
        if return_attention_scores:
            return outputs, weights
        return outputs

    # -- shapes and masks ------------------------------------------------------------------------
    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        self._validate_shapes(input_shape)
        query, value = tuple(input_shape[0]), tuple(input_shape[1])
        return (*query[:-1], value[-1])

    def compute_output_spec(
        self,
        inputs,
        mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs, mask)
        shapes = [tuple(x.shape) for x in inputs]
        output = KerasTensor(self.compute_output_shape(shapes), self.compute_dtype)
        if not return_attention_scores:
            return output
        key = shapes[2] if len(shapes) > 2 else shapes[1]
        scores = KerasTensor((*shapes[0][:-1], key[-2]), self.compute_dtype)
        return output, scores

    def get_config(self):
        config = {
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
