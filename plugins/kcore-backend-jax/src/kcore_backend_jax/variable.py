"""``JaxVariable``: a :class:`kcore.Variable` holding a ``jax.Array``.

jax arrays are immutable, so "assigning" rebinds ``_value``. Inside a
:class:`kcore.StatelessScope` the base class returns the substituted value (possibly a tracer
under ``jax.jit``) and records assignments instead of calling :meth:`_direct_assign`.

Since jax 0.7, ``jnp`` functions no longer call ``__jax_array__`` on arbitrary objects, so every
op of this backend unwraps Variables itself (one ``isinstance`` test); ``__jax_array__`` is
still provided for ``jnp.asarray(variable)``.
"""

from __future__ import annotations

from kcore._variable import Variable
from kcore_backend_jax._common import convert_to_tensor

__all__ = ["JaxVariable"]


class JaxVariable(Variable):
    """A kcore Variable backed by an immutable ``jax.Array``."""

    def _initialize(self, value):
        self._value = value

    def _convert(self, value, dtype):
        return convert_to_tensor(value, dtype=dtype)

    def _direct_assign(self, value):
        self._value = value

    def __jax_array__(self):
        return self.value
