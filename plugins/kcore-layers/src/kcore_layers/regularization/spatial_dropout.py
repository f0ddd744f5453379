"""``SpatialDropout1D/2D/3D``: dropout of whole feature maps (channels)."""

from __future__ import annotations

from kcore import InputSpec, config, ops, random
from kcore_layers.regularization.base_noise import check_seed
from kcore_layers.regularization.dropout import Dropout

__all__ = ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]


def _check_data_format(data_format):
    data_format = data_format or config.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of ('channels_first', 'channels_last'). "
            f"Received: data_format={data_format!r}"
        )
    return value


class _SpatialDropout(Dropout):
    """Dropout with one draw per (sample, channel), shared over the spatial axes."""

    _rank = None  # input rank, batch included

    def __init__(self, rate, data_format="channels_last", seed=None, **kwargs):
        name = type(self).__name__
        if "noise_shape" in kwargs:
            raise TypeError(
                f"{name} takes no `noise_shape`: it always drops whole channels. Use Dropout "
                f"with a `noise_shape` for other patterns. Received: {kwargs['noise_shape']!r}"
            )
        data_format = _check_data_format(data_format)
        seed = check_seed(name, seed)
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self._rank)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)
        shape = ops.shape(inputs)
        ones = (1,) * (self._rank - 2)
        if self.data_format == "channels_first":
            noise_shape = (shape[0], shape[1], *ones)
        else:
            noise_shape = (shape[0], *ones, shape[-1])
        return random.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator)

    def get_config(self):
        # Keras 3's exact keys (no `noise_shape`; `dtype` as a policy name), so Keras loads it.
        config = {
            "rate": self.rate,
            "seed": self.seed,
            "name": self.name,
            "dtype": self.dtype_policy.name,
        }
        if not self.trainable:  # Keras never writes it (nor accepts it); kept when it matters
            config["trainable"] = False
        return config


class SpatialDropout1D(_SpatialDropout):
    """Spatial 1D dropout: drops entire 1D feature maps (channels) instead of single values.

    When neighbouring frames of a feature map are strongly correlated (as in early
    convolution layers), plain dropout hardly regularizes; dropping whole channels does. In
    training (``training=True``, as in ``fit``) each channel of each sample is zeroed with
    probability ``rate`` at every timestep, the rest scaled by ``1 / (1 - rate)``. Otherwise
    the layer returns its input.

    Args:
        rate: float in ``[0, 1]``, the fraction of channels to drop.
        seed: an int to make the masks reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a 3D tensor.
        training: whether to drop (``True``) or pass the input through.

    Input shape:
        3D tensor ``(samples, timesteps, channels)``.

    Output shape:
        Same as the input.

    Example::

        inputs = kcore.Input(shape=(100, 16))
        x = kcore.layers.SpatialDropout1D(0.2)(inputs)
    """

    _rank = 3

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Spatial 2D dropout: drops entire 2D feature maps (channels) instead of single values.

    In training each channel of each sample is zeroed with probability ``rate`` over all
    rows and columns, the rest scaled by ``1 / (1 - rate)``; otherwise the layer returns its
    input.

    Args:
        rate: float in ``[0, 1]``, the fraction of channels to drop.
        data_format: ``"channels_last"`` (``(samples, rows, cols, channels)``) or
            ``"channels_first"`` (``(samples, channels, rows, cols)``). Defaults to
            ``kcore.config.image_data_format()``.
        seed: an int to make the masks reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a 4D tensor.
        training: whether to drop (``True``) or pass the input through.

    Input shape:
        4D tensor, as ``data_format`` says.

    Output shape:
        Same as the input.

    Example::

        inputs = kcore.Input(shape=(32, 32, 8))
        x = kcore.layers.SpatialDropout2D(0.2)(inputs)
    """

    _rank = 4

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(_SpatialDropout):
    """Spatial 3D dropout: drops entire 3D feature maps (channels) instead of single values.

    In training each channel of each sample is zeroed with probability ``rate`` over the
    whole volume, the rest scaled by ``1 / (1 - rate)``; otherwise the layer returns its
    input.

    Args:
        rate: float in ``[0, 1]``, the fraction of channels to drop.
        data_format: ``"channels_last"`` (``(samples, dim1, dim2, dim3, channels)``) or
            ``"channels_first"`` (``(samples, channels, dim1, dim2, dim3)``). Defaults to
            ``kcore.config.image_data_format()``.
        seed: an int to make the masks reproducible.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Call arguments:
        inputs: a 5D tensor.
        training: whether to drop (``True``) or pass the input through.

    Input shape:
        5D tensor, as ``data_format`` says.

    Output shape:
        Same as the input.

    Example::

        inputs = kcore.Input(shape=(8, 8, 8, 4))
        x = kcore.layers.SpatialDropout3D(0.2)(inputs)
    """

    _rank = 5

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
