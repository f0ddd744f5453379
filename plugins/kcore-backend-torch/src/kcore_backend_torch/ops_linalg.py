"""``kcore.ops.linalg`` on torch (``torch.linalg``); integer inputs are computed in floatx."""

from __future__ import annotations

import torch

from kcore import tree
from kcore_backend_torch._convert import Tensor, floatx_torch, promote, to_float, to_tensor


def _square(x, op):
    x = to_float(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{op}: expected square matrices (..., M, M), received shape {tuple(x.shape)}."
        )
    return x


def _bool(flag):
    return bool(flag.item()) if isinstance(flag, Tensor) else bool(flag)


def cholesky(x, upper=False):
    """Cholesky factor of symmetric positive-definite matrices (lower by default)."""
    x = _square(x, "cholesky")
    out, info = torch.linalg.cholesky_ex(x, upper=_bool(upper))
    # Meta tensors (shape inference) hold no values to check.
    if x.device.type != "meta" and bool((info > 0).any()):
        raise ValueError("cholesky: the input is not symmetric positive-definite.")
    return out


def cholesky_inverse(x, upper=False):
    """Inverse of ``L @ L.T`` (or ``U.T @ U``) given the Cholesky factor ``x``, like Keras."""
    x = _square(x, "cholesky_inverse")
    return torch.cholesky_inverse(x, upper=_bool(upper))


def det(x):
    """Determinant."""
    return torch.linalg.det(_square(x, "det"))


def inv(x):
    """Matrix inverse."""
    return torch.linalg.inv(_square(x, "inv"))


def eig(x):
    """Eigenvalues and eigenvectors of general square matrices (complex results)."""
    return torch.linalg.eig(_square(x, "eig"))


def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric / Hermitian matrices."""
    return torch.linalg.eigh(_square(x, "eigh"))


def lu_factor(x):
    """LU factorisation with partial pivoting: ``(lu, pivots)`` with 0-based int32 pivots."""
    x = _square(x, "lu_factor")
    lu, pivots = torch.linalg.lu_factor(x)
    return lu, (pivots - 1).to(torch.int32)


def solve(a, b):
    """Solve ``a @ x = b``."""
    a, b = promote(a, b)
    if not a.is_floating_point() and not a.is_complex():
        a, b = a.to(floatx_torch()), b.to(floatx_torch())
    return torch.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` for triangular ``a``."""
    a, b = promote(a, b)
    if not a.is_floating_point() and not a.is_complex():
        a, b = a.to(floatx_torch()), b.to(floatx_torch())
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.solve_triangular(a, b, upper=not _bool(lower))
    return out.squeeze(-1) if vector else out


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b``."""
    a, b = promote(a, b)
    if not a.is_floating_point():
        a, b = a.to(floatx_torch()), b.to(floatx_torch())
    vector = b.ndim == 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.lstsq(a, b, rcond=rcond, driver="gelsd").solution
    return out.squeeze(-1) if vector else out


def matrix_rank(x, tol=None):
    """Number of singular values above ``tol`` (int32)."""
    x = to_float(x)
    if tol is None:
        return torch.linalg.matrix_rank(x).to(torch.int32)
    s = torch.linalg.svdvals(x)
    return torch.sum(s > tol, dim=-1).to(torch.int32)


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - NumPy's name
    """Vector or matrix norm (NumPy semantics for ``ord`` and ``axis``)."""
    x = to_float(x)
    if isinstance(axis, (list, tuple)):
        axis = tuple(int(a) for a in axis)
        if len(axis) == 1:
            axis = axis[0]
    if axis is None:
        if ord is None:
            return torch.linalg.vector_norm(x, 2, dim=None, keepdim=keepdims)
        if x.ndim == 1:
            return torch.linalg.vector_norm(x, ord, keepdim=keepdims)
        if x.ndim == 2:
            return torch.linalg.matrix_norm(x, ord, dim=(0, 1), keepdim=keepdims)
        raise ValueError(f"norm: `ord={ord!r}` needs `axis` for inputs of rank {x.ndim}.")
    if isinstance(axis, int):
        if isinstance(ord, str):
            raise ValueError(f"norm: `ord={ord!r}` is only valid for matrix norms.")
        return torch.linalg.vector_norm(x, 2 if ord is None else ord, dim=axis, keepdim=keepdims)
    if len(axis) != 2:
        raise ValueError(f"norm: `axis` must be an int or a 2-tuple, received {axis!r}.")
    return torch.linalg.matrix_norm(x, "fro" if ord is None else ord, dim=axis, keepdim=keepdims)


def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse."""
    x = to_float(x)
    if rcond is None:
        return torch.linalg.pinv(x)
    return torch.linalg.pinv(x, rtol=rcond)


def qr(x, mode="reduced"):
    """QR decomposition; ``mode`` is ``'reduced'`` or ``'complete'``."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete', received {mode!r}.")
    x = to_float(x)
    return torch.linalg.qr(x, mode=mode)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``(u, s, vh)`` (or only ``s``)."""
    x = to_float(x)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return torch.linalg.svd(x, full_matrices=full_matrices)


_JVP_READY = []


def _load_jvp_decompositions():
    """Import torch's forward-AD decompositions once, silencing its own TorchScript warning.

    ``dual_level`` imports ``torch._decomp.decompositions_for_jvp`` lazily, which calls the
    deprecated ``torch.jit.script`` at import time; that warning is torch-internal.
    """
    if not _JVP_READY:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import torch._decomp.decompositions_for_jvp  # noqa: F401
        _JVP_READY.append(True)


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product: ``(fun(*primals), J @ tangents[, aux])``."""
    import torch.autograd.forward_ad as fwad

    _load_jvp_decompositions()
    primals = tuple(tree.map_structure(to_tensor, p) for p in primals)
    tangents = tuple(tree.map_structure(to_tensor, t) for t in tangents)
    with fwad.dual_level():
        duals = tuple(
            tree.map_structure(lambda p, t: fwad.make_dual(p, t.to(p.dtype)), p, t)
            for p, t in zip(primals, tangents)
        )
        result = fun(*duals)
        out, aux = result if has_aux else (result, None)

        def primal(o):
            return fwad.unpack_dual(o).primal if isinstance(o, Tensor) else o

        def tangent(o):
            if not isinstance(o, Tensor):
                return o
            t = fwad.unpack_dual(o).tangent
            return torch.zeros_like(o) if t is None else t

        outputs = (tree.map_structure(primal, out), tree.map_structure(tangent, out))
        if has_aux:
            return (*outputs, tree.map_structure(primal, aux))
        return outputs
