"""``Conv1D``: 1D convolution (temporal convolution), with optional causal padding."""

from __future__ import annotations

from kcore_layers.convolutional.base_conv import BaseConv

__all__ = ["Conv1D"]


class Conv1D(BaseConv):
    """1D convolution layer (e.g. temporal convolution).

    Convolves a kernel with the inputs over one spatial (time) dimension, adds a bias
    (if ``use_bias``) and applies the activation:
    ``activation(conv(inputs, kernel) + bias)``.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 1 int, the size of the convolution window.
        strides: int or tuple of 1 int, the step of the window. ``strides > 1`` cannot
            be combined with ``dilation_rate > 1``.
        padding: ``"valid"`` (no padding), ``"same"`` (zero padding so the output length is
            ``ceil(length / stride)``) or ``"causal"`` (zero padding on the left only, so
            output ``t`` depends only on inputs ``<= t``; useful for autoregressive models).
            Case-insensitive.
        data_format: ``"channels_last"`` (inputs ``(batch, steps, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, steps)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 1 int, the dilation of the window.
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
        ``kernel`` ``(kernel_size, input_channels // groups, filters)``, then ``bias``
        ``(filters,)``.

    Input shape:
        3D tensor ``(batch, steps, channels)`` (channels_last) or ``(batch, channels, steps)``
        (channels_first).

    Output shape:
        3D tensor ``(batch, new_steps, filters)`` or ``(batch, filters, new_steps)``; the
        new length is ``ceil(steps / stride)`` with ``"same"`` or ``"causal"`` padding and
        ``floor((steps - dilation * (kernel - 1) - 1) / stride) + 1`` with ``"valid"``.

    Example::

        inputs = kcore.Input(shape=(10, 128))
        outputs = kcore.layers.Conv1D(32, 3, padding="causal")(inputs)  # (None, 10, 32)
    """

    def __init__(
        self,
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
        super().__init__(
            1,
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
