"""``Conv2D``: 2D convolution (spatial convolution over images)."""

from __future__ import annotations

from kcore_layers.convolutional.base_conv import BaseConv

__all__ = ["Conv2D"]


class Conv2D(BaseConv):
    """2D convolution layer (e.g. spatial convolution over images).

    Convolves a kernel with the inputs over two spatial dimensions, adds a bias
    (if ``use_bias``) and applies the activation:
    ``activation(conv(inputs, kernel) + bias)``.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints, the size of the convolution window.
        strides: int or tuple of 2 ints, the step of the window. ``strides > 1`` cannot
            be combined with ``dilation_rate > 1``.
        padding: ``"valid"`` (no padding) or ``"same"`` (zero padding, split as evenly as
            possible with the extra one at the end, so the output size is
            ``ceil(size / stride)``). Case-insensitive.
        data_format: ``"channels_last"`` (inputs ``(batch, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 2 ints, the dilation of the window.
        groups: positive int dividing ``filters`` and the input channel count: the channels
            are split in ``groups`` groups, each convolved with ``filters // groups`` filters.
        activation: the activation (name or callable); ``None`` means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of ``kernel``. Defaults to ``"glorot_uniform"``.
        bias_initializer: initializer of ``bias``. Defaults to ``"zeros"``.
        kernel_regularizer: regularizer of ``kernel``.
        bias_regularizer: regularizer of ``bias``.
        activity_regularizer: regularizer of the output.
        kernel_constraint: constraint on ``kernel``.
        bias_constraint: constraint on ``bias``.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``, ``input_shape``...).

    Weights:
        ``kernel`` ``(kh, kw, input_channels // groups, filters)``, then ``bias``
        ``(filters,)``.

    Input shape:
        4D tensor ``(batch, height, width, channels)`` (channels_last) or
        ``(batch, channels, height, width)`` (channels_first).

    Output shape:
        4D tensor ``(batch, new_height, new_width, filters)`` or
        ``(batch, filters, new_height, new_width)``; each new spatial size
        is ``ceil(size / stride)`` with ``"same"`` padding and
        ``floor((size - dilation * (kernel - 1) - 1) / stride) + 1`` with ``"valid"``.

    Example::

        inputs = kcore.Input(shape=(28, 28, 1))
        outputs = kcore.layers.Conv2D(32, 3, activation="relu")(inputs)  # (None, 26, 26, 32)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            2,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
