"""``AdditiveAttention``: Bahdanau-style attention over ``[query, value(, key)]``."""

from __future__ import annotations

from kcore import ops
from kcore_layers.attention.attention import Attention

__all__ = ["AdditiveAttention"]


class AdditiveAttention(Attention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    Scores are ``sum(scale * tanh(query[:, :, None] + key[:, None]), axis=-1)``
    (``(batch, Tq, Tv)``); the rest (masks, softmax over ``Tv``, weighting the ``value``) is
    :class:`Attention`'s.

    Args:
        use_scale: if ``True`` (the default), a ``scale`` vector of the feature size
            (``glorot_uniform``) weights the summed ``tanh`` terms.
        dropout: float in ``[0, 1)``, the fraction of the attention distribution to drop in
            training.
        seed: an int to make the dropout reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a list ``[query, value]`` or ``[query, value, key]``; ``query`` and ``key``
            share their last dim.
        mask: a list ``[query_mask, value_mask]``.
        training: whether to apply the dropout.
        return_attention_scores: also return the attention distribution.
        use_causal_mask: forbid position ``i`` from attending to positions ``j > i``.

    Output shape:
        ``(batch, Tq, dim_v)``, and the ``(batch, Tq, Tv)`` scores when
        ``return_attention_scores=True``.

    Example::

        query = kcore.Input(shape=(None, 16))
        value = kcore.Input(shape=(None, 16))
        context = kcore.layers.AdditiveAttention()([query, value])  # (None, None, 16)
    """

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape):
        self._validate_shapes(input_shape)
        dim = tuple(input_shape[0])[-1]
        if self.use_scale:
            if dim is None:
                raise ValueError(
                    f'Layer "{self.name}": the last dim of `query` must be known to build the '
                    f"`scale` weight. Received: input_shape={list(input_shape)}"
                )
            self.scale = self.add_weight(name="scale", shape=(dim,), initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        summed = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            summed = ops.multiply(self._weight(self.scale, summed), summed)
        return ops.sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
