"""``kcore.Layer``: the base of every layer and model.

Keras 3 semantics: ``__init__`` validates and stores config; ``build(input_shape)`` creates weights
with ``add_weight`` (called automatically on the first call); ``call(inputs, training=None,
mask=None)`` computes; ``get_config`` / ``from_config`` round-trip. Variables and sub-layers
assigned as attributes are tracked automatically, in creation order, which fixes the weight order
(``Dense``: kernel, bias) that files and ``set_weights`` rely on.

Speed: an eager call on a built layer does one symbolic check, fills ``training`` from the call
context only when ``call`` takes it, and calls ``call``. Everything else (autocast, activity
regularization, masks) is skipped unless configured.
"""

from __future__ import annotations

import inspect
import re
import threading
from typing import Any

from kcore import tree
from kcore._symbolic import KerasTensor
from kcore._variable import Variable
from kcore.backend import _selection as _backend_selection
from kcore.backend.dtypes import standardize_dtype
from kcore.dtype_policies import DTypePolicy, get_policy
from kcore.random import SeedGenerator

__all__ = ["Layer", "InputSpec", "unique_name", "clear_session"]

_ALLOWED_KWARGS = {"input_shape", "input_dim", "batch_input_shape", "batch_size", "input_dtype"}
_names_lock = threading.Lock()
_name_counts: dict[str, int] = {}
_context = threading.local()


