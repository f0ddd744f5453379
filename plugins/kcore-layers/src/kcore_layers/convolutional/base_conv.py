"""Shared bases of the convolution layers: ``ConvRoot`` (geometry, bias, activation, the call
skeleton) and ``BaseConv`` (the regular, optionally grouped, N-D convolution).

``call`` is one native convolution op, one bias add and the activation: everything that does
not depend on the inputs (the causal padding widths, the broadcastable bias shape, whether to
cast weights) is computed in ``__init__`` / ``build``.
"""

from __future__ import annotations

import kcore
from kcore import InputSpec, Layer, ops
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._spatial_args import data_format as normalize_data_format
from kcore_layers._spatial_args import int_tuple
from kcore_layers._spatial_args import padding as normalize_padding
from kcore_layers._validation import positive_int
from kcore_layers.convolutional._conv_utils import check_strides_and_dilation, conv_output_length

__all__ = ["BaseConv", "ConvRoot"]


class ConvRoot(Layer):
    """What every convolution layer shares (private base; not registered).

    Subclasses validate their own arguments, then call ``ConvRoot.__init__`` (which validates
    the shared ones before the base ``Layer`` is set up), create their kernels in ``build``
    and finish with :meth:`_finish_build`; they implement :meth:`_convolve` (the one native
    op) and :meth:`_output_channels`.
    """

    def __init__(
        self,
        rank,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        bias_initializer="zeros",
        bias_regularizer=None,
        bias_constraint=None,
        activity_regularizer=None,
        allow_causal=False,
        check_dilation=True,
        **kwargs,
    ):
        layer = type(self).__name__
        kernel_size = int_tuple(kernel_size, rank, "kernel_size", layer)
        strides = int_tuple(strides, rank, "strides", layer)
        dilation_rate = int_tuple(dilation_rate, rank, "dilation_rate", layer)
        padding = normalize_padding(padding, layer, allow_causal)
        data_format = normalize_data_format(data_format, layer)
        if check_dilation:
            check_strides_and_dilation(strides, dilation_rate, layer)
        activation = _resolve.activation(activation)
        bias_initializer = _resolve.initializer(bias_initializer, "bias_initializer")
        bias_regularizer = _resolve.regularizer(bias_regularizer, "bias_regularizer")
        bias_constraint = _resolve.constraint(bias_constraint, "bias_constraint")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.data_format = data_format
        self.dilation_rate = dilation_rate
        self.activation = activation
        self.use_bias = bool(use_bias)
        self.bias_initializer = bias_initializer
        self.bias_regularizer = bias_regularizer
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(ndim=rank + 2)
        self._channel_axis = -1 if data_format == "channels_last" else 1
        self._activation_fn = None if _resolve.is_linear(activation) else activation
        self._cast_weights_to = None
        self._bias_shape = None
        self.bias = None

    # -- build --------------------------------------------------------------------------------
    def _input_channels(self, input_shape) -> int:
        """The channel count of ``input_shape``; raises if the rank is wrong or it is unknown."""
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f'Layer "{self.name}" expects inputs of rank {self.rank + 2} (batch, '
                f"{self.rank} spatial dims, channels). Received: input_shape={input_shape}"
            )
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f'Layer "{self.name}": the channel dimension of the inputs (axis '
                f"{self._channel_axis}, data_format={self.data_format!r}) must be known to "
                f"build the layer. Received: input_shape={input_shape}"
            )
        return int(channels)

    def _finish_build(self, input_shape, input_channels: int, output_channels: int) -> None:
        """Create the bias, fix the input spec and the per-call constants, check the shape."""
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(output_channels,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.data_format == "channels_first":
                self._bias_shape = (output_channels,) + (1,) * self.rank
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: input_channels})
        if self.compute_dtype != self.variable_dtype:  # mixed precision: compute in half
            self._cast_weights_to = self.compute_dtype
        self.compute_output_shape(input_shape)  # raises now if an output dim would be <= 0
        self.built = True

    def _weight(self, variable):
        """The value of ``variable``, cast to the compute dtype under a mixed policy."""
        value = variable.value
        if self._cast_weights_to is not None:
            value = ops.cast(value, self._cast_weights_to)
        return value

    # -- call ---------------------------------------------------------------------------------
    def _convolve(self, inputs):
        """The convolution itself: one native op (subclasses implement it)."""
        raise NotImplementedError

    def call(self, inputs):
        x = self._convolve(inputs)
        if self.bias is not None:
            bias = self.bias.value
            if self._cast_weights_to is not None:
                bias = ops.cast(bias, self._cast_weights_to)
            if self._bias_shape is not None:
                bias = ops.reshape(bias, self._bias_shape)
            x = ops.add(x, bias)
        if self._activation_fn is not None:
            x = self._activation_fn(x)
        return x

    # -- shapes -------------------------------------------------------------------------------
    def _output_channels(self, input_channels):
        raise NotImplementedError

    def _spatial_output_shape(self, spatial):
        return tuple(
            conv_output_length(size, k, s, self.padding, d)
            for size, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f'Layer "{self.name}" expects inputs of rank {self.rank + 2}. '
                f"Received: input_shape={input_shape}"
            )
        first = self.data_format == "channels_first"
        spatial = input_shape[2:] if first else input_shape[1:-1]
        out_spatial = self._spatial_output_shape(spatial)
        if any(d is not None and d <= 0 for d in out_spatial):
            raise ValueError(
                f'Layer "{self.name}": the computed output size would be zero or negative '
                f"(spatial output {out_spatial}). Received: input_shape={input_shape}, "
                f"kernel_size={self.kernel_size}, strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}, padding={self.padding!r}. Use larger "
                f'inputs, a smaller kernel or padding="same".'
            )
        channels = input_shape[self._channel_axis]
        out_channels = None if channels is None else self._output_channels(channels)
        if first:
            return (input_shape[0], out_channels, *out_spatial)
        return (input_shape[0], *out_spatial, out_channels)

    # -- config -------------------------------------------------------------------------------
    def get_config(self):
        config = {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": serialize_keras_object(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
        }
        return {**super().get_config(), **config}


