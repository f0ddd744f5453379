"""Linear-algebra ops (``kcore.ops.linalg``, plus ``slogdet``) on TensorFlow."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from kcore_backend_tf._utils import convert, dynamic_dims, promote, to_float


def _square(x, op):
    x = to_float(x)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise ValueError(f"{op}: input must have rank >= 2, received shape {tuple(x.shape)}.")
    rows, cols = x.shape[-2], x.shape[-1]
    if rows is not None and cols is not None and rows != cols:
        raise ValueError(f"{op}: input must be square matrices, received shape {tuple(x.shape)}.")
    return x


def _work(x):
    """Half-precision inputs compute in float32."""
    if x.dtype in (tf.float16, tf.bfloat16):
        return tf.cast(x, tf.float32)
    return x


def _adjoint(x):
    return tf.linalg.adjoint(x)


def cholesky(x, upper=False):
    """Cholesky factor of Hermitian positive-definite matrices (lower unless ``upper``)."""
    x = _square(x, "cholesky")
    out = tf.cast(tf.linalg.cholesky(_work(x)), x.dtype)
    if tf.executing_eagerly() and not bool(tf.reduce_all(tf.math.is_finite(tf.math.abs(out)))):
        raise ValueError("cholesky: the input is not positive-definite.")
    return _adjoint(out) if bool(upper) else out


def cholesky_inverse(x, upper=False):
    """Inverse of ``A`` given its Cholesky factor ``x``."""
    x = _square(x, "cholesky_inverse")
    lower = _adjoint(x) if bool(upper) else x
    lower = _work(lower)
    n = tf.shape(lower)[-1]
    eye = tf.eye(n, batch_shape=tf.shape(lower)[:-2], dtype=lower.dtype)
    return tf.cast(tf.linalg.cholesky_solve(lower, eye), x.dtype)


def det(x):
    """Determinant."""
    x = _square(x, "det")
    return tf.cast(tf.linalg.det(_work(x)), x.dtype)


def slogdet(x):
    """Sign and log-absolute-determinant."""
    x = _square(x, "slogdet")
    sign, logabs = tf.linalg.slogdet(_work(x))
    return tf.cast(sign, x.dtype), tf.cast(logabs, x.dtype)


def eig(x):
    """Eigenvalues and eigenvectors of general square matrices (complex)."""
    x = _square(x, "eig")
    return tf.linalg.eig(_work(x))


def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of Hermitian matrices."""
    x = _square(x, "eigh")
    w, v = tf.linalg.eigh(_work(x))
    return tf.cast(w, x.dtype if not x.dtype.is_complex else w.dtype), tf.cast(v, x.dtype)


def inv(x):
    """Matrix inverse."""
    x = _square(x, "inv")
    return tf.cast(tf.linalg.inv(_work(x)), x.dtype)


def _rhs(a, b):
    """``b`` as a matrix right-hand side; returns (b, was_vector)."""
    if b.shape.rank == a.shape.rank - 1:
        return b[..., None], True
    return b, False


def solve(a, b):
    """Solve ``a @ x = b``."""
    a, b = promote(to_float(a), to_float(b))
    a = _square(a, "solve")
    b, vector = _rhs(a, b)
    out = tf.cast(tf.linalg.solve(_work(a), _work(b)), a.dtype)
    return out[..., 0] if vector else out


