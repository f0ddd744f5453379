"""Lazy user namespaces (``kcore.layers``, ``kcore.optimizers``, ...) backed by the registries.

Each namespace module calls :func:`install` with its registry kind. Attribute access resolves the
name through the plugin registry on first use and caches it on the module; ``dir()`` lists what
is installed; a name nobody provides raises ``AttributeError`` saying what to install.
"""

from __future__ import annotations

import sys
from typing import Any


def install(module_name: str, kind: str, core: dict[str, str] | None = None) -> None:
    """Give the module ``module_name`` a registry-backed ``__getattr__`` and ``__dir__``.

    Args:
        module_name: the namespace module's ``__name__``.
        kind: the registry kind (``"layers"``).
        core: names the core itself provides in this namespace, as ``"module:attr"``.
    """
    module = sys.modules[module_name]
    core = dict(core or {})
    if kind in _GETTABLE:
        module.get = _make_get(kind)
        module.serialize = _serialize
        module.deserialize = _make_deserialize(kind)

    def __getattr__(name: str) -> Any:  # noqa: N807
        if name.startswith("__"):
            raise AttributeError(name)
        from kcore import plugins
        from kcore.records import resolve_reference

        if name in core:
            value = resolve_reference(core[name])
        else:
            entry = plugins.registry(kind).get(name)
            if entry is None:
                raise AttributeError(
                    f"module {module_name!r} has no attribute {name!r}. "
                    + plugins.missing_message(kind, name)
                )
            value = entry[0].resolve()
        setattr(module, name, value)
        _cached.append((module, name))
        return value

    def __dir__() -> list[str]:  # noqa: N807
        from kcore import plugins

        public = {n for n in vars(module) if not n.startswith("_")}
        return sorted(public | set(core) | set(plugins.registry(kind)))

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    module.__dir__ = __dir__  # type: ignore[attr-defined]


#: (module, name) of every registry-resolved attribute cached on a namespace module.
_cached: list = []


def forget_cached() -> None:
    """Drop the names cached on namespace modules, so the next access asks the registries again
    (``kcore.plugins.reset()`` calls this: plugins may have been installed or removed)."""
    while _cached:
        module, name = _cached.pop()
        module.__dict__.pop(name, None)


#: Kinds whose namespace has Keras's ``get`` / ``serialize`` / ``deserialize`` functions.
_GETTABLE = {
    "activations",
    "initializers",
    "regularizers",
    "constraints",
    "optimizers",
    "losses",
    "metrics",
}
_INSTANTIATE = {"initializers", "regularizers", "constraints", "optimizers"}


def _serialize(obj):
    """Serialize ``obj`` in Keras 3's config format."""
    from kcore.saving import serialize_keras_object

    return serialize_keras_object(obj)


def _make_deserialize(kind: str):
    def deserialize(config, custom_objects=None):
        """Rebuild an object of this kind from a config or name."""
        from kcore.saving import deserialize_keras_object

        return deserialize_keras_object(config, kind=kind, custom_objects=custom_objects)

    return deserialize


def _make_get(kind: str):
    def get(identifier):
        """Resolve ``identifier`` (None, a name, a config dict or an object), like Keras's ``get``."""
        if identifier is None:
            if kind == "activations":
                from kcore import plugins

                return plugins.lookup("activations", "linear")
            return None
        if isinstance(identifier, (str, dict)):
            from kcore.saving import deserialize_keras_object

            return deserialize_keras_object(identifier, kind=kind)
        if callable(identifier) or kind not in _INSTANTIATE:
            return identifier
        raise ValueError(
            f"Could not interpret {kind[:-1]} identifier: {identifier!r}. Expected a name, a "
            "config dict or an object."
        )

    return get
