"""The backend layer: which framework runs the math (``kcore.backend.backend()``).

Keras-compatible helpers (``backend``, ``floatx``, ``epsilon``, ``image_data_format``,
``standardize_dtype``, ``result_type``) plus kcore's backend protocol (:class:`Backend`,
:class:`Capabilities`) and :func:`get_backend`, which returns the live backend object.
"""

from kcore.backend._selection import (
    PREFERENCE,
    BackendNotFoundError,
    get_backend,
    installed_backends,
)
from kcore.backend.base import Backend, Capabilities
from kcore.backend.dtypes import result_type, standardize_dtype
from kcore.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)

__all__ = [
    "PREFERENCE",
    "Backend",
    "BackendNotFoundError",
    "Capabilities",
    "backend",
    "epsilon",
    "floatx",
    "fused_kernel",
    "get_backend",
    "image_data_format",
    "in_stateless_scope",
    "installed_backends",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_dtype",
]


_fused_cache: dict[tuple[str, str], object] = {}


def fused_kernel(name: str):
    """The active backend's fused kernel registered as ``name`` (``kcore_fused_kernels``), or
    ``None``. Components call it once (e.g. at build) and keep the result."""
    from kcore import plugins
    from kcore.backend._selection import backend_name
    from kcore.records import FusedKernelSpec

    current = backend_name()
    key = (current, name)
    if key not in _fused_cache:
        found = None
        for result in plugins.get_plugin_manager().hook.kcore_fused_kernels(backend=current):
            for spec in result if isinstance(result, (list, tuple)) else [result]:
                if (
                    isinstance(spec, FusedKernelSpec)
                    and spec.name == name
                    and spec.backend in ("", current)
                ):
                    found = spec.resolve()
                    break
            if found is not None:
                break
        _fused_cache[key] = found
    return _fused_cache[key]


def in_stateless_scope() -> bool:
    """Whether code runs inside a :class:`kcore.StatelessScope` (assignments are recorded)."""
    from kcore._variable import current_stateless_scope

    return current_stateless_scope() is not None


def backend() -> str:
    """The name of the active backend: ``"torch"``, ``"jax"`` or ``"tensorflow"``."""
    from kcore.backend._selection import backend_name

    return backend_name()