def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` for triangular ``a``."""
    a, b = promote(to_float(a), to_float(b))
    a = _square(a, "solve_triangular")
    b, vector = _rhs(a, b)
    out = tf.linalg.triangular_solve(_work(a), _work(b), lower=bool(lower))
    out = tf.cast(out, a.dtype)
    return out[..., 0] if vector else out


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``(u, s, vh)`` (or ``s`` alone)."""
    x = to_float(x)
    xw = _work(x)
    if not compute_uv:
        return tf.cast(tf.linalg.svd(xw, full_matrices=full_matrices, compute_uv=False), x.dtype)
    s, u, v = tf.linalg.svd(xw, full_matrices=full_matrices, compute_uv=True)
    return tf.cast(u, x.dtype), tf.cast(s, x.dtype), tf.cast(_adjoint(v), x.dtype)


def qr(x, mode="reduced"):
    """QR decomposition; ``mode`` is 'reduced' or 'complete'."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete', received {mode!r}.")
    x = to_float(x)
    q, r = tf.linalg.qr(_work(x), full_matrices=mode == "complete")
    return tf.cast(q, x.dtype), tf.cast(r, x.dtype)


def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse."""
    x = to_float(x)
    return tf.cast(tf.linalg.pinv(_work(x), rcond=rcond), x.dtype)


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b`` via the SVD (NumPy's ``lstsq`` solution)."""
    a, b = promote(to_float(a), to_float(b))
    aw, bw = _work(a), _work(b)
    vector = bw.shape.rank == 1
    if vector:
        bw = bw[:, None]
    u, s, vh = svd(aw, full_matrices=False)
    m, n = aw.shape[-2], aw.shape[-1]
    if rcond is None:
        rcond = np.finfo(aw.dtype.as_numpy_dtype).eps * max(m, n)
    cutoff = tf.cast(rcond, s.dtype) * tf.reduce_max(s, axis=-1, keepdims=True)
    s_inv = tf.where(s > cutoff, 1.0 / tf.where(s > cutoff, s, tf.ones_like(s)), tf.zeros_like(s))
    x = tf.matmul(_adjoint(vh), s_inv[..., None] * tf.matmul(_adjoint(u), bw))
    x = tf.cast(x, a.dtype)
    return x[:, 0] if vector else x


def lu_factor(x):
    """LU factorisation: packed ``lu`` and LAPACK-style int32 pivots (SciPy's ``lu_factor``)."""
    x = to_float(x)
    lu, perm = tf.linalg.lu(_work(x))
    lu = tf.cast(lu, x.dtype)
    n = x.shape[-1]
    if n is None:
        raise ValueError("lu_factor: the matrix size must be static.")
    m = x.shape[-2]
    k = min(m, n)
    # Convert the permutation (rows of x taken in order perm) into successive row swaps.
    batch = dynamic_dims(perm)[:-1]
    perm = tf.reshape(perm, [-1, perm.shape[-1]])
    current = tf.tile(tf.range(perm.shape[-1], dtype=perm.dtype)[None], [tf.shape(perm)[0], 1])
    pivots = []
    for i in range(k):
        target = perm[:, i]
        j = tf.argmax(
            tf.cast(tf.equal(current, target[:, None]), tf.int32), axis=-1, output_type=perm.dtype
        )
        pivots.append(j)
        ci = current[:, i]
        cj = tf.gather(current, j, batch_dims=1)
        cols = tf.range(perm.shape[-1], dtype=perm.dtype)[None]
        current = tf.where(
            tf.equal(cols, i),
            cj[:, None],
            tf.where(tf.equal(cols, j[:, None]), ci[:, None], current),
        )
    piv = tf.cast(tf.stack(pivots, axis=-1), tf.int32)
    return lu, tf.reshape(piv, [*batch, k])


def matrix_rank(x, tol=None):
    """Number of singular values above ``tol`` (int32)."""
    x = to_float(x)
    s = tf.linalg.svd(_work(x), compute_uv=False)
    if tol is None:
        m, n = x.shape[-2], x.shape[-1]
        eps = np.finfo(s.dtype.as_numpy_dtype).eps
        tol = tf.reduce_max(s, axis=-1, keepdims=True) * max(m, n) * eps
    else:
        tol = tf.cast(convert(tol), s.dtype)
        if tol.shape.rank:
            tol = tol[..., None]
    return tf.reduce_sum(tf.cast(s > tol, tf.int32), axis=-1)


def _vector_norm(x, ord, axis, keepdims):
    a = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(a), axis=axis, keepdims=keepdims))
    if ord == np.inf or ord == "inf":
        return tf.reduce_max(a, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return tf.reduce_min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return tf.reduce_sum(tf.cast(tf.not_equal(a, 0), a.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return tf.reduce_sum(a, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid `ord` {ord!r} for a vector norm.")
    p = tf.cast(ord, a.dtype)
    return tf.pow(tf.reduce_sum(tf.pow(a, p), axis=axis, keepdims=keepdims), 1.0 / p)


def _matrix_norm(x, ord, axis, keepdims):
    r, c = axis
    ndim = x.shape.rank
    a = tf.abs(x)
    if ord is None or ord == "fro":
        out = tf.sqrt(tf.reduce_sum(tf.square(a), axis=[r, c], keepdims=keepdims))
        return out
    if ord in (1, -1):
        col = tf.reduce_sum(a, axis=r, keepdims=True)
        red = tf.reduce_max if ord == 1 else tf.reduce_min
        out = red(col, axis=c, keepdims=True)
    elif ord in (np.inf, -np.inf):
        row = tf.reduce_sum(a, axis=c, keepdims=True)
        red = tf.reduce_max if ord == np.inf else tf.reduce_min
        out = red(row, axis=r, keepdims=True)
    elif ord in ("nuc", 2, -2):
        perm = [d for d in range(ndim) if d not in (r, c)] + [r, c]
        s = tf.linalg.svd(tf.transpose(x, perm), compute_uv=False)
        if ord == "nuc":
            s = tf.reduce_sum(s, axis=-1)
        elif ord == 2:
            s = tf.reduce_max(s, axis=-1)
        else:
            s = tf.reduce_min(s, axis=-1)
        if keepdims:
            for d in sorted((r, c)):
                s = tf.expand_dims(s, d)
        return s
    else:
        raise ValueError(f"norm: invalid `ord` {ord!r} for a matrix norm.")
    if not keepdims:
        out = tf.squeeze(out, axis=[r, c])
    return out


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras's name
    """Vector or matrix norm (NumPy's ``linalg.norm`` rules)."""
    x = to_float(x)
    ndim = x.shape.rank
    work = _work(x)
    if axis is None:
        if ord is None:
            out = tf.sqrt(tf.reduce_sum(tf.square(tf.abs(work)), keepdims=keepdims))
            if keepdims:
                out = tf.reshape(out, [1] * ndim)
            return tf.cast(out, _out_dtype(x))
        if ndim == 1:
            axis = (0,)
        elif ndim == 2:
            axis = (0, 1)
        else:
            raise ValueError("norm: `ord` needs `axis` for inputs of rank > 2.")
    if isinstance(axis, int):
        axis = (axis,)
    axis = tuple(a % ndim for a in axis)
    if len(axis) == 1:
        out = _vector_norm(work, ord, axis[0], keepdims)
    elif len(axis) == 2:
        out = _matrix_norm(work, ord, axis, keepdims)
    else:
        raise ValueError(f"norm: `axis` must name 1 or 2 axes, received {axis}.")
    return tf.cast(out, _out_dtype(x))


def _out_dtype(x):
    if x.dtype == tf.complex64:
        return tf.float32
    if x.dtype == tf.complex128:
        return tf.float64
    return x.dtype


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product: ``(fun(*primals), J @ tangents)``."""
    primals = tf.nest.map_structure(convert, tuple(primals))
    tangents = tf.nest.map_structure(
        lambda t, p: tf.cast(convert(t), p.dtype), tuple(tangents), primals
    )
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        out = fun(*primals)
        if has_aux:
            out, aux = out
    tangent_out = tf.nest.map_structure(
        lambda o: acc.jvp(o, unconnected_gradients=tf.UnconnectedGradients.ZERO), out
    )
    if has_aux:
        return out, tangent_out, aux
    return out, tangent_out
