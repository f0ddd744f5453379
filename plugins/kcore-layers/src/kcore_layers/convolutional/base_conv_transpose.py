"""``BaseConvTranspose``: the shared base of Conv1DTranspose, Conv2DTranspose, Conv3DTranspose."""

from __future__ import annotations

from kcore import ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._spatial_args import int_tuple
from kcore_layers._validation import positive_int
from kcore_layers.convolutional._conv_utils import conv_transpose_output_length
from kcore_layers.convolutional.base_conv import ConvRoot

__all__ = ["BaseConvTranspose"]


class BaseConvTranspose(ConvRoot):
    """The N-D transposed convolution (the gradient of a convolution with respect to its
    input, often called "deconvolution"): ``activation(conv_transpose(inputs, kernel) + bias)``.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of ``rank`` ints.
        strides: int or tuple of ``rank`` ints (the up-sampling factor). ``strides > 1``
            cannot be combined with ``dilation_rate > 1``.
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        output_padding: ``None`` (the size is inferred) or an int / tuple of ``rank`` ints,
            each ``>= 0`` and strictly less than its stride: the extra size added at the end
            of each spatial axis.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of ``rank`` ints.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as
            in :class:`BaseConv`.
        **kwargs: base layer arguments.

    Weights: ``kernel`` of shape ``(*kernel_size, filters, input_channels)`` (output channels
    before input channels, as Keras), then ``bias`` ``(filters,)``.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
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
        layer = type(self).__name__
        filters = positive_int(filters, "filters")
        if output_padding is not None:
            output_padding = int_tuple(output_padding, rank, "output_padding", layer, minimum=0)
            strides_tuple = int_tuple(strides, rank, "strides", layer)
            for axis, (pad, stride) in enumerate(zip(output_padding, strides_tuple)):
                if pad >= stride:
                    raise ValueError(
                        f"{layer}: `output_padding` must be strictly less than `strides` on "
                        f"every axis; on axis {axis} output_padding is {pad} and strides is "
                        f"{stride}. Received: output_padding={output_padding}, "
                        f"strides={strides_tuple}. Lower output_padding or leave it None."
                    )
        kernel_initializer = _resolve.initializer(kernel_initializer, "kernel_initializer")
        kernel_regularizer = _resolve.regularizer(kernel_regularizer, "kernel_regularizer")
        kernel_constraint = _resolve.constraint(kernel_constraint, "kernel_constraint")
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
            **kwargs,
        )
        self.filters = filters
        self.output_padding = output_padding
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = kernel_regularizer
        self.kernel_constraint = kernel_constraint

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, self.filters, channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._finish_build(input_shape, channels, self.filters)

    def _convolve(self, inputs):
        return ops.conv_transpose(
            inputs,
            self._weight(self.kernel),
            self.strides,
            self.padding,
            self.output_padding,
            self.data_format,
            self.dilation_rate,
        )

    def _output_channels(self, input_channels):
        return self.filters

    def _spatial_output_shape(self, spatial):
        out_pad = self.output_padding or (None,) * self.rank
        return tuple(
            conv_transpose_output_length(size, k, s, self.padding, p, d)
            for size, k, s, p, d in zip(
                spatial, self.kernel_size, self.strides, out_pad, self.dilation_rate
            )
        )

    def get_config(self):
        config = {
            "filters": self.filters,
            "output_padding": self.output_padding,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
        }
        return {**super().get_config(), **config}
