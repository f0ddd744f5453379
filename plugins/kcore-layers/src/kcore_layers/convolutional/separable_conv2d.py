"""``SeparableConv2D``: 2D depthwise separable convolution."""

from __future__ import annotations

from kcore_layers.convolutional.base_separable_conv import BaseSeparableConv

__all__ = ["SeparableConv2D"]


class SeparableConv2D(BaseSeparableConv):
    """2D depthwise separable convolution layer.

    A depthwise convolution (each input channel convolved on its own with
    ``depth_multiplier`` filters) followed by a pointwise convolution (a ``1x1`` kernel
    mixing all the channels into ``filters`` outputs), then bias and activation. It needs
    far fewer weights than a full convolution of the same window.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints, the depthwise window.
        strides: int or tuple of 2 ints, the depthwise step.
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        data_format: ``"channels_last"`` (inputs ``(batch, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 2 ints, the dilation of the depthwise window.
        depth_multiplier: positive int, the depthwise output channels per input channel.
        activation: the activation (name or callable); ``None`` means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer of ``depthwise_kernel`` (``"glorot_uniform"``).
        pointwise_initializer: initializer of ``pointwise_kernel`` (``"glorot_uniform"``).
        bias_initializer: initializer of ``bias``. Defaults to ``"zeros"``.
        depthwise_regularizer: regularizer of ``depthwise_kernel``.
        pointwise_regularizer: regularizer of ``pointwise_kernel``.
        bias_regularizer: regularizer of ``bias``.
        activity_regularizer: regularizer of the output.
        depthwise_constraint: constraint on ``depthwise_kernel``.
        pointwise_constraint: constraint on ``pointwise_kernel``.
        bias_constraint: constraint on ``bias``.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``, ``input_shape``...).

    Weights:
        ``depthwise_kernel`` ``(kh, kw, input_channels, depth_multiplier)``,
        ``pointwise_kernel`` ``(1, 1, input_channels * depth_multiplier, filters)``, then
        ``bias`` ``(filters,)``.

    Input shape:
        4D tensor ``(batch, height, width, channels)`` or ``(batch, channels, height, width)``.

    Output shape:
        4D tensor ``(batch, new_height, new_width, filters)`` or
        ``(batch, filters, new_height, new_width)``; spatial sizes as in ``Conv2D``.

    Example::

        inputs = kcore.Input(shape=(32, 32, 3))
        outputs = kcore.layers.SeparableConv2D(16, 3, padding="same")(inputs)
        # shape (None, 32, 32, 16)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
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
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
