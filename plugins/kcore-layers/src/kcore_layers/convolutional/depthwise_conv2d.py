"""``DepthwiseConv2D``: 2D depthwise convolution."""

from __future__ import annotations

from kcore_layers.convolutional.base_depthwise_conv import BaseDepthwiseConv

__all__ = ["DepthwiseConv2D"]


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution layer.

    Each input channel is convolved on its own with ``depth_multiplier`` filters (no mixing
    across channels), so the output has ``input_channels * depth_multiplier`` channels; then
    bias and activation. It is the first half of a ``SeparableConv2D``.

    Args:
        kernel_size: int or tuple of 2 ints, the size of the window.
        strides: int or tuple of 2 ints, the step of the window.
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        depth_multiplier: positive int, the output channels per input channel.
        data_format: ``"channels_last"`` (inputs ``(batch, height, width, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, height, width)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 2 ints, the dilation of the window.
        activation: the activation (name or callable); ``None`` means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer of ``kernel``. Defaults to ``"glorot_uniform"``.
        bias_initializer: initializer of ``bias``. Defaults to ``"zeros"``.
        depthwise_regularizer: regularizer of ``kernel``.
        bias_regularizer: regularizer of ``bias``.
        activity_regularizer: regularizer of the output.
        depthwise_constraint: constraint on ``kernel``.
        bias_constraint: constraint on ``bias``.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``, ``input_shape``...).

    Weights:
        ``kernel`` ``(kh, kw, input_channels, depth_multiplier)`` (named ``kernel`` as in
        Keras), then ``bias`` ``(input_channels * depth_multiplier,)``.

    Input shape:
        4D tensor ``(batch, height, width, channels)`` or ``(batch, channels, height, width)``.

    Output shape:
        4D tensor with ``input_channels * depth_multiplier`` channels; spatial sizes as
        in ``Conv2D``.

    Example::

        inputs = kcore.Input(shape=(32, 32, 3))
        outputs = kcore.layers.DepthwiseConv2D(3, padding="same")(inputs)
        # shape (None, 32, 32, 3)
    """

    def __init__(
        self,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            2,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            depth_multiplier=depth_multiplier,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
