"""``ConvLSTMCell`` and ``ConvLSTM``: the convolutional LSTM behind ConvLSTM1D/2D/3D (private).

The cell is an LSTM whose matmuls are convolutions and whose states ``[h, c]`` are images
(``(*spatial, filters)``, or ``(filters, *spatial)`` channels-first). It follows the cell
protocol of :class:`~kcore_layers.rnn.rnn.RNN` (``state_size`` is a list of two shape tuples)
and splits its step in two like the built-in cells: ``_project_sequence`` convolves the inputs
of *every* timestep at once (time folded into the batch, one ``ops.conv`` before the loop) and
``_projected_step`` does the per-step recurrent convolution (strides 1, ``"same"`` padding, no
dilation, as in Keras) and the gates (order i, f, c, o).
"""

from __future__ import annotations

from kcore import InputSpec, Layer, ops, random
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve
from kcore_layers._spatial_args import data_format as normalize_data_format
from kcore_layers._spatial_args import int_tuple
from kcore_layers._spatial_args import padding as normalize_padding
from kcore_layers._validation import positive_int
from kcore_layers.convolutional._conv_utils import check_strides_and_dilation, conv_output_length
from kcore_layers.rnn.base_cell_layer import cell_property
from kcore_layers.rnn.dropout_rnn_cell import DropoutRNNCell, validate_rate
from kcore_layers.rnn.rnn import RNN

__all__ = ["ConvLSTMCell", "ConvLSTM"]

_GEOMETRY = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate")
_ACT_KEYS = ("activation", "recurrent_activation")
_INIT_KEYS = ("kernel_initializer", "recurrent_initializer", "bias_initializer")
_REG_KEYS = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer")
_CON_KEYS = ("kernel_constraint", "recurrent_constraint", "bias_constraint")
_GATES = 4
# The cell's arguments after ``filters`` and ``kernel_size``, in Keras's config order.
_CELL_KEYS = (
    *_GEOMETRY[2:],
    *_ACT_KEYS,
    "use_bias",
    *_INIT_KEYS,
    "unit_forget_bias",
    *_REG_KEYS,
    *_CON_KEYS,
    "dropout",
    "recurrent_dropout",
    "seed",
)
_OBJECT_KEYS = frozenset((*_ACT_KEYS, *_INIT_KEYS, *_REG_KEYS, *_CON_KEYS))


