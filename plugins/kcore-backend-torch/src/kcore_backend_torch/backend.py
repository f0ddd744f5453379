"""``TorchBackend``: kcore on PyTorch (CPU or the default torch device).

The op table is assembled once, at backend load, from the per-job modules (``ops_numpy``,
``ops_nn``, ``ops_linalg``, ``ops_image``, ``ops_core``): every name of ``kcore.ops`` maps to a
plain function, which the front end binds directly, so an eager call is one extra Python frame.
"""

from __future__ import annotations

import torch

from kcore.backend.base import Backend, Capabilities
from kcore.ops._generated import GROUPS
from kcore_backend_torch import ops_core, ops_image, ops_linalg, ops_nn, ops_numpy
from kcore_backend_torch._convert import (
    convert_to_numpy,
    convert_to_tensor,
    floatx_torch,
    is_tensor,
)
from kcore_backend_torch.random import RANDOM_OPS
from kcore_backend_torch.symbolic import compute_output_spec
from kcore_backend_torch.variable import TorchVariable

_MODULES = {
    "core": ops_core,
    "numpy": ops_numpy,
    "nn": ops_nn,
    "linalg": ops_linalg,
    "image": ops_image,
}


def _build_op_table() -> dict:
    """name -> implementation for every table op found in the group's module (or any other)."""
    table = {}
    for group, names in GROUPS.items():
        preferred = _MODULES[group]
        for name in names:
            fn = getattr(preferred, name, None)
            if fn is None or not callable(fn) or name.startswith("_"):
                for module in _MODULES.values():
                    fn = getattr(module, name, None)
                    if callable(fn):
                        break
                else:
                    fn = None
            if fn is not None:
                table[name] = fn
    return table


from kcore_backend_torch.trainer import TorchTrainer, value_and_grad  # noqa: E402


class TorchBackend(Backend):
    """The PyTorch backend."""

    name = "torch"
    capabilities = Capabilities(
        sparse=False,
        complex=True,
        float64=True,
        thread_safe=True,
        jit=True,
        stateless=False,
        wide_unsigned=False,
    )
    ops = _build_op_table()
    random = dict(RANDOM_OPS)
    Variable = TorchVariable
    trainer_class = TorchTrainer

    def value_and_grad(self, fn, variables, has_aux=False):
        """``(fn(), grads)`` via one ``torch.autograd.grad`` call (see ``trainer.py``)."""
        return value_and_grad(fn, variables, has_aux)

    def set_random_seed(self, seed):
        """Seed torch's global generator too (``kcore.utils.set_random_seed``)."""
        torch.manual_seed(seed)

    def compute_output_spec(self, fn, *args, **kwargs):
        """Shapes and dtypes of ``fn(*args, **kwargs)`` via torch meta tensors."""
        return compute_output_spec(fn, *args, **kwargs)

    def convert_to_tensor(self, x, dtype=None, sparse=None):
        """A torch tensor for ``x`` (Keras dtype conventions)."""
        return convert_to_tensor(x, dtype, sparse)

    def convert_to_numpy(self, x):
        """A NumPy array for ``x``."""
        return convert_to_numpy(x)

    def is_tensor(self, x):
        """Whether ``x`` is a ``torch.Tensor``."""
        return is_tensor(x)

    def gradient(self, fn, *args):
        """Gradients of the scalar ``fn(*args)`` with respect to every positional arg.

        Args are converted to floating tensors that require grad; unused args get zero
        gradients.
        """
        if not args:
            return ()
        inputs = []
        for a in args:
            t = convert_to_tensor(a)
            if not (t.is_floating_point() or t.is_complex()):
                t = t.to(floatx_torch())
            inputs.append(t.detach().clone().requires_grad_(True))
        with torch.enable_grad():
            out = convert_to_tensor(fn(*inputs))
            if out.numel() != 1:
                raise ValueError(
                    f"gradient: `fn` must return a scalar, received shape {tuple(out.shape)}."
                )
            grads = torch.autograd.grad(out.reshape(()), inputs, allow_unused=True)
        return tuple(
            torch.zeros_like(t).detach() if g is None else g.detach() for t, g in zip(inputs, grads)
        )
