"""``kcore.ops.core`` on jax: control flow, casting, slicing and scattering, segments, FFT.

Control flow maps onto ``jax.lax`` so it compiles under ``jax.jit``. When the predicate or index
is a concrete value (eager code), ``cond`` and ``switch`` simply call the chosen branch: branches
may then differ in shape and may assign Variables, as Keras users expect eagerly.
"""

from __future__ import annotations

import math
import re

import jax
import jax.numpy as jnp
import numpy as np

from kcore_backend_jax._common import (
    Variable,
    _t,
    _tt,
    cast,
    convert_to_numpy,
    convert_to_tensor,
    floatx_if_not_float,
    is_tensor,
    jdtype,
    sdtype,
    standardize_dtype,
)

OPS: dict = {}

_Array = jax.Array
_Tracer = jax.core.Tracer


def register(name):
    """Decorator: record the function as the implementation of ``kcore.ops.<name>``."""

    def deco(fn):
        OPS[name] = fn
        return fn

    return deco


def _leaves_to_tensors(tree):
    """Unwrap Variables and convert array-likes in a nested structure, keeping the structure."""
    return jax.tree_util.tree_map(
        lambda v: v.value if isinstance(v, Variable) else v,
        tree,
        is_leaf=lambda v: isinstance(v, Variable),
    )


def _is_concrete(x) -> bool:
    return not isinstance(x, _Tracer)


# -- boundary ---------------------------------------------------------------------------------
OPS["convert_to_tensor"] = convert_to_tensor
OPS["convert_to_numpy"] = convert_to_numpy
OPS["is_tensor"] = is_tensor
OPS["cast"] = cast


@register("dtype")
def dtype(x):
    """kcore's dtype name of ``x``."""
    if isinstance(x, Variable):
        return x.dtype
    if hasattr(x, "dtype"):
        return standardize_dtype(x.dtype)
    return sdtype(convert_to_tensor(x))


@register("shape")
def shape(x):
    """The shape of ``x`` as a tuple of ints."""
    if isinstance(x, Variable):
        return x.shape
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return tuple(convert_to_tensor(x).shape)


@register("saturate_cast")
def saturate_cast(x, dtype):
    """Cast to ``dtype``, clipping to its range first so values saturate instead of wrapping."""
    x = _tt(x)
    target = jdtype(dtype)
    if x.dtype == target:
        return x
    if jnp.issubdtype(target, jnp.integer):
        info = jnp.iinfo(target)
        lo, hi = info.min, info.max
    elif jnp.issubdtype(target, jnp.floating):
        info = jnp.finfo(target)
        lo, hi = float(info.min), float(info.max)
    else:
        return x.astype(target)
    if jnp.issubdtype(x.dtype, jnp.integer):
        src = jnp.iinfo(x.dtype)
        lo, hi = max(lo, src.min), min(hi, src.max)
        return jnp.clip(x, lo, hi).astype(target)
    if x.dtype == jnp.bool_:
        return x.astype(target)
    # Float source: a bound may round outward in x's dtype (2**31 - 1 -> 2**31 in float32);
    # XLA's float->int conversion saturates, so the cast still lands on the target's max.
    return jnp.clip(x, jnp.asarray(lo, x.dtype), jnp.asarray(hi, x.dtype)).astype(target)