def unique_name(prefix: str) -> str:
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2``... (like Keras's auto-names)."""
    with _names_lock:
        count = _name_counts.get(prefix, 0)
        _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session() -> None:
    """Reset auto-naming (``dense``, ``dense_1``, ... start again)."""
    with _names_lock:
        _name_counts.clear()


def _snake_case(name: str) -> str:
    # Keras's rule: a digit does not start a new word ("MaxPooling2D" -> "max_pooling2d").
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class InputSpec:
    """What a layer accepts: ``ndim``, ``min_ndim``, ``max_ndim``, ``axes`` ({axis: size}), dtype."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = standardize_dtype(dtype) if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def check(self, layer_name: str, index: int, shape: tuple) -> None:
        """Raise ``ValueError`` if ``shape`` is incompatible (message names the layer)."""
        where = f'Input {index} of layer "{layer_name}" is incompatible with the layer'
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            raise ValueError(
                f"{where}: expected ndim={self.ndim}, found ndim={rank}. Full shape received: {shape}"
            )
        if self.min_ndim is not None and rank < self.min_ndim:
            raise ValueError(
                f"{where}: expected min_ndim={self.min_ndim}, found ndim={rank}. Full shape received: {shape}"
            )
        if self.max_ndim is not None and rank > self.max_ndim:
            raise ValueError(
                f"{where}: expected max_ndim={self.max_ndim}, found ndim={rank}. Full shape received: {shape}"
            )
        for axis, size in self.axes.items():
            if size is None or rank == 0:
                continue
            got = shape[axis] if -rank <= axis < rank else None
            if got is not None and got != size:
                raise ValueError(
                    f"{where}: expected axis {axis} of input shape to have value {size}, but "
                    f"received input with shape {shape}"
                )

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}  # fmt: skip


class _CallContext:
    __slots__ = ("training",)

    def __init__(self, training):
        self.training = training


def _current_training():
    ctx = getattr(_context, "call", None)
    return None if ctx is None else ctx.training


class _PlainRoot:
    """Placeholder root of :class:`_BackendBase` (``__bases__`` can only swap between classes)."""


class _BackendBase(_PlainRoot):
    """The active backend's base for every layer (``kcore_layer_base`` hook), or nothing.

    Its ``__bases__`` are replaced when a backend loads; torch makes it ``torch.nn.Module``.
    """


def _install_backend_base(backend) -> None:
    from kcore import plugins

    base = plugins.get_plugin_manager().hook.kcore_layer_base(backend=backend.name)
    wanted = (base,) if base is not None else (_PlainRoot,)
    if _BackendBase.__bases__ != wanted:
        _BackendBase.__bases__ = wanted


class Layer(_BackendBase):
    """Base class of all layers.

    Args:
        activity_regularizer: optional regularizer applied to the layer's outputs.
        trainable: whether the layer's weights are updated by training.
        dtype: a dtype or dtype policy name (``"float32"``, ``"mixed_float16"``).
        autocast: whether floating inputs are cast to the compute dtype.
        name: a unique name; defaults to the snake-cased class name (``dense``, ``dense_1``...).
    """

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Remember constructor arguments: default get_config for simple user subclasses.
        try:
            bound = inspect.signature(cls.__init__).bind_partial(None, *args, **kwargs)
            config = dict(bound.arguments)
            config.pop(next(iter(config)), None)  # self
            extra = config.pop("kwargs", {})
            config.update(extra)
        except TypeError:
            config = None
        object.__setattr__(obj, "_auto_config", config)
        return obj

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        unknown = set(kwargs) - _ALLOWED_KWARGS
        if unknown:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                f"{ {k: kwargs[k] for k in sorted(unknown)} }"
            )
        if name is not None and (not isinstance(name, str) or "/" in name or not name):
            raise ValueError(
                f"{type(self).__name__}: `name` must be a non-empty string without '/'. "
                f"Received: name={name!r}"
            )
        if _backend_selection._active is None:
            _backend_selection.get_backend()  # the backend may give layers a base (nn.Module)
        sa = object.__setattr__
        sa(self, "_tracking", False)
        sa(self, "_layers", [])
        sa(self, "_own_variables", [])
        sa(self, "_trainable_own", [])  # own variables created trainable (freezing flips them)
        sa(self, "_losses", [])
        sa(self, "_seed_generators", [])
        sa(self, "_non_weight_state", [])  # state Variables outside `weights` (RNN states)
        self.name = name or unique_name(_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._dtype_policy = get_policy(dtype)
        self.autocast = bool(autocast)
        self.built = False
        self.input_spec = None
        self.supports_masking = getattr(self, "supports_masking", False)
        self._activity_regularizer = _resolve_regularizer(activity_regularizer)
        self._call_signature = inspect.signature(self.call)
        params = self._call_signature.parameters
        self._call_has_training = "training" in params
        self._call_has_mask = "mask" in params
        self._inbound_nodes = []
        input_shape = kwargs.get("input_shape")
        if input_shape is None and kwargs.get("input_dim") is not None:
            input_shape = (kwargs["input_dim"],)
        if kwargs.get("batch_input_shape") is not None:
            batch_shape = tuple(kwargs["batch_input_shape"])
        elif input_shape is not None:
            batch_shape = (kwargs.get("batch_size"), *tuple(input_shape))
        else:
            batch_shape = None
        self._batch_input_shape = batch_shape
        self._input_dtype_arg = kwargs.get("input_dtype")
        sa(self, "_tracking", True)

    # -- attribute tracking ----------------------------------------------------------------------
    def __setattr__(self, name, value):
        if getattr(self, "_tracking", False) and not name.startswith("__"):
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value):
        if isinstance(value, Variable):
            if not any(v is value for v in self._own_variables):
                self._own_variables.append(value)
                if value.trainable:
                    self._trainable_own.append(value)
                    if not self._trainable:
                        value.trainable = False
        elif isinstance(value, Layer):
            if value is not self and not any(layer is value for layer in self._layers):
                self._layers.append(value)
        elif isinstance(value, SeedGenerator):
            if not any(g is value for g in self._seed_generators):
                self._seed_generators.append(value)
        elif isinstance(value, (list, tuple)) and value and not isinstance(value, str):
            for item in value:
                if isinstance(item, (Layer, Variable)):
                    self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, (Layer, Variable)):
                    self._track(item)

    def __delattr__(self, name):
        value = getattr(self, name, None)
        if isinstance(value, Layer):
            self._layers = [layer for layer in self._layers if layer is not value]
        elif isinstance(value, Variable):
            self._own_variables = [v for v in self._own_variables if v is not value]
            self._trainable_own = [v for v in self._trainable_own if v is not value]
        object.__delattr__(self, name)

    # -- dtype -------------------------------------------------------------------------------------
    @property
    def dtype_policy(self) -> DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = get_policy(value)

    @property
    def dtype(self) -> str:
        """The variable dtype."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    # -- weights ---------------------------------------------------------------------------------
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ) -> Variable:
        """Create a weight tracked by this layer.

        Args:
            shape: the weight's shape (default ``()``).
            initializer: an initializer object, callable or name; default ``"glorot_uniform"``
                for float weights and ``"zeros"`` otherwise.
            dtype: default: the layer's variable dtype.
            trainable: whether training updates it.
            autocast: whether mixed precision may cast it when read.
            regularizer: a regularizer (object or name) added to ``losses``.
            constraint: a constraint (object or name) applied after each optimizer update.
            aggregation: distribution hint stored on the variable.
            overwrite_with_gradient: store the gradient as the value (used by float8 training).
            name: the weight name (``kernel``); its path is ``<layer name>/<name>``.
        """
        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.startswith(("float", "bfloat")) else "zeros"
        initializer = _resolve("initializers", initializer)
        variable = Variable(
            initializer,
            shape=shape,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            aggregation=aggregation,
            name=name or unique_name("variable"),
        )
        variable.path = f"{self.name}/{variable.name}"
        variable.regularizer = _resolve_regularizer(regularizer)
        variable.constraint = _resolve("constraints", constraint) if constraint else None
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._track(variable)
        return variable

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        value = bool(value)
        self._trainable = value
        for v in self._trainable_own:  # as Keras 3: the variables follow (torch requires_grad)
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def _flat_layers(self):
        seen, out = set(), []
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._layers))
        return out

    @property
    def weights(self) -> list[Variable]:
        """Own trainable, then own non-trainable weights, then each sub-layer's, recursively."""
        seen, out = set(), []
        created_trainable = {id(v) for v in self._trainable_own}
        own = [v for v in self._own_variables if id(v) in created_trainable] + [
            v for v in self._own_variables if id(v) not in created_trainable
        ]
        for v in own:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._layers:
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def _track_state_variables(self, variables) -> None:
        """Track ``variables`` as layer state that is not a weight (a stateful RNN's states).

        They are listed by ``variables`` (so compiled trainers carry and write them back) but
        not by ``weights`` / ``get_weights``, as in Keras 3.
        """
        for v in variables:
            if not isinstance(v, Variable):
                raise TypeError(
                    f"{type(self).__name__}: state must be kcore.Variable objects. "
                    f"Received: {type(v).__name__}"
                )
        self._non_weight_state.extend(variables)

    @property
    def variables(self) -> list[Variable]:
        """Weights plus other state (seed-generator states, RNN states), as Keras 3's
        ``layer.variables``."""
        out = list(self.weights)
        seen = {id(v) for v in out}
        for layer in [self, *self._flat_layers()]:
            state = [g.state for g in layer._seed_generators] + layer._non_weight_state
            for v in state:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self._collect(trainable_only=True)]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    def _collect(self, trainable_only: bool):
        seen, out = set(), []
        for v in self._own_variables:
            if v.trainable and id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._layers:
            if not layer.trainable:
                continue
            for v in layer._collect(trainable_only):
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def count_params(self) -> int:
        """Total number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f'You tried to call `count_params` on layer "{self.name}", but the layer isn\'t '
                "built. Call the layer on data or call `build(input_shape)` first."
            )
        total = 0
        for v in self.weights:
            size = 1
            for d in v.shape:
                size *= d
            total += size
        return total

    def get_weights(self) -> list:
        """The weights as NumPy arrays (copies, not views of live tensors), in ``weights`` order."""
        import numpy as np

        return [np.array(v.numpy(), copy=True) for v in self.weights]

    def set_weights(self, weights) -> None:
        """Set the weights from arrays in ``weights`` order; validates everything first."""
        import numpy as np

        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f'Layer "{self.name}": `set_weights` expected a list of {len(variables)} arrays '
                f"({[v.name for v in variables]}), received {len(weights)}."
            )
        arrays = []
        for variable, value in zip(variables, weights):
            array = np.asarray(value)
            if tuple(array.shape) != tuple(variable.shape):
                raise ValueError(
                    f'Layer "{self.name}": weight {variable.path!r} has shape {variable.shape}, '
                    f"received a value of shape {array.shape}."
                )
            arrays.append(array)
        for variable, array in zip(variables, arrays):
            variable.assign(array)

    # -- building --------------------------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the layer's weights for ``input_shape``; the default creates none."""
        self.built = True

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        first = args[0] if args else next(iter(kwargs.values()), None)
        self._check_input_spec(first)
        build_from_call(self, args, kwargs, _shape_of)
        self.built = True

    def _check_input_spec(self, inputs):
        spec = self.input_spec
        if spec is None or inputs is None:
            return
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        flat = tree.flatten(inputs)
        for index, (s, x) in enumerate(zip(specs, flat)):
            if s is not None:
                shape = _shape_of(x)
                if shape is not None:
                    s.check(self.name, index, tuple(shape))

    # -- calling ---------------------------------------------------------------------------------
    def call(self, inputs, *args, **kwargs):
        """The layer's computation; subclasses override it."""
        return inputs

    def __call__(self, *args, **kwargs):
        if _contains_symbolic(args, kwargs):
            from kcore._functional import symbolic_layer_call

            return symbolic_layer_call(self, args, kwargs)
        if not self.built:
            self._maybe_build(args, kwargs)
        elif self.input_spec is not None and args:
            self._check_input_spec(args[0])
        if self._call_has_training:
            training = kwargs.get("training")
            if training is None:
                training = _current_training()
                if training is not None:
                    kwargs["training"] = training
            previous = getattr(_context, "call", None)
            _context.call = _CallContext(training)
            try:
                outputs = self._call_eager(args, kwargs)
            finally:
                _context.call = previous
        else:
            kwargs.pop("training", None)
            outputs = self._call_eager(args, kwargs)
        if self._activity_regularizer is not None:
            from kcore import ops

            for out in tree.flatten(outputs):
                self._losses.append(
                    ops.divide(
                        self._activity_regularizer(out), ops.cast(ops.shape(out)[0], "float32")
                    )
                )
        return outputs

    def _call_eager(self, args, kwargs):
        if not self._call_has_mask:
            kwargs.pop("mask", None)
        if self.autocast and self._dtype_policy.needs_cast and args:
            args = (_autocast(args[0], self.compute_dtype), *args[1:])
        return self.call(*args, **kwargs)

    def compute_output_shape(self, *args, **kwargs):
        """Output shape for the given input shape(s); default: trace ``call`` symbolically."""
        raise NotImplementedError

    def compute_output_spec(self, *args, **kwargs):
        """Symbolic outputs for symbolic inputs: ``compute_output_shape`` if the layer defines
        it, else a shape-only trace of ``call`` by the backend."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0]
            shapes = tree.map_structure(lambda x: x.shape, first)
            out_shapes = self.compute_output_shape(shapes)
            return _shapes_to_tensors(out_shapes, self.compute_dtype)
        if not self._call_has_mask:
            kwargs.pop("mask", None)
        if not self._call_has_training:
            kwargs.pop("training", None)
        # Run `call` op by op on the symbolic tensors: every kcore.ops call infers its own output
        # spec, and sub-layers build themselves with real (eagerly initialized) weights.
        return self.call(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        """The mask of the outputs: passes ``previous_mask`` through if ``supports_masking``."""
        if not self.supports_masking:
            return None
        return previous_mask

    # -- regularization losses -------------------------------------------------------------------
    @property
    def losses(self) -> list:
        """Activity-regularization losses of the last call plus weight-regularization losses."""
        out = list(self._losses)
        for layer in self._flat_layers():
            out.extend(layer._losses)
        for v in self.weights:
            reg = getattr(v, "regularizer", None)
            if reg is not None:
                out.append(reg(v.value))
        return out

    def _clear_losses(self):
        self._losses.clear()
        for layer in self._flat_layers():
            layer._losses.clear()

    @property
    def activity_regularizer(self):
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value):
        self._activity_regularizer = _resolve_regularizer(value)

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this layer (plus name, trainable, dtype)."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self._dtype_policy.get_config_for_layer(),
        }
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        if self._activity_regularizer is not None:
            from kcore.saving import serialize_keras_object

            config["activity_regularizer"] = serialize_keras_object(self._activity_regularizer)
        own_init = type(self).__init__ is not Layer.__init__
        if own_init and type(self).get_config is Layer.get_config:
            auto = self._auto_config
            if auto is None or not _json_friendly(auto):
                raise NotImplementedError(
                    f"Layer {type(self).__name__} has constructor arguments that are not "
                    "JSON-serializable; override `get_config()` to return them."
                )
            config.update({k: v for k, v in auto.items() if k not in config})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        """Rebuild a layer from ``get_config()`` output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def build_from_call(layer, args, kwargs, shape_fn) -> None:
    """Call ``layer.build`` with the shapes of the call arguments (``shape_fn`` maps a leaf).

    As in Keras 3, a ``build`` whose parameters are all ``<argument>_shape`` for several of
    ``call``'s arguments (``build(self, query_shape, value_shape, key_shape=None)``) receives each
    argument's shape by name; any other ``build`` receives the shape of the first input.
    """
    names = _build_shape_arguments(layer)
    if names:
        try:
            bound = layer._call_signature.bind_partial(*args, **kwargs).arguments
        except TypeError:
            bound = None
        if bound is not None:
            shapes = {
                f"{n}_shape": tree.map_structure(shape_fn, bound[n])
                for n in names
                if bound.get(n) is not None
            }
            layer.build(**shapes)
            return
    first = args[0] if args else next(iter(kwargs.values()), None)
    layer.build(tree.map_structure(shape_fn, first) if first is not None else None)


