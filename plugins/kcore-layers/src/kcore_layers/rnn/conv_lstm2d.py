"""``ConvLSTM2D``: a 2D convolutional LSTM over sequences of images."""

from __future__ import annotations

from kcore_layers.rnn.conv_lstm import ConvLSTM

__all__ = ["ConvLSTM2D"]


class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM: an LSTM whose input and recurrent transformations are
    convolutions, over a sequence of images.

    The input convolution runs once for all timesteps (time folded into the batch) before the
    time loop (one ``kcore.ops.scan``); the recurrent convolution (strides 1, ``"same"``
    padding, as in Keras) runs per step. Weights are Keras's, so Keras weights load unchanged.

    Args:
        filters: positive int, the number of output channels (and of each state's channels).
        kernel_size: int or tuple of 2 ints, the convolution window.
        strides: int or tuple of 2 ints, the input convolution's strides. ``strides > 1``
            cannot be combined with ``dilation_rate > 1``.
        padding: ``"valid"`` or ``"same"`` (case-insensitive), the input convolution's padding.
        data_format: ``"channels_last"`` (inputs ``(batch, time, rows, cols, channels)``) or ``"channels_first"``
            (inputs ``(batch, time, channels, rows, cols)``); defaults to ``kcore.config.image_data_format()``.
        dilation_rate: int or tuple of 2 ints, the input convolution's dilation.
        activation: the cell/output activation (default ``"tanh"``; ``None`` is linear).
        recurrent_activation: the gate activation (default ``"sigmoid"``).
        use_bias: whether the cell has a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers
            (``"glorot_uniform"``, ``"orthogonal"``, ``"zeros"``).
        unit_forget_bias: add 1 to the forget-gate bias at initialization (with the
            ``"zeros"`` block of ``bias_initializer`` for that gate).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: weight regularizers.
        activity_regularizer: regularizer of the layer's output.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the input channels dropped (in training; one mask per gate).
        recurrent_dropout: fraction of the recurrent state dropped (in training).
        seed: int seed of the dropout masks.
        return_sequences: return every timestep's output instead of the last one.
        return_state: also return the final states ``h`` and ``c``.
        go_backwards: process the sequence backwards.
        stateful: carry the final states of batch ``i`` into the next call's batch ``i``.
        **kwargs: base layer arguments (``name``, ``dtype``...), ``unroll`` and
            ``zero_output_for_mask`` (as in ``RNN``).

    Call arguments:
        inputs: 5D tensor ``(batch, time, rows, cols, channels)`` (or channels-first); the spatial dims must be static.
        initial_state: optional ``[h0, c0]``, each shaped like one output step.
        mask: optional boolean ``(batch, time)``; masked steps carry the states through.
        training: whether dropout is active.

    Returns:
        ``(batch, time, new_rows, new_cols, filters)`` with ``return_sequences``, else ``(batch, new_rows, new_cols, filters)``
        (channels-last); with ``return_state`` followed by the final ``h`` and ``c``.

    Example::

        layer = kcore.layers.ConvLSTM2D(filters=8, kernel_size=3, padding="same")
        outputs = layer(np.zeros((4, 10, 16, 16, 3), "float32"))  # (4, 16, 16, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        **kwargs,
    ):
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )
