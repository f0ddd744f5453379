"""``Conv1DTranspose``: 1D transposed convolution."""

from __future__ import annotations

from kcore_layers.convolutional.base_conv_transpose import BaseConvTranspose

__all__ = ["Conv1DTranspose"]


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution layer ("deconvolution").

    The transpose of a 1D convolution: it maps something shaped like a convolution's
    output back to something shaped like its input, e.g. to up-sample a sequence by ``strides``.
    Computes ``activation(conv_transpose(inputs, kernel) + bias)``.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 1 int, the size of the window.
        strides: int or tuple of 1 int, the up-sampling factor. ``strides > 1`` cannot be
            combined with ``dilation_rate > 1``.
        padding: ``"valid"`` or ``"same"`` (case-insensitive).
        output_padding: ``None`` (default: the size is inferred) or int or tuple of 1 int, each
            ``>= 0`` and strictly less than its stride: the size added at the end of each
            spatial axis.
        data_format: ``"channels_last"`` (inputs ``(batch, steps, channels)``) or
            ``"channels_first"`` (inputs ``(batch, channels, steps)``). Defaults to
            ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 1 int, the dilation of the window.
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
        ``kernel`` ``(kernel_size, filters, input_channels)`` (output channels first, as Keras),
        then ``bias`` ``(filters,)``.

    Input shape:
        3D tensor ``(batch, steps, channels)`` or ``(batch, channels, steps)``.

    Output shape:
        3D tensor ``(batch, new_steps, filters)`` or ``(batch, filters, new_steps)``. Without
        ``output_padding`` each new
        spatial size is ``size * stride`` (``"same"``) or
        ``size * stride + max(dilation * (kernel - 1) + 1 - stride, 0)`` (``"valid"``); with
        it, ``(size - 1) * stride + dilation * (kernel - 1) + 1 - 2 * pad + output_padding``
        where ``pad`` is half the effective kernel (``"same"``) or 0 (``"valid"``).

    Example::

        inputs = kcore.Input(shape=(10, 8))
        outputs = kcore.layers.Conv1DTranspose(4, 3, strides=2, padding="same")(inputs)
        # shape (None, 20, 4)
    """

    def __init__(
        self,
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
        super().__init__(
            1,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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
