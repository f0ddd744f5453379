"""``JaxBackend``: kcore on jax (what ``kcore.config.set_backend("jax")`` loads).

The op table is the union of the per-job modules (``ops_core``, ``ops_numpy``, ``ops_nn``,
``ops_linalg``, ``ops_image``). float64 follows ``jax_enable_x64``, which Keras 3 (and so kcore)
leaves off: float64 inputs compute in float32.
"""

from __future__ import annotations

import jax

from kcore.backend.base import Backend, Capabilities
from kcore_backend_jax import ops_core, ops_image, ops_linalg, ops_nn, ops_numpy
from kcore_backend_jax._common import convert_to_numpy, convert_to_tensor, is_tensor
from kcore_backend_jax.random import RANDOM
from kcore_backend_jax.symbolic import RULES_BY_NAME, compute_output_spec, dynamic_shape_rules
from kcore_backend_jax.trainer import JaxTrainer, value_and_grad
from kcore_backend_jax.variable import JaxVariable

__all__ = ["JaxBackend", "OPS"]

OPS: dict = {}
for _module in (ops_numpy, ops_nn, ops_linalg, ops_image, ops_core):
    OPS.update(_module.OPS)
for _name, _rule in RULES_BY_NAME.items():
    dynamic_shape_rules[OPS[_name].__name__] = (OPS[_name], _rule)


class JaxBackend(Backend):
    """The jax backend: jax arrays as tensors, ``jax.numpy`` / ``jax.lax`` as ops."""

    name = "jax"
    capabilities = Capabilities(
        sparse=False,
        complex=True,
        float64=bool(jax.config.jax_enable_x64),
        thread_safe=True,
        jit=True,
        stateless=True,
    )
    ops = OPS
    random = RANDOM
    Variable = JaxVariable
    trainer_class = JaxTrainer  # each step is one jax.jit with donated state buffers

    def compute_output_spec(self, fn, *args, **kwargs):
        """Shapes and dtypes of ``fn(*args, **kwargs)`` via ``jax.eval_shape``."""
        return compute_output_spec(fn, *args, **kwargs)

    def convert_to_tensor(self, x, dtype=None, sparse=None):
        """A jax array for ``x``."""
        return convert_to_tensor(x, dtype=dtype, sparse=sparse)

    def convert_to_numpy(self, x):
        """A NumPy array for ``x``."""
        return convert_to_numpy(x)

    def is_tensor(self, x):
        """Whether ``x`` is a jax array (tracers included)."""
        return is_tensor(x)

    def value_and_grad(self, fn, variables, has_aux=False):
        """``(fn(), grads)`` with one gradient per Variable in ``variables`` (``jax.grad``).

        ``fn`` runs inside a :class:`kcore.StatelessScope`; assignments it makes to other
        Variables (seed generators, moving statistics) are applied afterwards.
        """
        return value_and_grad(fn, variables, has_aux=has_aux)

    def gradient(self, fn, *args):
        """Gradients of the scalar ``fn(*args)`` with respect to every positional arg."""
        args = [convert_to_tensor(a) for a in args]
        return tuple(jax.grad(fn, argnums=tuple(range(len(args))))(*args))