class ConvLSTMCell(DropoutRNNCell, Layer):
    """One ConvLSTM step over ``rank``-D images.

    ``z = conv(x, kernel) + bias + conv_same(h_tm1, recurrent_kernel)`` split in four along the
    channels (i, f, c, o); ``c = f * c_tm1 + i * activation(z_c)`` with ``i, f, o`` passed
    through ``recurrent_activation``; ``h = o * activation(c)``. As in Keras each gate has its
    own dropout mask (four input masks, four recurrent masks).

    Args:
        rank: 1, 2 or 3 spatial dimensions.
        filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
        recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
        recurrent_dropout, seed: as in :class:`ConvLSTM`.
        **kwargs: base layer arguments.

    Weights: ``kernel (*kernel_size, in_channels, 4 * filters)``, ``recurrent_kernel
    (*kernel_size, filters, 4 * filters)``, ``bias (4 * filters,)`` (Keras's names, shapes,
    order and gate layout).
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
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        owner = kwargs.pop("_owner", None) or type(self).__name__
        args = {
            "filters": positive_int(filters, "filters"),
            "kernel_size": int_tuple(kernel_size, rank, "kernel_size", owner),
            "strides": int_tuple(strides, rank, "strides", owner),
            "padding": normalize_padding(padding, owner),
            "data_format": normalize_data_format(data_format, owner),
            "dilation_rate": int_tuple(dilation_rate, rank, "dilation_rate", owner),
            "activation": _resolve.activation(activation),
            "recurrent_activation": _resolve.activation(
                recurrent_activation, "recurrent_activation"
            ),
            "dropout": validate_rate(dropout, "dropout", owner),
            "recurrent_dropout": validate_rate(recurrent_dropout, "recurrent_dropout", owner),
        }
        check_strides_and_dilation(args["strides"], args["dilation_rate"], owner)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"{owner}: `seed` must be an int or None. Received: seed={seed!r}")
        objects = (
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            kernel_regularizer,
            recurrent_regularizer,
            bias_regularizer,
            kernel_constraint,
            recurrent_constraint,
            bias_constraint,
        )
        for key, value in zip((*_INIT_KEYS, *_REG_KEYS, *_CON_KEYS), objects):
            kind = key.rsplit("_", 1)[1]  # initializer / regularizer / constraint
            args[key] = getattr(_resolve, kind)(value, key)
        super().__init__(**kwargs)
        self.rank = rank
        for key, value in args.items():
            setattr(self, key, value)
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.seed = seed
        if self.dropout > 0 or self.recurrent_dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.input_spec = InputSpec(ndim=rank + 2)
        self._channel_axis = -1 if self.data_format == "channels_last" else 1
        self.state_size = None  # image-shaped; known once built (the spatial dims are static)
        self.output_size = None
        self._cast_to = None
        self._bias_shape = None

    # -- shapes ----------------------------------------------------------------------------------
    def _split_shape(self, input_shape):
        """``(spatial dims, channels)`` of a one-step input shape ``(batch, ...)``."""
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f'Layer "{self.name}" expects one timestep of rank {self.rank + 2} (batch, '
                f"{self.rank} spatial dims, channels). Received: input_shape={input_shape}"
            )
        if self.data_format == "channels_last":
            return input_shape[1:-1], input_shape[-1]
        return input_shape[2:], input_shape[1]

    def state_shape(self, spatial) -> tuple:
        """The per-sample shape of ``h`` (and ``c``) for inputs with ``spatial`` dims."""
        out = tuple(
            conv_output_length(size, k, s, self.padding, d)
            for size, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        if any(d is not None and d <= 0 for d in out):
            raise ValueError(
                f'Layer "{self.name}": the convolution output would be empty (spatial output '
                f"{out}) for spatial input {tuple(spatial)} with kernel_size={self.kernel_size}, "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}, padding="
                f'{self.padding!r}. Use larger inputs, a smaller kernel or padding="same".'
            )
        if self.data_format == "channels_last":
            return (*out, self.filters)
        return (self.filters, *out)

    def compute_output_shape(self, inputs_shape, states_shape=None):
        spatial, _ = self._split_shape(inputs_shape)
        shape = (tuple(inputs_shape)[0], *self.state_shape(spatial))
        return shape, [shape, shape]

    # -- weights ---------------------------------------------------------------------------------
    def _bias_initializer_fn(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        filters, initializer = self.filters, self.bias_initializer

        def bias_initializer(shape, dtype=None):
            return ops.concatenate(
                [
                    initializer((filters,), dtype=dtype),
                    ops.ones((filters,), dtype=dtype),
                    initializer((2 * filters,), dtype=dtype),
                ]
            )

        return bias_initializer

    def build(self, input_shape):
        spatial, channels = self._split_shape(input_shape)
        if any(d is None for d in spatial):
            raise ValueError(
                f'Layer "{self.name}": ConvLSTM layers need static spatial dimensions. '
                f"Received: input_shape={tuple(input_shape)}. Give the input a fixed shape "
                "(everything but the batch and time axes)."
            )
        if channels is None:
            raise ValueError(
                f'Layer "{self.name}": the channel dimension of the inputs (data_format='
                f"{self.data_format!r}) must be known. Received: input_shape={tuple(input_shape)}"
            )
        state = self.state_shape(spatial)
        width = _GATES * self.filters
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, channels, width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(*self.kernel_size, self.filters, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(width,),
                name="bias",
                initializer=self._bias_initializer_fn(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.data_format == "channels_first":
                self._bias_shape = (width,) + (1,) * self.rank
        self.spatial_dims = tuple(spatial)
        self.input_dim = channels
        self.state_size = [state, state]
        self.output_size = state
        if self.compute_dtype != self.variable_dtype:
            self._cast_to = self.compute_dtype
        self.built = True

    def _value(self, variable):
        value = variable.value
        return value if self._cast_to is None else ops.cast(value, self._cast_to)

    # -- dropout: one mask per gate, as in Keras -------------------------------------------------
    def _draw_mask(self, like, rate):
        ones = ops.ones_like(like)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(_GATES)]

    def _convs(self, xs, kernel, **conv_args):
        """``conv(x, kernel)``, or with one input per gate ``conv(x_g, kernel_g)`` for the four
        gates concatenated along the channels."""
        if len(xs) == 1:
            return ops.conv(xs[0], kernel, data_format=self.data_format, **conv_args)
        kernels = ops.split(kernel, _GATES, axis=-1)
        outs = [
            ops.conv(x, k, data_format=self.data_format, **conv_args) for x, k in zip(xs, kernels)
        ]
        return ops.concatenate(outs, axis=self._channel_axis)

    # -- the two halves of a step ----------------------------------------------------------------
    def _project(self, x, training=False, sequence=False):
        """Input convolution plus bias of one step ``(batch, ...)`` or, with ``sequence``, of a
        time-major ``(time, batch, ...)`` sequence in ONE convolution (time folded into the
        batch; the dropout masks are the same at every step)."""
        xs = [x]
        if training and 0 < self.dropout < 1:
            masks = self.get_dropout_mask(x[0] if sequence else x)
            xs = [ops.multiply(x, m) for m in masks]
        if sequence:
            shape = ops.shape(x)
            xs = [ops.reshape(t, (-1, *shape[2:])) for t in xs]
        z = self._convs(
            xs,
            self._value(self.kernel),
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
        )
        if self.bias is not None:
            bias = self._value(self.bias)
            z = ops.add(
                z, bias if self._bias_shape is None else ops.reshape(bias, self._bias_shape)
            )
        if sequence:
            z = ops.reshape(z, (shape[0], -1, *ops.shape(z)[1:]))
        return z

    def _project_sequence(self, inputs, training=False):
        """Project time-major ``(time, batch, ...)`` inputs for every step at once."""
        return self._project(inputs, training, sequence=True)

    def _projected_step(self, projected, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        kernel = self._value(self.recurrent_kernel)
        hs = [h_tm1]
        if training and 0 < self.recurrent_dropout < 1:
            hs = [ops.multiply(h_tm1, m) for m in self.get_recurrent_dropout_mask(h_tm1)]
        rec = self._convs(hs, kernel, strides=1, padding="same")
        z = ops.add(projected, rec)
        z_i, z_f, z_c, z_o = ops.split(z, _GATES, axis=self._channel_axis)
        gate, act = self.recurrent_activation, self.activation
        c = ops.add(ops.multiply(gate(z_f), c_tm1), ops.multiply(gate(z_i), act(z_c)))
        h = ops.multiply(gate(z_o), act(c))
        return h, [h, c]

    def call(self, inputs, states, training=False):
        return self._projected_step(self._project(inputs, training), states, training)

    # -- states and config -----------------------------------------------------------------------
    def get_initial_state(self, batch_size=None):
        """Zero ``[h, c]`` of shape ``(batch_size, *state_shape)``."""
        shape = (batch_size, *self.state_size[0])
        return [ops.zeros(shape, dtype=self.compute_dtype) for _ in range(2)]

    def get_config(self):
        config = {"filters": self.filters, "kernel_size": self.kernel_size}
        for key in _CELL_KEYS:
            value = getattr(self, key)
            config[key] = serialize_keras_object(value) if key in _OBJECT_KEYS else value
        return {**super().get_config(), **config}


class ConvLSTM(RNN):
    """Base of ConvLSTM1D/2D/3D: an ``RNN`` over a :class:`ConvLSTMCell` it builds itself.

    Its config is Keras's (the RNN flags, then the cell's arguments and
    ``activity_regularizer``; no nested ``cell``), and the cell's arguments read back as layer
    attributes (``layer.filters``, ``layer.padding``...). Inputs are
    ``(batch, time, *spatial, channels)`` (channels-last) or ``(batch, time, channels,
    *spatial)``; the spatial dims must be static.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        activity_regularizer=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        **kwargs,
    ):
        cell_args = {key: kwargs.pop(key) for key in _CELL_KEYS if key in kwargs}
        cell = ConvLSTMCell(
            rank,
            filters,
            kernel_size,
            **cell_args,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="conv_lstm_cell",
            _owner=type(self).__name__,
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.rank = rank
        self.input_spec = InputSpec(ndim=rank + 3)

    def _step_shape(self, sequences_shape):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.rank + 3:
            raise ValueError(
                f'Layer "{self.name}" expects inputs of rank {self.rank + 3} (batch, time, '
                f"{self.rank} spatial dims, channels). Received: input_shape={sequences_shape}"
            )
        return (sequences_shape[0], *sequences_shape[2:])

    def build(self, sequences_shape, initial_state_shape=None):
        self._step_shape(sequences_shape)
        super().build(sequences_shape, initial_state_shape)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        spatial, _ = self.cell._split_shape(self._step_shape(sequences_shape))
        batch, state = sequences_shape[0], self.cell.state_shape(spatial)
        if self.return_sequences:
            output = (batch, sequences_shape[1], *state)
        else:
            output = (batch, *state)
        if self.return_state:
            return output, (batch, *state), (batch, *state)
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        keys = list(cell_config)
        at = keys.index("kernel_constraint")
        activity = serialize_keras_object(self.activity_regularizer)
        ordered = {k: cell_config[k] for k in keys[:at]}
        ordered["activity_regularizer"] = activity
        ordered.update({k: cell_config[k] for k in keys[at:]})
        return {**config, **ordered}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


for _name in ("filters", "kernel_size", *_CELL_KEYS):
    setattr(ConvLSTM, _name, cell_property(_name))
del _name