class BaseConv(ConvRoot):
    """The N-D convolution behind Conv1D/2D/3D: ``activation(conv(inputs, kernel) + bias)``.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of ``rank`` ints, the window size.
        strides: int or tuple of ``rank`` ints. ``strides > 1`` cannot be combined with
            ``dilation_rate > 1``.
        padding: ``"valid"`` (no padding), ``"same"`` (output size ``ceil(input / stride)``)
            or, for ``rank == 1``, ``"causal"`` (left padding only: output ``t`` sees inputs
            ``<= t``). Case-insensitive.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of ``rank`` ints, the dilation of the window.
        groups: positive int dividing both ``filters`` and the input channel count; the input
            channels are split in ``groups`` groups convolved separately.
        activation: the activation; ``None`` means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (``"glorot_uniform"``, ``"zeros"``).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        **kwargs: base layer arguments (``name``, ``dtype``, ``trainable``...).

    Weights: ``kernel`` of shape ``(*kernel_size, input_channels // groups, filters)``, then
    ``bias`` of shape ``(filters,)`` (Keras's names, shapes and order).
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
        layer = type(self).__name__
        filters = positive_int(filters, "filters")
        groups = positive_int(groups, "groups")
        if filters % groups:
            raise ValueError(
                f"{layer}: the number of filters must be divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}"
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
            allow_causal=rank == 1,
            **kwargs,
        )
        self.filters = filters
        self.groups = groups
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = kernel_regularizer
        self.kernel_constraint = kernel_constraint
        # Causal = pad the time axis on the left, then a "valid" convolution.
        self._op_padding = "valid" if self.padding == "causal" else self.padding
        self._causal_pad = None
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time_pad = (left, 0)
            if self.data_format == "channels_last":
                self._causal_pad = ((0, 0), time_pad, (0, 0))
            else:
                self._causal_pad = ((0, 0), (0, 0), time_pad)
        self._fused = None

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f'Layer "{self.name}": the number of input channels must be divisible by the '
                f"number of groups. Received: groups={self.groups}, but the input has "
                f"{channels} channels (input_shape={tuple(input_shape)})."
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._finish_build(input_shape, channels, self.filters)
        if self._cast_weights_to is None:
            # A backend fast path (torch: layout and padding fixed here, the bias added inside
            # the convolution kernel at inference); same numbers as the generic ops below, and
            # it may decline a call (NotImplemented) to leave it to them.
            factory = kcore.backend.fused_kernel("Conv")
            if factory is not None:
                self._fused = factory(
                    self.rank,
                    self.kernel_size,
                    self.strides,
                    self.padding,
                    self.data_format,
                    self.dilation_rate,
                    self.groups,
                )

    def call(self, inputs):
        fused = self._fused
        if fused is not None:
            bias = self.bias
            x = fused(inputs, self.kernel.value, None if bias is None else bias.value)
            if x is not NotImplemented:
                return x if self._activation_fn is None else self._activation_fn(x)
        return super().call(inputs)

    def _convolve(self, inputs):
        if self._causal_pad is not None:
            inputs = ops.pad(inputs, self._causal_pad)
        return ops.conv(
            inputs,
            self._weight(self.kernel),
            self.strides,
            self._op_padding,
            self.data_format,
            self.dilation_rate,
        )

    def _output_channels(self, input_channels):
        return self.filters

    def get_config(self):
        config = {
            "filters": self.filters,
            "groups": self.groups,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
        }
        return {**super().get_config(), **config}
