"""``SeparableConv1D``: 1D depthwise separable convolution."""

from __future__ import annotations

from kcore_layers.convolutional.base_separable_conv import BaseSeparableConv

__all__ = ["SeparableConv1D"]


class SeparableConv1D(BaseSeparableConv):
    """1D depthwise separable convolution layer.

    A depthwise convolution (each input channel convolved on its own with
    ``depth_multiplier`` filters) followed by a pointwise convolution (a ``1`` kernel
    mixing all the channels into ``filters`` outputs), then bias and activation. It needs
    far fewer weights than a full convolution of the same window.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 1 int, the depthwise window.
        strides: int or tuple of 1 int, the depthwise step.
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        data_format: ``"channels_last"`` (inputs ``(batch, steps, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, steps)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 1 int, the dilation of the depthwise window.
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
        ``depthwise_kernel`` ``(kernel_size, input_channels, depth_multiplier)``,
        ``pointwise_kernel`` ``(1, input_channels * depth_multiplier, filters)``, then
        ``bias`` ``(filters,)``.

    Input shape:
        3D tensor ``(batch, steps, channels)`` or ``(batch, channels, steps)``.

    Output shape:
        3D tensor ``(batch, new_steps, filters)`` or ``(batch, filters, new_steps)``; spatial
        sizes as in ``Conv1D``.

    Example::

        inputs = kcore.Input(shape=(10, 8))
        outputs = kcore.layers.SeparableConv1D(16, 3, depth_multiplier=2)(inputs)
        # shape (None, 8, 16)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
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
            1,
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
