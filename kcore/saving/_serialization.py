"""``serialize_keras_object`` / ``deserialize_keras_object`` and custom-object registration."""

from __future__ import annotations

import inspect
import threading
import types
from typing import Any

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
]

#: Keras module name written in configs, per registry kind.
KIND_MODULES = {
    "layers": "keras.layers",
    "activations": "keras.activations",
    "initializers": "keras.initializers",
    "regularizers": "keras.regularizers",
    "constraints": "keras.constraints",
    "optimizers": "keras.optimizers",
    "schedules": "keras.optimizers.schedules",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "callbacks": "keras.callbacks",
}
_MODULE_KINDS = {module: kind for kind, module in KIND_MODULES.items()}

#: Classes the core itself provides, by the class names Keras writes.
_CORE_CLASSES = {
    "Functional": "kcore._functional:Functional",
    "Model": "kcore._model:Model",
    "Sequential": "kcore._sequential:Sequential",
    "InputLayer": "kcore._functional:InputLayer",
    "OpLayer": "kcore._functional:OpLayer",
    "Layer": "kcore._layer:Layer",
    "DTypePolicy": "kcore.dtype_policies:DTypePolicy",
    "FloatDTypePolicy": "kcore.dtype_policies:DTypePolicy",
}

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_scope = threading.local()


def get_custom_objects() -> dict[str, Any]:
    """The global dict of registered custom objects (name -> object); mutable."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator registering a class or function for (de)serialization as ``package>name``.

    Example::

        @kcore.saving.register_keras_serializable(package="my_package")
        class MyLayer(kcore.layers.Layer): ...
    """

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__}: classes registered for serialization must "
                "implement `get_config()`."
            )
        if registered in _GLOBAL_CUSTOM_OBJECTS and _GLOBAL_CUSTOM_OBJECTS[registered] is not obj:
            raise ValueError(f"{registered!r} has already been registered to another object.")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """``package>name`` if ``obj`` was registered, else its ``__name__``."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name: str, custom_objects=None, module_objects=None):
    """The object registered (or passed as a custom object) under ``name``, or ``None``."""
    for table in (
        *_scope_stack(),
        custom_objects or {},
        _GLOBAL_CUSTOM_OBJECTS,
        module_objects or {},
    ):
        if name in table:
            return table[name]
    return None


class CustomObjectScope:
    """Within the ``with`` block, ``custom_objects`` resolve by name during deserialization."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        stack = _scope_stack()
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


def _scope_stack() -> list[dict[str, Any]]:
    stack = getattr(_scope, "stack", None)
    if stack is None:
        stack = _scope.stack = []
    return stack


def _kind_of(obj) -> str | None:
    from kcore import plugins

    target = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    for kind in KIND_MODULES:
        try:
            table = plugins.registry(kind)
        except plugins.PluginError:
            continue
        for spec, _ in table.values():
            if isinstance(spec.load, str):
                module, _, attr = spec.load.partition(":")
                if (
                    getattr(target, "__module__", None) == module
                    and getattr(target, "__qualname__", None) == attr
                ):
                    return kind
            elif spec.load is target:
                return kind
    return None