# -- control flow -----------------------------------------------------------------------------
@register("cond")
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; ``jax.lax.cond`` under tracing."""
    pred = _t(pred)
    if _is_concrete(pred):
        return true_fn() if bool(pred) else false_fn()
    return jax.lax.cond(pred, true_fn, false_fn)


@register("switch")
def switch(index, branches, *operands):
    """``branches[index](*operands)`` with ``index`` clamped to the valid range."""
    index = _t(index)
    operands = _leaves_to_tensors(operands)
    if _is_concrete(index):
        i = min(max(int(index), 0), len(branches) - 1)
        return branches[i](*operands)
    return jax.lax.switch(index, branches, *operands)


@register("while_loop")
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run ``body(*loop_vars)`` while ``cond(*loop_vars)``; at most ``maximum_iterations`` times.

    ``loop_vars`` is a tuple/list (unpacked into ``cond`` and ``body``) or a single value.
    """
    is_seq = isinstance(loop_vars, (list, tuple))
    carry = tuple(loop_vars) if is_seq else (loop_vars,)
    carry = _leaves_to_tensors(carry)

    def as_tuple(out):
        if is_seq:
            if not isinstance(out, (list, tuple)):
                out = (out,)
            return tuple(out)
        return (out,)

    if maximum_iterations is None:
        result = jax.lax.while_loop(
            lambda c: cond(*c), lambda c: _match_types(as_tuple(body(*c)), c), carry
        )
    else:

        def _cond(state):
            c, i = state
            return jnp.logical_and(cond(*c), i < maximum_iterations)

        def _body(state):
            c, i = state
            return _match_types(as_tuple(body(*c)), c), i + 1

        result, _ = jax.lax.while_loop(_cond, _body, (carry, jnp.asarray(0, jnp.int32)))
    if is_seq:
        return type(loop_vars)(result) if isinstance(loop_vars, list) else tuple(result)
    return result[0]


def _match_types(new, old):
    """Cast the body's outputs to the carry's dtypes (jax needs a fixed carry type)."""
    return jax.tree_util.tree_map(
        lambda n, o: (
            jnp.asarray(n, dtype=jnp.result_type(o))
            if hasattr(o, "dtype") or isinstance(o, (int, float, bool))
            else n
        ),
        new,
        old,
    )


@register("fori_loop")
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    init_val = _leaves_to_tensors(init_val)
    return jax.lax.fori_loop(_t(lower), _t(upper), body_fun, init_val)


@register("scan")
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``jax.lax.scan``: carry ``init`` through ``f(carry, x)`` over the leading axis of ``xs``."""
    init = _leaves_to_tensors(init)
    xs = _leaves_to_tensors(xs)
    if isinstance(unroll, bool):
        unroll = unroll if unroll else 1
    return jax.lax.scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)


@register("associative_scan")
def associative_scan(f, elems, reverse=False, axis=0):
    """Parallel prefix scan of the associative ``f`` over ``axis``."""
    elems = jax.tree_util.tree_map(_tt, _leaves_to_tensors(elems))
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


@register("map")
def map_(f, xs):
    """``f`` applied to each slice of ``xs`` along its leading axis, results stacked."""
    return jax.lax.map(f, _leaves_to_tensors(xs))


@register("vectorized_map")
def vectorized_map(function, elements):
    """``jax.vmap(function)(elements)``."""
    return jax.vmap(function)(_leaves_to_tensors(elements))


@register("stop_gradient")
def stop_gradient(variable):
    """``variable`` with no gradient flowing through it."""
    return jax.lax.stop_gradient(_t(variable))


@register("custom_gradient")
def custom_gradient(f):
    """Give ``f`` a custom gradient: ``f(*args)`` returns ``(output, grad_fn)``.

    ``grad_fn(upstream)`` returns the gradient of each positional arg (one value for one arg);
    this is exactly ``jax.custom_gradient``'s contract.
    """
    wrapped = jax.custom_gradient(f)

    def call(*args, **kwargs):
        return wrapped(*[_t(a) for a in args], **kwargs)

    return call


# -- slicing and scattering -------------------------------------------------------------------
@register("slice")
def slice_(inputs, start_indices, shape):
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices``."""
    inputs = _tt(inputs)
    if isinstance(start_indices, _Array):
        start_indices = list(start_indices)
    return jax.lax.dynamic_slice(inputs, [_t(s) for s in start_indices], tuple(shape))


@register("slice_update")
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    inputs = _tt(inputs)
    updates = _tt(updates).astype(inputs.dtype)
    if isinstance(start_indices, _Array):
        start_indices = list(start_indices)
    return jax.lax.dynamic_update_slice(inputs, updates, [_t(s) for s in start_indices])


def _index_tuple(indices):
    indices = _tt(indices)
    if indices.ndim == 1:
        indices = indices[None, :]
    return tuple(jnp.moveaxis(indices, -1, 0))


