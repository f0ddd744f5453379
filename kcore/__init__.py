"""kcore: a Keras-style deep-learning API built as a plugin microkernel.

``import kcore`` is cheap: it imports no framework and discovers no plugin. Everything below is
resolved on first attribute access. Layers, optimizers, losses, metrics, callbacks, datasets and
applications come from plugins and appear in ``kcore.layers``, ``kcore.optimizers``, ... when
their distribution is installed. Backends (PyTorch, JAX, TensorFlow) are plugins too.

Example::

    import kcore as keras
    keras.backend.backend()        # "torch"
    keras.ops.matmul(a, b)
"""

from __future__ import annotations

import importlib

import pluggy

__version__ = "0.1.0"

#: Marker for plugin hook implementations: ``@kcore.hookimpl def kcore_layers(): ...``
hookimpl = pluggy.HookimplMarker("kcore")

_LAZY_ATTRS = {
    "Layer": "kcore._layer:Layer",
    "Model": "kcore._model:Model",
    "Sequential": "kcore._sequential:Sequential",
    "Input": "kcore._functional:Input",
    "InputSpec": "kcore._layer:InputSpec",
    "Variable": "kcore._variable:Variable",
    "StatelessScope": "kcore._variable:StatelessScope",
    "KerasTensor": "kcore._symbolic:KerasTensor",
    "is_keras_tensor": "kcore._symbolic:is_keras_tensor",
}
_LAZY_MODULES = {
    "ops",
    "random",
    "tree",
    "config",
    "models",
    "utils",
    "trainers",
    "saving",
    "dtype_policies",
    "backend",
    "plugins",
    "records",
    "hookspecs",
    "testing",
    "layers",
    "activations",
    "initializers",
    "regularizers",
    "constraints",
    "optimizers",
    "losses",
    "metrics",
    "callbacks",
    "datasets",
    "applications",
}

__all__ = ["__version__", "hookimpl", *sorted(_LAZY_ATTRS), *sorted(_LAZY_MODULES)]


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        module = importlib.import_module(f"kcore.{name}")
        globals()[name] = module
        return module
    target = _LAZY_ATTRS.get(name)
    if target is not None:
        module_name, _, attr = target.partition(":")
        value = getattr(importlib.import_module(module_name), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kcore' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
