"""``TFBackend``: kcore on TensorFlow.

Importing this module imports TensorFlow; kcore does so only when the backend is selected.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from kcore.backend.base import Backend, Capabilities  # noqa: E402
from kcore_backend_tf import (  # noqa: E402
    ops_core,
    ops_image,
    ops_linalg,
    ops_nn,
    ops_numpy,
)
from kcore_backend_tf import random as tf_random  # noqa: E402
from kcore_backend_tf._utils import convert, translate_errors  # noqa: E402
from kcore_backend_tf.symbolic import compute_output_spec as _compute_output_spec  # noqa: E402
from kcore_backend_tf.variable import TFVariable  # noqa: E402

__all__ = ["TFBackend", "build_op_table"]

#: Modules searched, in order, for an op's implementation.
_MODULES = (ops_core, ops_numpy, ops_nn, ops_linalg, ops_image)

#: Ops returned without the error-translating wrapper (trivial, hot, or never raise TF errors).
_UNWRAPPED = frozenset(
    ("shape", "dtype", "ndim", "is_tensor", "convert_to_numpy", "custom_gradient", "vectorize")
)


def build_op_table() -> dict:
    """``{name: implementation}`` for every ``kcore.ops`` name this backend implements.

    Implementations raising TensorFlow's ``InvalidArgumentError`` & co. are wrapped so callers
    see ``ValueError`` / ``TypeError`` naming the op.
    """
    from kcore.ops._table import TABLE

    names = []
    for line in TABLE.splitlines():
        line = line.strip()
        if line and not line.startswith("[") and "(" in line:
            names.append(line.split("(", 1)[0])
    table = {}
    for name in names:
        for module in _MODULES:
            fn = module.__dict__.get(name)
            if callable(fn) and not isinstance(fn, type):
                table[name] = fn if name in _UNWRAPPED else translate_errors(name, fn)
                break
    # numpy's slogdet lives with the linear algebra
    if "slogdet" in names and "slogdet" not in table:
        table["slogdet"] = translate_errors("slogdet", ops_linalg.slogdet)
    return table


from kcore_backend_tf.trainer import TFTrainer  # noqa: E402


class TFBackend(Backend):
    """The TensorFlow backend."""

    name = "tensorflow"
    capabilities = Capabilities(
        sparse=False, complex=True, float64=True, thread_safe=True, jit=True, stateless=False
    )
    Variable = TFVariable
    trainer_class = TFTrainer  # the step traced into a tf.function graph

    def __init__(self):
        self.ops = build_op_table()
        self.random = dict(tf_random.TABLE)

    def compute_output_spec(self, fn, *args, **kwargs):
        """Shapes and dtypes of ``fn(*args, **kwargs)`` on ``KerasTensor`` placeholders."""
        return _compute_output_spec(fn, *args, **kwargs)

    def convert_to_tensor(self, x, dtype=None, sparse=None):
        """A ``tf.Tensor`` for ``x`` (Python float -> floatx, int -> int32)."""
        return ops_core.convert_to_tensor(x, dtype, sparse)

    def convert_to_numpy(self, x):
        """A NumPy array for ``x``."""
        return ops_core.convert_to_numpy(x)

    def is_tensor(self, x):
        """Whether ``x`` is a TensorFlow tensor."""
        return ops_core.is_tensor(x)

    def value_and_grad(self, fn, variables, has_aux=False):
        """``(fn(), grads)``: gradients of the scalar loss w.r.t. ``variables`` (a tape).

        With ``has_aux`` ``fn`` returns ``(loss, aux)`` and the first element is that pair.
        Gradients are dense tensors; unconnected variables get zeros.
        """
        handles = [v.value if isinstance(v, TFVariable) else v for v in variables]
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            for h in handles:
                tape.watch(h)
            out = fn()
        loss = out[0] if has_aux else out
        grads = tape.gradient(loss, handles, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return out, [tf.convert_to_tensor(g) for g in grads]

    def gradient(self, fn, *args):
        """Gradients of the scalar ``fn(*args)`` with respect to each positional arg."""
        tensors = [convert(a) for a in args]
        with tf.GradientTape() as tape:
            for t in tensors:
                tape.watch(t)
            out = fn(*tensors)
        grads = tape.gradient(out, tensors, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        # gather & co. give IndexedSlices; callers want dense tensors
        return tuple(tf.convert_to_tensor(g) if g is not None else None for g in grads)
