"""``BaseSeparableConv``: the shared base of SeparableConv1D and SeparableConv2D."""

from __future__ import annotations

from kcore import ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._validation import positive_int
from kcore_layers.convolutional.base_conv import ConvRoot

__all__ = ["BaseSeparableConv"]


class BaseSeparableConv(ConvRoot):
    """Depthwise separable convolution: a depthwise convolution (each input channel with its
    own ``depth_multiplier`` filters) followed by a pointwise (``1x1``) convolution mixing the
    channels into ``filters`` outputs, then bias and activation.

    Args:
        rank: the number of spatial dimensions (1 or 2).
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of ``rank`` ints (the depthwise window).
        strides: int or tuple of ``rank`` ints (of the depthwise step).
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of ``rank`` ints (of the depthwise step).
        depth_multiplier: positive int, depthwise output channels per input channel.
        activation: the activation; ``None`` means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer, pointwise_initializer: kernel initializers (both
            ``"glorot_uniform"`` by default).
        bias_initializer: initializer of ``bias``. Defaults to ``"zeros"``.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer: regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints.
        **kwargs: base layer arguments.

    Weights (Keras's order): ``depthwise_kernel`` ``(*kernel_size, input_channels,
    depth_multiplier)``, ``pointwise_kernel`` ``(1, ..., input_channels * depth_multiplier,
    filters)``, then ``bias`` ``(filters,)``.
    """

    def __init__(
        self,
        rank,
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
        filters = positive_int(filters, "filters")
        depth_multiplier = positive_int(depth_multiplier, "depth_multiplier")
        initializers = {
            name: _resolve.initializer(value, f"{name}_initializer")
            for name, value in (
                ("depthwise", depthwise_initializer),
                ("pointwise", pointwise_initializer),
            )
        }
        regularizers = {
            name: _resolve.regularizer(value, f"{name}_regularizer")
            for name, value in (
                ("depthwise", depthwise_regularizer),
                ("pointwise", pointwise_regularizer),
            )
        }
        constraints = {
            name: _resolve.constraint(value, f"{name}_constraint")
            for name, value in (
                ("depthwise", depthwise_constraint),
                ("pointwise", pointwise_constraint),
            )
        }
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
        self.filters = filters
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers["depthwise"]
        self.pointwise_initializer = initializers["pointwise"]
        self.depthwise_regularizer = regularizers["depthwise"]
        self.pointwise_regularizer = regularizers["pointwise"]
        self.depthwise_constraint = constraints["depthwise"]
        self.pointwise_constraint = constraints["pointwise"]

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=((1,) * self.rank + (channels * self.depth_multiplier, self.filters)),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self._finish_build(input_shape, channels, self.filters)

    def _convolve(self, inputs):
        return ops.separable_conv(
            inputs,
            self._weight(self.depthwise_kernel),
            self._weight(self.pointwise_kernel),
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def _output_channels(self, input_channels):
        return self.filters

    def get_config(self):
        config = {
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": serialize_keras_object(self.depthwise_initializer),
            "pointwise_initializer": serialize_keras_object(self.pointwise_initializer),
            "depthwise_regularizer": serialize_keras_object(self.depthwise_regularizer),
            "pointwise_regularizer": serialize_keras_object(self.pointwise_regularizer),
            "depthwise_constraint": serialize_keras_object(self.depthwise_constraint),
            "pointwise_constraint": serialize_keras_object(self.pointwise_constraint),
        }
        return {**super().get_config(), **config}