@register("scatter")
def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates sum)."""
    values = _tt(values)
    zeros = jnp.zeros(tuple(shape), dtype=values.dtype)
    return zeros.at[_index_tuple(indices)].add(values)


@register("scatter_update")
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written (or reduced) at ``indices``."""
    inputs = _tt(inputs)
    updates = _tt(updates).astype(inputs.dtype)
    at = inputs.at[_index_tuple(indices)]
    if reduction is None:
        return at.set(updates)
    methods = {"add": at.add, "mul": at.multiply, "max": at.max, "min": at.min}
    if reduction not in methods:
        raise ValueError(
            "scatter_update: `reduction` must be None, 'add', 'mul', 'max' or 'min'. "
            f"Received: reduction={reduction!r}"
        )
    return methods[reduction](updates)


def _segment(name, fn):
    def op(data, segment_ids, num_segments=None, sorted=False):
        data = _tt(data)
        segment_ids = _tt(segment_ids)
        if num_segments is None:
            num_segments = int(jnp.max(segment_ids)) + 1
        return fn(data, segment_ids, num_segments, indices_are_sorted=sorted)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}``: reduce the rows of ``data`` that share a segment id."
    OPS[name] = op


for _name, _fn in {
    "segment_sum": jax.ops.segment_sum,
    "segment_max": jax.ops.segment_max,
    "segment_min": jax.ops.segment_min,
    "segment_prod": jax.ops.segment_prod,
}.items():
    _segment(_name, _fn)


@register("top_k")
def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices."""
    x = _tt(x)
    values, indices = jax.lax.top_k(x, k)
    return values, indices.astype(jnp.int32)


@register("in_top_k")
def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions of its row."""
    targets = _tt(targets)
    predictions = _tt(predictions)
    at_target = jnp.take_along_axis(predictions, targets[:, None].astype(jnp.int32), axis=-1)
    at_target = jnp.where(jnp.isnan(at_target), -jnp.inf, at_target)
    rank = 1 + jnp.sum(predictions > at_target, axis=-1)
    return rank <= k


@register("unstack")
def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    x = _tt(x)
    n = x.shape[axis]
    if num is not None and num != n:
        raise ValueError(f"unstack: `num` ({num}) must equal the size of axis {axis} ({n}).")
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(n)]


@register("extract_sequences")
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of length ``sequence_length`` every ``sequence_stride`` along the last axis."""
    x = _tt(x)
    n = x.shape[-1]
    num = 1 + (n - sequence_length) // sequence_stride
    idx = np.arange(num)[:, None] * sequence_stride + np.arange(sequence_length)[None, :]
    return x[..., idx]


# -- math -------------------------------------------------------------------------------------
def _float_unary(name, fn):
    def op(x):
        return fn(floatx_if_not_float(x))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}``; integer inputs give ``floatx()``."
    OPS[name] = op


_float_unary("erf", jax.lax.erf)
_float_unary("erfc", jax.lax.erfc)
_float_unary("erfinv", jax.lax.erf_inv)
_float_unary("rsqrt", jax.lax.rsqrt)


@register("logsumexp")
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` computed stably."""
    x = floatx_if_not_float(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    return jax.scipy.special.logsumexp(x, axis=axis, keepdims=keepdims)


@register("logdet")
def logdet(x):
    """``log(det(x))`` of (batched) square matrices."""
    return jnp.linalg.slogdet(floatx_if_not_float(x))[1]


@register("cdist")
def cdist(x, y):
    """Pairwise Euclidean distances between the rows of ``x`` and ``y`` (batched)."""
    x = floatx_if_not_float(x)
    y = floatx_if_not_float(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(diff * diff, axis=-1))


# -- complex and FFT --------------------------------------------------------------------------
def _complex_from_pair(x, name):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{name}: `x` must be a tuple (real, imag) of two tensors. Received: {type(x).__name__}"
        )
    real, imag = _tt(x[0]), _tt(x[1])
    if real.shape != imag.shape:
        raise ValueError(
            f"{name}: real and imaginary parts must have the same shape. Received "
            f"{real.shape} and {imag.shape}."
        )
    if not (jnp.issubdtype(real.dtype, jnp.floating) and jnp.issubdtype(imag.dtype, jnp.floating)):
        raise ValueError(
            f"{name}: real and imaginary parts must be float tensors. Received "
            f"{sdtype(real)} and {sdtype(imag)}."
        )
    return jax.lax.complex(real, imag)


