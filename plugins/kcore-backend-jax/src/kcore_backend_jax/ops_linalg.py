"""``kcore.ops.linalg`` on jax (``jnp.linalg`` and ``jax.scipy.linalg``).

All functions accept batches of matrices in the leading axes. Integer inputs are computed in
``floatx()``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from kcore_backend_jax._common import _t, floatx_if_not_float

OPS: dict = {}
_Tracer = jax.core.Tracer


def register(name):
    """Decorator: record the function as the implementation of ``kcore.ops.<name>``."""

    def deco(fn):
        OPS[name] = fn
        return fn

    return deco


def _square(name, x):
    x = floatx_if_not_float(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{name}: expected a (batch of) square matrices. Received: shape={x.shape}"
        )
    return x


@register("cholesky")
def cholesky(x, upper=False):
    """The Cholesky factor of positive-definite ``x`` (lower unless ``upper``)."""
    x = _square("cholesky", x)
    factor = jnp.linalg.cholesky(x, upper=bool(upper))
    if not isinstance(factor, _Tracer) and bool(jnp.any(jnp.isnan(factor))):
        raise ValueError("cholesky: decomposition failed; is the input positive definite?")
    return factor


@register("cholesky_inverse")
def cholesky_inverse(x, upper=False):
    """The inverse of ``A`` given its Cholesky factor ``x`` (``A = L @ L.T``)."""
    x = _square("cholesky_inverse", x)
    eye = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    return jax.scipy.linalg.cho_solve((x, not bool(upper)), eye)


@register("det")
def det(x):
    """The determinant."""
    return jnp.linalg.det(_square("det", x))


@register("eig")
def eig(x):
    """Eigenvalues and right eigenvectors (complex) of a general matrix."""
    return tuple(jnp.linalg.eig(_square("eig", x)))


@register("eigh")
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of a symmetric/Hermitian matrix."""
    return tuple(jnp.linalg.eigh(_square("eigh", x)))


@register("inv")
def inv(x):
    """The matrix inverse."""
    return jnp.linalg.inv(_square("inv", x))


@register("jvp")
def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product: ``(fun(*primals), J @ tangents)`` (+ aux)."""
    return jax.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)


@register("lstsq")
def lstsq(a, b, rcond=None):
    """The least-squares solution ``x`` of ``a @ x = b``."""
    a, b = floatx_if_not_float(a), floatx_if_not_float(b)
    if a.ndim != 2:
        raise ValueError(f"lstsq: `a` must be 2-D. Received: shape={a.shape}")
    if b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(
            f"lstsq: `b` must be 1-D or 2-D with {a.shape[0]} rows. Received: shape={b.shape}"
        )
    return jnp.linalg.lstsq(a, b, rcond=rcond)[0]


@register("lu_factor")
def lu_factor(x):
    """The LU factorization ``(lu, pivots)`` (batched over leading axes)."""
    x = floatx_if_not_float(x)
    fn = jax.scipy.linalg.lu_factor
    for _ in range(x.ndim - 2):
        fn = jax.vmap(fn)
    return fn(x)


@register("matrix_rank")
def matrix_rank(x, tol=None):
    """The numerical rank (int32)."""
    x = floatx_if_not_float(x)
    if tol is None:
        return jnp.linalg.matrix_rank(x).astype(jnp.int32)
    # An absolute tolerance: count singular values above it.
    s = jnp.linalg.svd(x, compute_uv=False)
    return jnp.sum(s > tol, axis=-1).astype(jnp.int32)


@register("norm")
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (``jnp.linalg.norm``)."""
    x = floatx_if_not_float(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    return jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


@register("pinv")
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse."""
    x = floatx_if_not_float(x)
    if rcond is None:
        return jnp.linalg.pinv(x)
    return jnp.linalg.pinv(x, rtol=rcond)


@register("qr")
def qr(x, mode="reduced"):
    """QR decomposition ``(q, r)``; ``mode`` is ``"reduced"`` or ``"complete"``."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete'. Received: {mode!r}")
    x = floatx_if_not_float(x)
    if x.ndim < 2:
        raise ValueError(f"qr: `x` must be at least 2-D. Received: shape={x.shape}")
    return tuple(jnp.linalg.qr(x, mode=mode))


@register("solve")
def solve(a, b):
    """The solution of ``a @ x = b``."""
    a = _square("solve", a)
    return jnp.linalg.solve(a, floatx_if_not_float(b).astype(a.dtype))


@register("solve_triangular")
def solve_triangular(a, b, lower=False):
    """The solution of ``a @ x = b`` for triangular ``a``."""
    a = _square("solve_triangular", a)
    b = floatx_if_not_float(b).astype(a.dtype)
    return jax.scipy.linalg.solve_triangular(a, b, lower=bool(_t(lower)))


@register("svd")
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``(u, s, vh)`` (or ``s`` alone)."""
    x = floatx_if_not_float(x)
    result = jnp.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(result) if compute_uv else result
