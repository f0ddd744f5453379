"""``TimeDistributed``: apply a layer to every temporal slice of an input."""

from __future__ import annotations

from kcore import KerasTensor, Layer, ops, tree
from kcore.saving import deserialize_keras_object, serialize_keras_object

__all__ = ["TimeDistributed"]


def _static_shape(x):
    return tuple(None if d is None else int(d) for d in x.shape)


def _mixes_batch(layer, training) -> bool:
    """Whether ``layer`` (or a sublayer) couples the samples of a batch, so folding the time
    axis into the batch would change its result: batch statistics in training, or a state kept
    per sample across calls (``stateful=True``)."""
    for sub in [layer, *layer._flat_layers()]:
        if getattr(sub, "stateful", False):
            return True
        if training and sub.trainable:
            if any(c.__name__ == "BatchNormalization" for c in type(sub).__mro__):
                return True
    return False


class TimeDistributed(Layer):
    """Applies a layer to every temporal slice of an input.

    The input is ``(batch, time, ...)``; the wrapped layer sees ``(batch, ...)`` slices and
    shares its weights across time steps. It runs as one call: the time axis is folded into
    the batch (``(batch * time, ...)``, a reshape, no copy), the layer is called once and the
    result unfolded. Layers that couple the samples of a batch (``BatchNormalization`` in
    training, ``stateful`` RNNs) run once per time step instead, so their statistics and
    states are per step as in Keras.

    Args:
        layer: a ``kcore.Layer`` instance (a ``Dense``, a ``Conv2D``, a whole model...).
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a tensor ``(batch, time, ...)``, at least 3D.
        training: passed to the wrapped layer.
        mask: an optional boolean ``(batch, time, ...)`` mask; folded the same way and passed to
            the wrapped layer if its ``call`` takes a ``mask``. The output keeps the input mask.

    Output shape:
        ``(batch, time, *inner_output_shape[1:])``.

    Example::

        frames = kcore.Input(shape=(10, 32, 32, 3))  # 10 images per sample
        features = kcore.layers.TimeDistributed(kcore.layers.Conv2D(8, 3))(frames)
        # features.shape == (None, 10, 30, 30, 8)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `kcore.layers.Layer` instance "
                f"(e.g. TimeDistributed(Dense(8))). Received: {layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    # -- shapes ----------------------------------------------------------------------------------
    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions (batch, time, ...), received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        child_shape = self._child_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build(child_shape)
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        child = self.layer.compute_output_shape(self._child_shape(input_shape))
        return (child[0], input_shape[1], *tuple(child)[1:])

    def compute_output_spec(self, inputs, training=None, mask=None):
        shape = _static_shape(inputs)
        self._child_shape(shape)
        batch, steps = shape[0], shape[1]
        folded = None if batch is None or steps is None else batch * steps
        child = KerasTensor((folded, *shape[2:]), inputs.dtype)
        kwargs = {}
        if self.layer._call_has_training and training is not None:
            kwargs["training"] = training
        if self.layer._call_has_mask and mask is not None:
            mask_shape = _static_shape(mask)
            kwargs["mask"] = KerasTensor((folded, *mask_shape[2:]), mask.dtype)
        outputs = self.layer.compute_output_spec(child, **kwargs)
        return tree.map_structure(
            lambda t: KerasTensor((batch, steps, *tuple(t.shape)[1:]), t.dtype), outputs
        )

    # -- computing -------------------------------------------------------------------------------
    def _check_mask(self, inputs, mask):
        mask_shape, input_shape = _static_shape(mask), _static_shape(inputs)
        if len(mask_shape) < 2:
            raise ValueError(
                "The `mask` passed to the `TimeDistributed` layer must be at least 2D "
                f"(batch, time). Received a mask of shape {mask_shape}."
            )
        for axis in (0, 1):
            m, i = mask_shape[axis], input_shape[axis]
            if m is not None and i is not None and m != i:
                raise ValueError(
                    f"The `mask` passed to the `TimeDistributed` layer has a shape {mask_shape} "
                    f"that is incompatible with the input shape {input_shape}: the mask's batch "
                    "size and timesteps must match the input's first two dimensions."
                )

    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            self._check_mask(inputs, mask)
        kwargs = {}
        if self.layer._call_has_training and training is not None:
            kwargs["training"] = training
        use_mask = mask is not None and self.layer._call_has_mask
        static = _static_shape(inputs)
        if static[1] is not None and _mixes_batch(self.layer, training):
            return self._call_per_step(inputs, mask if use_mask else None, kwargs, static[1])
        dynamic = ops.shape(inputs)
        batch, steps = dynamic[0], dynamic[1]
        folded = ops.reshape(inputs, (-1, *dynamic[2:]))
        if use_mask:
            kwargs["mask"] = ops.reshape(mask, (-1, *ops.shape(mask)[2:]))
        outputs = self.layer(folded, **kwargs)

        def unfold(t):
            rest = ops.shape(t)[1:]
            if static[1] is not None:
                return ops.reshape(t, (-1, static[1], *rest))
            return ops.reshape(t, (batch, steps, *rest))

        return tree.map_structure(unfold, outputs)

    def _call_per_step(self, inputs, mask, kwargs, steps):
        outputs = []
        for t in range(steps):
            step_kwargs = dict(kwargs)
            if mask is not None:
                step_kwargs["mask"] = mask[:, t]
            outputs.append(self.layer(inputs[:, t], **step_kwargs))
        if isinstance(outputs[0], (list, tuple, dict)):
            return tree.map_structure(lambda *ts: ops.stack(ts, axis=1), *outputs)
        return ops.stack(outputs, axis=1)

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_keras_object(
            config.pop("layer"), kind="layers", custom_objects=custom_objects
        )
        return cls(layer, **config)
