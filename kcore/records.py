"""Typed, frozen records that plugins return from kcore's registration hooks.

A registration hook never mutates kcore: it returns records and the plugin manager decides what
to do with them (check duplicates, index by name, resolve lazily). ``load`` is either the object
itself or a lazy ``"package.module:attribute"`` reference, so a plugin can register hundreds of
names without importing any of them.

Example::

    @kcore.hookimpl
    def kcore_layers():
        return [LayerSpec("Dense", "kcore_layers.core.dense:Dense")]
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, ClassVar

__all__ = [
    "ComponentSpec",
    "BackendSpec",
    "LayerSpec",
    "ActivationSpec",
    "InitializerSpec",
    "RegularizerSpec",
    "ConstraintSpec",
    "OptimizerSpec",
    "ScheduleSpec",
    "LossSpec",
    "MetricSpec",
    "CallbackSpec",
    "DatasetSpec",
    "ApplicationSpec",
    "DataAdapterSpec",
    "FusedKernelSpec",
    "SPEC_TYPES",
    "resolve_reference",
]


def resolve_reference(load: Any) -> Any:
    """Return the object a ``load`` field points at, importing its module if it is a string.

    Args:
        load: an object, or a ``"package.module:attribute.path"`` string.

    Raises:
        ImportError: the module cannot be imported or has no such attribute; the message names
            the reference.
    """
    if not isinstance(load, str):
        return load
    module_name, sep, attr_path = load.partition(":")
    if not sep or not module_name or not attr_path:
        raise ValueError(
            f'A lazy reference must look like "package.module:attribute". Received: {load!r}'
        )
    obj = importlib.import_module(module_name)
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImportError(
                f"Cannot resolve {load!r}: module {module_name!r} has no attribute {attr_path!r}."
            ) from None
    return obj


@dataclasses.dataclass(frozen=True)
class ComponentSpec:
    """A named component a plugin provides.

    Attributes:
        name: the public name (``kcore.layers.<name>``); also the name used in configs.
        load: the object, or a lazy ``"module:attr"`` reference to it.
        aliases: extra names that resolve to the same object (e.g. ``"adam"`` for ``Adam``).
        description: one line for ``kcore plugins``.
    """

    kind: ClassVar[str] = "component"

    name: str
    load: Any
    aliases: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(
                f"{type(self).__name__}: `name` must be a Python identifier. Received: "
                f"name={self.name!r}"
            )
        if isinstance(self.aliases, str) or not all(isinstance(a, str) for a in self.aliases):
            raise TypeError(
                f"{type(self).__name__}: `aliases` must be a tuple of strings. Received: "
                f"aliases={self.aliases!r}"
            )
        object.__setattr__(self, "aliases", tuple(self.aliases))

    def resolve(self) -> Any:
        """Import (if needed) and return the registered object."""
        return resolve_reference(self.load)


@dataclasses.dataclass(frozen=True)
class BackendSpec(ComponentSpec):
    """A compute backend.

    Attributes:
        load: reference to a :class:`kcore.backend.Backend` subclass; instantiated when the
            backend is selected, never before.
        framework: the top-level module the backend imports (``"torch"``); used by the import
            hygiene checks and by ``kcore info``.
        priority: lower is preferred when several backends are installed and none is chosen.
    """

    kind: ClassVar[str] = "backends"

    framework: str = ""
    priority: int = 100


@dataclasses.dataclass(frozen=True)
class LayerSpec(ComponentSpec):
    """A layer class (``kcore.layers.<name>``) or layer helper function (``kcore.layers.add``)."""

    kind: ClassVar[str] = "layers"


@dataclasses.dataclass(frozen=True)
class ActivationSpec(ComponentSpec):
    """An activation function (``kcore.activations.<name>``)."""

    kind: ClassVar[str] = "activations"


@dataclasses.dataclass(frozen=True)
class InitializerSpec(ComponentSpec):
    """A weight initializer (``kcore.initializers.<name>``)."""

    kind: ClassVar[str] = "initializers"


@dataclasses.dataclass(frozen=True)
class RegularizerSpec(ComponentSpec):
    """A weight regularizer (``kcore.regularizers.<name>``)."""

    kind: ClassVar[str] = "regularizers"


@dataclasses.dataclass(frozen=True)
class ConstraintSpec(ComponentSpec):
    """A weight constraint (``kcore.constraints.<name>``)."""

    kind: ClassVar[str] = "constraints"


@dataclasses.dataclass(frozen=True)
class OptimizerSpec(ComponentSpec):
    """An optimizer (``kcore.optimizers.<name>``)."""

    kind: ClassVar[str] = "optimizers"


@dataclasses.dataclass(frozen=True)
class ScheduleSpec(ComponentSpec):
    """A learning-rate schedule (``kcore.optimizers.schedules.<name>``)."""

    kind: ClassVar[str] = "schedules"


@dataclasses.dataclass(frozen=True)
class LossSpec(ComponentSpec):
    """A loss class or function (``kcore.losses.<name>``)."""

    kind: ClassVar[str] = "losses"


@dataclasses.dataclass(frozen=True)
class MetricSpec(ComponentSpec):
    """A metric class or function (``kcore.metrics.<name>``)."""

    kind: ClassVar[str] = "metrics"


@dataclasses.dataclass(frozen=True)
class CallbackSpec(ComponentSpec):
    """A training callback (``kcore.callbacks.<name>``)."""

    kind: ClassVar[str] = "callbacks"


@dataclasses.dataclass(frozen=True)
class DatasetSpec(ComponentSpec):
    """A dataset module (``kcore.datasets.<name>.load_data``); ``load`` points at the module."""

    kind: ClassVar[str] = "datasets"


@dataclasses.dataclass(frozen=True)
class ApplicationSpec(ComponentSpec):
    """A pretrained-architecture constructor (``kcore.applications.<name>``)."""

    kind: ClassVar[str] = "applications"


@dataclasses.dataclass(frozen=True)
class DataAdapterSpec(ComponentSpec):
    """A data adapter that teaches ``fit`` / ``predict`` to read one kind of input.

    Attributes:
        load: reference to a callable ``adapter(data) -> iterable-of-batches | None``.
        handles: fully qualified type names the adapter accepts (``"torch.utils.data.DataLoader"``);
            matched by name so kcore never imports the framework to check.
    """

    kind: ClassVar[str] = "data_adapters"

    handles: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class FusedKernelSpec(ComponentSpec):
    """A backend-native kernel that replaces a generic ``kcore.ops`` code path.

    Attributes:
        name: what it replaces, e.g. ``"Adam"`` (an optimizer update) or ``"LSTM"``.
        backend: the backend name it is valid for.
    """

    kind: ClassVar[str] = "fused_kernels"

    backend: str = ""


SPEC_TYPES: dict[str, type[ComponentSpec]] = {
    t.kind: t
    for t in (
        BackendSpec,
        LayerSpec,
        ActivationSpec,
        InitializerSpec,
        RegularizerSpec,
        ConstraintSpec,
        OptimizerSpec,
        ScheduleSpec,
        LossSpec,
        MetricSpec,
        CallbackSpec,
        DatasetSpec,
        ApplicationSpec,
        DataAdapterSpec,
        FusedKernelSpec,
    )
}
