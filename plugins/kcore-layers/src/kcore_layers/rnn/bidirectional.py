"""``Bidirectional``: runs a recurrent layer forwards and a copy backwards, then merges."""

from __future__ import annotations

from kcore import Layer, ops
from kcore.saving import deserialize_keras_object, serialize_keras_object

__all__ = ["Bidirectional"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)
_MATCHING = ("return_sequences", "return_state", "stateful")


def _renamed_copy(layer, prefix, go_backwards=None):
    config = serialize_keras_object(layer)
    inner = dict(config["config"])
    name = layer.name
    inner["name"] = prefix + (name[len(prefix) :] if name.startswith(prefix) else name)
    if go_backwards is not None:
        inner["go_backwards"] = go_backwards
    return deserialize_keras_object({**config, "config": inner}, kind="layers")


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The forward layer is a copy of ``layer`` (named ``forward_<name>``); the backward layer
    is ``backward_layer`` or a copy of ``layer`` with ``go_backwards`` flipped (named
    ``backward_<name>``). With ``return_sequences`` the backward outputs are reversed back to
    input order before merging, and masked steps output zeros in both directions. Weights are
    the forward layer's, then the backward layer's.

    Args:
        layer: a recurrent layer (``LSTM``, ``GRU``, ``RNN``...; anything with
            ``go_backwards``, ``return_sequences`` and ``return_state``).
        merge_mode: how outputs are combined: ``"sum"``, ``"mul"``, ``"concat"`` (default),
            ``"ave"``, or ``None`` (return both as a tuple).
        weights: optional initial weights (forward then backward), set at build.
        backward_layer: optional layer for the backward direction; its ``go_backwards``
            must differ from ``layer``'s and ``return_sequences``, ``return_state`` and
            ``stateful`` must match.
        **kwargs: base layer arguments.

    Call arguments:
        sequences: ``(batch, time, features)``.
        initial_state: optional list: the forward layer's states, then the backward layer's.
        mask: optional boolean ``(batch, time)``.
        training: passed to both layers.

    Output:
        The merged output; with ``return_state``, followed by the forward states then the
        backward states. With ``merge_mode=None`` the two outputs come first, separately.

    Example::

        layer = kcore.layers.Bidirectional(kcore.layers.LSTM(8, return_sequences=True))
        outputs = layer(np.zeros((2, 5, 3), "float32"))  # (2, 5, 16)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `kcore.layers.Layer` instance. "
                f"Received: {layer!r}"
            )
        for attr in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attr):
                raise ValueError(
                    f"Bidirectional: `layer` must be a recurrent layer with a `{attr}` "
                    f"attribute (LSTM, GRU, RNN...). Received: {layer!r}"
                )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `kcore.layers.Layer` instance. "
                f"Received: {backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode!r}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        if backward_layer is not None:
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError(
                    "Forward layer and backward layer should have different `go_backwards` "
                    f"value. Received: forward_layer.go_backwards={layer.go_backwards}, "
                    f"backward_layer.go_backwards={backward_layer.go_backwards}"
                )
            for attr in _MATCHING:
                forward_value = getattr(layer, attr, None)
                backward_value = getattr(backward_layer, attr, None)
                if forward_value != backward_value:
                    raise ValueError(
                        "Forward layer and backward layer are expected to have the same value "
                        f'for attribute "{attr}", got "{forward_value}" for forward layer and '
                        f'"{backward_value}" for backward layer'
                    )
        super().__init__(**kwargs)
        self.forward_layer = _renamed_copy(layer, "forward_")
        if backward_layer is None:
            backward_layer = _renamed_copy(layer, "backward_", go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = bool(layer.return_sequences)
        self.return_state = bool(layer.return_state)
        self.stateful = bool(getattr(layer, "stateful", False))
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = self.return_sequences
        self._initial_weights = weights
        self.input_spec = layer.input_spec
        self.supports_masking = True

    @property
    def states(self):
        forward = getattr(self.forward_layer, "states", None)
        backward = getattr(self.backward_layer, "states", None)
        if forward is None and backward is None:
            return None
        return [*(forward or []), *(backward or [])]

    def reset_state(self):
        """Zero the states of both (stateful) layers."""
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        """Alias of :meth:`reset_state`."""
        self.reset_state()

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(tuple(sequences_shape))
                sub.built = True
        if self._initial_weights is not None:
            weights = list(self._initial_weights)
            half = len(weights) // 2
            self.forward_layer.set_weights(weights[:half])
            self.backward_layer.set_weights(weights[half:])
            self._initial_weights = None
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None:
            kwargs["mask"] = mask
        forward_kwargs, backward_kwargs = dict(kwargs), dict(kwargs)
        if initial_state is not None:
            states = list(initial_state)
            if len(states) % 2:
                raise ValueError(
                    f'Layer "{self.name}": `initial_state` must hold the forward states then '
                    f"the backward states (an even number); received {len(states)} tensor(s)."
                )
            half = len(states) // 2
            forward_kwargs["initial_state"] = states[:half]
            backward_kwargs["initial_state"] = states[half:]
        y = self.forward_layer(sequences, **forward_kwargs)
        y_rev = self.backward_layer(sequences, **backward_kwargs)
        states = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode is None:
            return (y, y_rev, *states)
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = ops.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = ops.divide(ops.add(y, y_rev), 2)
        else:
            output = ops.multiply(y, y_rev)
        return (output, *states) if self.return_state else output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        forward = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        backward = self.backward_layer.compute_output_shape(tuple(sequences_shape))
        states = ()
        if self.return_state:
            states = (*forward[1:], *backward[1:])
            forward, backward = forward[0], backward[0]
        forward, backward = tuple(forward), tuple(backward)
        if self.merge_mode is None:
            return (forward, backward, *states)
        shape = forward
        if self.merge_mode == "concat":
            last = None if None in (forward[-1], backward[-1]) else forward[-1] + backward[-1]
            shape = (*forward[:-1], last)
        return (shape, *states) if self.return_state else shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        outputs = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            shapes = getattr(self.forward_layer, "_state_shapes", None)
            count = len(shapes()) if shapes is not None else 0
            return outputs + [None] * (2 * count)
        return outputs if self.merge_mode is None else output_mask

    def get_config(self):
        config = {
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_keras_object(
            config.pop("layer"), kind="layers", custom_objects=custom_objects
        )
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_keras_object(
                backward, kind="layers", custom_objects=custom_objects
            )
        return cls(layer, backward_layer=backward, **config)