@register("fft")
def fft(x):
    """FFT over the last axis of ``x = (real, imag)``; returns ``(real, imag)``."""
    c = jnp.fft.fft(_complex_from_pair(x, "fft"))
    return jnp.real(c), jnp.imag(c)


@register("fft2")
def fft2(x):
    """2-D FFT over the last two axes of ``x = (real, imag)``."""
    c = jnp.fft.fft2(_complex_from_pair(x, "fft2"))
    return jnp.real(c), jnp.imag(c)


@register("ifft2")
def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``x = (real, imag)``."""
    c = jnp.fft.ifft2(_complex_from_pair(x, "ifft2"))
    return jnp.real(c), jnp.imag(c)


@register("rfft")
def rfft(x, fft_length=None):
    """Real FFT over the last axis; returns ``(real, imag)``."""
    c = jnp.fft.rfft(floatx_if_not_float(x), n=fft_length)
    return jnp.real(c), jnp.imag(c)


@register("irfft")
def irfft(x, fft_length=None):
    """Inverse real FFT of ``x = (real, imag)`` over the last axis."""
    return jnp.fft.irfft(_complex_from_pair(x, "irfft"), n=fft_length)


@register("view_as_complex")
def view_as_complex(x):
    """A complex tensor from ``x[..., 0]`` (real) and ``x[..., 1]`` (imaginary)."""
    x = floatx_if_not_float(x)
    if x.shape[-1:] != (2,):
        raise ValueError(f"view_as_complex: last dim must be 2. Received: shape={x.shape}")
    return jax.lax.complex(x[..., 0], x[..., 1])


@register("view_as_real")
def view_as_real(x):
    """The complex ``x`` as a float tensor with a trailing axis ``(real, imag)``."""
    x = _tt(x)
    if not jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise ValueError(f"view_as_real: `x` must be complex. Received: dtype={sdtype(x)}")
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def _window_vector(window, sequence_length, fft_length, dtype, name):
    """The analysis window, zero-padded on both sides to ``fft_length``."""
    if window is None:
        return None
    if isinstance(window, str):
        n = np.arange(sequence_length)
        if window == "hann":
            w = 0.5 - 0.5 * np.cos(2 * np.pi * n / sequence_length)
        elif window == "hamming":
            w = 0.54 - 0.46 * np.cos(2 * np.pi * n / sequence_length)
        else:
            raise ValueError(
                f"{name}: `window` must be 'hann', 'hamming', a tensor or None. "
                f"Received: window={window!r}"
            )
        w = jnp.asarray(w, dtype=dtype)
    else:
        w = _tt(window).astype(dtype)
        if w.shape != (sequence_length,):
            raise ValueError(
                f"{name}: `window` must have shape ({sequence_length},). Received: {w.shape}"
            )
    left = (fft_length - sequence_length) // 2
    return jnp.pad(w, (left, fft_length - sequence_length - left))


@register("stft")
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform over the last axis; returns ``(real, imag)``.

    Output shape ``(..., num_frames, fft_length // 2 + 1)``.
    """
    x = _tt(x)
    if sdtype(x) not in ("float32", "float64"):
        raise TypeError(f"stft: `x` must be float32 or float64. Received: dtype={sdtype(x)}")
    if fft_length < sequence_length:
        raise ValueError(
            f"stft: `fft_length` ({fft_length}) must be >= `sequence_length` ({sequence_length})."
        )
    if center:
        pad = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        x = jnp.pad(x, pad, mode="reflect")
    win = _window_vector(window, sequence_length, fft_length, x.dtype, "stft")
    frames = extract_sequences(x, fft_length, sequence_stride)
    if win is None:
        win = jnp.ones((fft_length,), x.dtype)
    c = jnp.fft.rfft(frames * win, n=fft_length)
    return jnp.real(c), jnp.imag(c)


