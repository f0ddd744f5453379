"""``BaseDepthwiseConv``: the shared base of DepthwiseConv1D and DepthwiseConv2D."""

from __future__ import annotations

from kcore import ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._validation import positive_int
from kcore_layers.convolutional.base_conv import ConvRoot

__all__ = ["BaseDepthwiseConv"]


class BaseDepthwiseConv(ConvRoot):
    """Depthwise convolution: each input channel is convolved with its own
    ``depth_multiplier`` filters (no mixing across channels), then bias and activation.

    Args:
        rank: the number of spatial dimensions (1 or 2).
        depth_multiplier: positive int, the number of output channels per input channel; the
            output has ``input_channels * depth_multiplier`` channels.
        kernel_size: int or tuple of ``rank`` ints.
        strides: int or tuple of ``rank`` ints.
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of ``rank`` ints.
        activation: the activation; ``None`` means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer of the kernel. Defaults to ``"glorot_uniform"``.
        bias_initializer: initializer of ``bias``. Defaults to ``"zeros"``.
        depthwise_regularizer, bias_regularizer, activity_regularizer: regularizers.
        depthwise_constraint, bias_constraint: constraints.
        **kwargs: base layer arguments.

    Weights: ``kernel`` of shape ``(*kernel_size, input_channels, depth_multiplier)``, then
    ``bias`` ``(input_channels * depth_multiplier,)`` (Keras names the kernel ``kernel``).
    """

    def __init__(
        self,
        rank,
        depth_multiplier,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
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
        depth_multiplier = positive_int(depth_multiplier, "depth_multiplier")
        depthwise_initializer = _resolve.initializer(depthwise_initializer, "depthwise_initializer")
        depthwise_regularizer = _resolve.regularizer(depthwise_regularizer, "depthwise_regularizer")
        depthwise_constraint = _resolve.constraint(depthwise_constraint, "depthwise_constraint")
        super().__init__(
            rank,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint,
            activity_regularizer=activity_regularizer,
            check_dilation=False,  # Keras allows strides > 1 with dilation here
            **kwargs,
        )
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = depthwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.depthwise_constraint = depthwise_constraint

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self._finish_build(input_shape, channels, channels * self.depth_multiplier)

    def _convolve(self, inputs):
        return ops.depthwise_conv(
            inputs,
            self._weight(self.kernel),
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def _output_channels(self, input_channels):
        return input_channels * self.depth_multiplier

    def get_config(self):
        config = {
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": serialize_keras_object(self.depthwise_initializer),
            "depthwise_regularizer": serialize_keras_object(self.depthwise_regularizer),
            "depthwise_constraint": serialize_keras_object(self.depthwise_constraint),
        }
        return {**super().get_config(), **config}
