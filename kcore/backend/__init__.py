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


def in_stateless_scope() -> bool:
    """Whether code runs inside a :class:`kcore.StatelessScope` (assignments are recorded)."""
    from kcore._variable import current_stateless_scope

    return current_stateless_scope() is not None


def backend() -> str:
    """The name of the active backend: ``"torch"``, ``"jax"`` or ``"tensorflow"``."""
    from kcore.backend._selection import backend_name

    return backend_name()