@register("istft")
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of :func:`stft` by windowed overlap-add."""
    c = _complex_from_pair(x, "istft")
    if c.ndim < 2:
        raise ValueError(f"istft: `x` must have at least 2 dims. Received: shape={c.shape}")
    dtype = jnp.real(c).dtype
    frames = jnp.fft.irfft(c, n=fft_length)
    num = c.shape[-2]
    out_len = fft_length + sequence_stride * (num - 1)
    win = _window_vector(window, sequence_length, fft_length, dtype, "istft")
    scale = 1.0
    if win is None:
        win = jnp.ones((fft_length,), dtype)
        scale = fft_length / sequence_stride
    frames = frames * win
    idx = (np.arange(num)[:, None] * sequence_stride + np.arange(fft_length)[None, :]).reshape(-1)
    batch = frames.shape[:-2]
    flat = frames.reshape(batch + (num * fft_length,))
    y = jnp.zeros(batch + (out_len,), dtype).at[..., idx].add(flat)
    norm = jnp.zeros((out_len,), dtype).at[idx].add(jnp.tile(win * win, num))
    y = y / jnp.where(norm > 1e-10, norm, 1.0) * scale
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = out_len - fft_length // 2
    else:
        end = out_len
    return y[..., start:end]


# -- rearrange (einops-style) -----------------------------------------------------------------
_TOKEN = re.compile(r"\(|\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\d+")


def _parse_side(side: str, name: str):
    groups: list[list[str]] = []
    current: list[str] | None = None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            if current is not None:
                raise ValueError(f"{name}: nested parentheses are not supported in {side!r}.")
            current = []
        elif tok == ")":
            if current is None:
                raise ValueError(f"{name}: unbalanced parentheses in {side!r}.")
            groups.append(current)
            current = None
        elif current is not None:
            current.append(tok)
        else:
            groups.append([tok])
    if current is not None:
        raise ValueError(f"{name}: unbalanced parentheses in {side!r}.")
    return groups


@register("rearrange")
def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, split and merge axes as described by an einops ``pattern``.

    Example: ``rearrange(x, "b (h w) c -> b h w c", h=4)``.
    """
    x = _tt(tensor)
    if "->" not in pattern:
        raise ValueError(f"rearrange: `pattern` needs '->'. Received: {pattern!r}")
    left_s, right_s = pattern.split("->")
    left = _parse_side(left_s, "rearrange")
    right = _parse_side(right_s, "rearrange")
    # Expand "..." into as many anonymous axes as the input has left over.
    n_ellipsis = x.ndim - (len(left) - 1) if any(g == ["..."] for g in left) else 0
    ell = [f"__ell{i}" for i in range(n_ellipsis)]

    def expand(groups):
        out = []
        for g in groups:
            if g == ["..."]:
                out.extend([[e] for e in ell])
            else:
                out.append(g)
        return out

    left, right = expand(left), expand(right)
    if len(left) != x.ndim:
        raise ValueError(
            f"rearrange: pattern {left_s.strip()!r} has {len(left)} axes but the input has "
            f"{x.ndim} (shape {x.shape})."
        )
    sizes = dict(axes_lengths)
    for group, dim in zip(left, x.shape):
        unknown = [a for a in group if a not in sizes and not a.isdigit()]
        known = math.prod(int(a) if a.isdigit() else sizes[a] for a in group if a not in unknown)
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown} in {pattern!r}.")
        if unknown:
            sizes[unknown[0]] = dim // known
        elif known != dim:
            raise ValueError(f"rearrange: axis group {group} has size {known}, input has {dim}.")
    elementary = [a for g in left for a in g]
    x = x.reshape(tuple(int(a) if a.isdigit() else sizes[a] for a in elementary))
    order = [a for g in right for a in g if not a.isdigit()]
    missing = set(order) ^ {a for a in elementary if not a.isdigit()}
    if missing:
        raise ValueError(f"rearrange: axes {sorted(missing)} appear on one side only.")
    x = jnp.transpose(x, [elementary.index(a) for a in order])
    return x.reshape(
        tuple(math.prod(int(a) if a.isdigit() else sizes[a] for a in g) for g in right)
    )
