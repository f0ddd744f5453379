"""``Lambda``: wraps a function of tensors as a layer."""

from __future__ import annotations

import inspect
import types

from kcore import KerasTensor, Layer, tree
from kcore.saving import deserialize_keras_object, serialize_keras_object

__all__ = ["Lambda"]


def _is_python_lambda(fn) -> bool:
    return isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"


def _serialize_function(fn, argument: str, layer_name: str):
    if _is_python_lambda(fn):
        raise ValueError(
            f'Lambda layer "{layer_name}": cannot serialize `{argument}` because it is a Python '
            "lambda, whose code kcore never saves (loading it would run arbitrary code). Define "
            "a named function, decorate it with @kcore.saving.register_keras_serializable(), "
            "and pass that instead."
        )
    serialized = serialize_keras_object(fn)
    if isinstance(serialized, str):  # a plain named function: Keras 3's function record
        return {
            "module": getattr(fn, "__module__", None),
            "class_name": "function",
            "config": serialized,
            "registered_name": "function",
        }
    return serialized


def _deserialize_function(config, argument: str, custom_objects, safe_mode: bool):
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        raise ValueError(
            f"Requested the deserialization of a `Lambda` layer whose `{argument}` is a Python "
            "lambda. That would run arbitrary code, so kcore refuses it"
            + (" in safe mode" if safe_mode else "")
            + ". Rewrite the lambda as a named function registered with "
            "@kcore.saving.register_keras_serializable() and save the model again."
        )
    return deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)


class Lambda(Layer):
    """Wraps an arbitrary function of tensors as a layer.

    For simple stateless computations. Anything with weights should be a ``Layer`` subclass.
    Configs save the function by name: use a named function registered with
    ``@kcore.saving.register_keras_serializable()`` (or passed in ``custom_objects`` when
    loading). Python lambdas work in memory but cannot be saved.

    Args:
        function: the function, ``function(inputs, **arguments)``; it also receives ``mask``
            and ``training`` if its signature names them.
        output_shape: the output shape without the batch dim, or a function
            ``input_shape -> output_shape``; ``None`` (default) infers it by tracing.
        mask: a mask for the output, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments for ``function``.
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Input shape:
        Arbitrary.

    Output shape:
        ``output_shape`` if given, else whatever ``function`` returns.

    Example::

        @kcore.saving.register_keras_serializable()
        def double(x):
            return x * 2.0

        layer = kcore.layers.Lambda(double)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable. Received: function={function!r}")
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        if isinstance(output_shape, list) and all(
            d is None or isinstance(d, int) for d in output_shape
        ):
            output_shape = tuple(output_shape)
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_takes_mask = "mask" in params
        self._fn_takes_training = "training" in params
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_takes_mask:
            kwargs["mask"] = mask
        if self._fn_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            inputs = _tensors_for(input_shape, self.compute_dtype)
            return tree.map_structure(lambda t: t.shape, self.call(inputs))
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = tree.flatten(input_shape)[0]
        if _is_shape(self._output_shape):
            return (batch, *self._output_shape)
        return [(batch, *shape) for shape in self._output_shape]

    def compute_output_spec(self, inputs, mask=None, training=None):
        if self._output_shape is None:
            return self.call(inputs, mask=mask, training=training)
        out = self.compute_output_shape(tree.map_structure(lambda t: t.shape, inputs))
        dtype = tree.flatten(inputs)[0].dtype
        if _is_shape(out):
            return KerasTensor(out, dtype)
        return [KerasTensor(shape, dtype) for shape in out]

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = {"function": _serialize_function(self.function, "function", self.name)}
        if self._output_shape is not None:
            config["output_shape"] = (
                _serialize_function(self._output_shape, "output_shape", self.name)
                if callable(self._output_shape)
                else self._output_shape
            )
        if self.mask is not None:
            config["mask"] = (
                _serialize_function(self.mask, "mask", self.name)
                if callable(self.mask)
                else serialize_keras_object(self.mask)
            )
        config["arguments"] = serialize_keras_object(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        config = dict(config)
        config["function"] = _deserialize_function(
            config["function"], "function", custom_objects, safe_mode
        )
        for key in ("output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, (dict, str)):
                config[key] = _deserialize_function(value, key, custom_objects, safe_mode)
        config["arguments"] = {
            k: (
                deserialize_keras_object(v, custom_objects=custom_objects)
                if isinstance(v, dict) and "class_name" in v
                else v
            )
            for k, v in (config.get("arguments") or {}).items()
        }
        return cls(**config)


def _is_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int) for d in value)


def _tensors_for(input_shape, dtype):
    if _is_shape(input_shape):
        return KerasTensor(tuple(input_shape), dtype)
    if isinstance(input_shape, dict):
        return {k: _tensors_for(v, dtype) for k, v in input_shape.items()}
    return [_tensors_for(s, dtype) for s in input_shape]