def serialize_keras_object(obj) -> Any:
    """A JSON-friendly config for ``obj`` in Keras 3's format."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if hasattr(obj, "tolist") and hasattr(obj, "dtype") and not hasattr(obj, "get_config"):
        return obj.tolist()
    registered = _GLOBAL_CUSTOM_NAMES.get(
        obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    )
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            raise ValueError(
                "Cannot serialize a lambda function. Use a named, registered function "
                "(@kcore.saving.register_keras_serializable) instead."
            )
        if registered:
            return {"module": None, "class_name": "function", "config": registered,
                    "registered_name": "function"}  # fmt: skip
        return obj.__name__  # built-in activations and losses serialize as their name
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r}: it has no `get_config()` method. Implement one, or pass "
            "a serializable value."
        )
    cls = type(obj)
    kind = _kind_of(cls)
    if registered:
        module = None
    elif kind is not None:
        module = KIND_MODULES[kind]
    elif cls.__name__ in _CORE_CLASSES:
        module = "keras.layers" if cls.__name__ == "InputLayer" else "keras"
    else:
        module = cls.__module__
    config = {
        "module": module,
        "class_name": cls.__name__,
        "config": serialize_keras_object(obj.get_config()),
        "registered_name": registered,
    }
    build_config = getattr(obj, "get_build_config", None)
    if build_config is not None:
        built = build_config()
        if built is not None:
            config["build_config"] = built
    return config


def _find_class(class_name, module, registered_name, kind, custom_objects):
    for name in filter(None, (registered_name, class_name)):
        found = get_registered_object(name, custom_objects)
        if found is not None:
            return found
    kinds = [kind] if kind else []
    module_kind = _MODULE_KINDS.get(module or "")
    if module_kind and module_kind not in kinds:
        kinds.append(module_kind)
    from kcore import plugins

    for k in kinds:
        entry = plugins.registry(k).get(class_name)
        if entry is not None:
            return entry[0].resolve()
    if class_name in _CORE_CLASSES:
        from kcore.records import resolve_reference

        return resolve_reference(_CORE_CLASSES[class_name])
    if not kinds:  # unknown module: try every kind before giving up
        for k in KIND_MODULES:
            entry = plugins.registry(k).get(class_name)
            if entry is not None:
                return entry[0].resolve()
    return None


def deserialize_keras_object(config, kind=None, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuild an object from :func:`serialize_keras_object` output (or a name string).

    Args:
        config: a config dict, a name (``"relu"``, ``"glorot_uniform"``) or ``None``.
        kind: the registry kind to resolve names in (``"activations"``).
        custom_objects: extra name -> object mappings.
        safe_mode: refuse configs that would run arbitrary code (lambdas).

    Raises:
        ValueError: the class or name cannot be found; the message says how to register it.
    """
    if config is None:
        return None
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects)
        if found is None and kind is not None:
            from kcore import plugins

            entry = plugins.registry(kind).get(config)
            if entry is None:
                raise ValueError(plugins.missing_message(kind, config))
            found = entry[0].resolve()
        if found is None:
            raise ValueError(
                f"Could not interpret {config!r}: no registered object has that name. Pass it in "
                "`custom_objects` or register it with @kcore.saving.register_keras_serializable."
            )
        return found() if inspect.isclass(found) else found
    if not isinstance(config, dict):
        return config
    if "class_name" not in config:
        raise ValueError(
            f"Cannot deserialize {config!r}: expected a dict with a 'class_name' key, as "
            "written by serialize_keras_object."
        )
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "__lambda__" or class_name == "function" and isinstance(inner, dict):
        if safe_mode:
            raise ValueError(
                "Refusing to deserialize a lambda: that would run arbitrary code. If you trust "
                "the source, pass `safe_mode=False`."
            )
        raise ValueError("Deserializing lambdas is not supported by kcore yet.")
    if class_name == "function":
        return deserialize_keras_object(inner, kind=kind, custom_objects=custom_objects)
    cls = _find_class(
        class_name, config.get("module"), config.get("registered_name"), kind, custom_objects
    )
    if cls is None:
        raise ValueError(
            f"Could not locate class {class_name!r} (module {config.get('module')!r}). Make sure "
            "the plugin that provides it is installed, or that custom classes are decorated "
            "with @kcore.saving.register_keras_serializable or passed in `custom_objects`."
        )
    if not inspect.isclass(cls):
        return cls
    scope = CustomObjectScope(custom_objects or {})
    with scope:
        if hasattr(cls, "from_config"):
            try:
                obj = cls.from_config(inner or {})
            except TypeError as exc:
                raise TypeError(
                    f"{cls.__name__}.from_config could not rebuild the object from {inner!r}: "
                    f"{exc}. Override `from_config` (or `get_config`) so they match."
                ) from exc
        else:
            obj = cls(**(inner or {}))
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config"):
        obj.build_from_config(build_config)
    return obj
