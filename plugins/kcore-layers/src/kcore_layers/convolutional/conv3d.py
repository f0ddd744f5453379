"""``Conv3D``: 3D convolution (spatial convolution over volumes)."""

from __future__ import annotations

from kcore_layers.convolutional.base_conv import BaseConv

__all__ = ["Conv3D"]


class Conv3D(BaseConv):
    """3D convolution layer (e.g. spatial convolution over volumes).

    Convolves a kernel with the inputs over three spatial dimensions, adds a bias
    (if ``use_bias``) and applies the activation:
    ``activation(conv(inputs, kernel) + bias)``.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 3 ints, the size of the convolution window.
        strides: int or tuple of 3 ints, the step of the window. ``strides > 1`` cannot
            be combined with ``dilation_rate > 1``.
        padding: ``"valid"`` (no padding) or ``"same"`` (zero padding, split as evenly as
            possible with the extra one at the end, so the output size is
            ``ceil(size / stride)``). Case-insensitive.
        data_format: ``"channels_last"`` (inputs ``(batch, dim1, dim2, dim3, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, dim1, dim2, dim3)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 3 ints, the dilation of the window.
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
        ``kernel`` ``(k1, k2, k3, input_channels // groups, filters)``, then ``bias``
        ``(filters,)``.

    Input shape:
        5D tensor ``(batch, dim1, dim2, dim3, channels)`` (channels_last) or
        ``(batch, channels, dim1, dim2, dim3)`` (channels_first).

    Output shape:
        5D tensor ``(batch, new_dim1, new_dim2, new_dim3, filters)`` or
        ``(batch, filters, new_dim1, new_dim2, new_dim3)``; each new spatial size
        is ``ceil(size / stride)`` with ``"same"`` padding and
        ``floor((size - dilation * (kernel - 1) - 1) / stride) + 1`` with ``"valid"``.

    Example::

        inputs = kcore.Input(shape=(8, 8, 8, 2))
        outputs = kcore.layers.Conv3D(4, 3, padding="same")(inputs)  # (None, 8, 8, 8, 4)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1, 1),
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
            3,
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