def _build_shape_arguments(layer) -> tuple:
    """The call arguments ``build`` takes shapes of by name, or ``()`` for a one-shape build."""
    try:
        params = inspect.signature(layer.build).parameters
    except (TypeError, ValueError):
        return ()
    call_params = layer._call_signature.parameters
    names = [n for n in params if n.endswith("_shape") and n[:-6] in call_params]
    if len(params) < 2 or len(names) != len(params):
        return ()
    return tuple(n[:-6] for n in names)


def _shape_of(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)


def _contains_symbolic(args, kwargs) -> bool:
    for a in args:
        if isinstance(a, KerasTensor):
            return True
        if isinstance(a, (list, tuple, dict)) and any(
            isinstance(leaf, KerasTensor) for leaf in tree.flatten(a)
        ):
            return True
    for a in kwargs.values():
        if isinstance(a, KerasTensor):
            return True
    return False


def _shapes_to_tensors(shapes, dtype):
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return KerasTensor(shapes, dtype)
    if isinstance(shapes, dict):
        return {k: _shapes_to_tensors(v, dtype) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_shapes_to_tensors(s, dtype) for s in shapes)
    return KerasTensor(tuple(shapes), dtype)


def _autocast(x, dtype):
    from kcore import ops

    def cast(t):
        if t is None or isinstance(t, (int, bool)):
            return t
        current = ops.dtype(t)
        if current.startswith(("float", "bfloat")) and current != dtype:
            return ops.cast(t, dtype)
        return t

    return tree.map_structure(cast, x)


def _resolve(kind: str, identifier):
    if identifier is None or callable(identifier) and not isinstance(identifier, (str, dict)):
        return identifier
    from kcore.saving import deserialize_keras_object

    return deserialize_keras_object(identifier, kind=kind)


def _resolve_regularizer(value):
    return None if value is None else _resolve("regularizers", value)


def _json_friendly(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_json_friendly(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_friendly(v) for k, v in value.items())
    return False


def _watch_backend() -> None:
    _backend_selection.on_backend_loaded(_install_backend_base)
    if _backend_selection._active is not None:
        _install_backend_base(_backend_selection._active)


_watch_backend()
