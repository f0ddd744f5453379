"""``kcore.ops.numpy`` on torch: NumPy-named array ops with Keras 3's dtype rules.

Conventions:

- Binary ops take a fast path when both arguments are tensors of one dtype (or a float tensor and
  a Python number), and otherwise promote with :func:`kcore.backend.dtypes.result_type`.
- Transcendental ops (``sqrt``, ``exp``, ``mean``, ...) cast integer / bool inputs to floatx.
- Index-returning ops (``argmax``, ``argsort``, ``nonzero``, ...) return int32, like Keras.
"""

from __future__ import annotations

import builtins
import math

import numpy as np
import torch
import torch.nn.functional as F

from kcore.backend.dtypes import result_type, standardize_dtype
from kcore_backend_torch._convert import (
    DTYPE_NAMES,
    Tensor,
    canonical_axis,
    convert_to_tensor,
    floatx_torch,
    promote,
    shape_tuple,
    to_float,
    to_tensor,
    to_torch_dtype,
)

_INT32 = torch.int32
_INT64 = torch.int64
_BOOL = torch.bool
# Integer sums / products accumulate at least in int32 (Keras: bool, int8, int16, uint8 -> int32).
# uint8 accumulates in uint32 in Keras; torch has no uint32 arithmetic, so int64 stores it.
_SUM_DTYPES = {
    torch.bool: _INT32,
    torch.int8: _INT32,
    torch.int16: _INT32,
    torch.uint8: torch.int64,
}


# -- helpers -------------------------------------------------------------------------------------
def _binary(fn, scalar_ok=True):
    """An op applying ``fn(x1, x2)`` after Keras promotion, with a fast path for tensors."""

    def op(x1, x2):
        if type(x1) is Tensor:
            t2 = type(x2)
            if t2 is Tensor:
                if x1.dtype == x2.dtype:
                    return fn(x1, x2)
            elif scalar_ok and t2 is float and (x1.is_floating_point() or x1.is_complex()):
                return fn(x1, x2)
            elif scalar_ok and t2 is int and x1.dtype is not _BOOL:
                return fn(x1, x2)
        x1, x2 = promote(x1, x2)
        return fn(x1, x2)

    return op


def _binary_float(fn):
    """A binary op whose result is floating point (ints promote to floatx)."""

    def op(x1, x2):
        if type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype:
            if x1.is_floating_point():
                return fn(x1, x2)
        x1, x2 = promote(x1, x2)
        if not (x1.is_floating_point() or x1.is_complex()):
            fx = floatx_torch()
            x1, x2 = x1.to(fx), x2.to(fx)
        return fn(x1, x2)

    return op


def _unary_float(fn):
    """A unary op on floats; ints and bools are cast to floatx first."""

    def op(x):
        if type(x) is not Tensor or not x.is_floating_point():
            x = to_float(x)
        return fn(x)

    return op


def _unary_keep(fn):
    """A unary op that keeps the input dtype."""

    def op(x):
        if type(x) is not Tensor:
            x = convert_to_tensor(x)
        return fn(x)

    return op


def _dims(axis):
    """An ``axis`` argument as torch's ``dim`` (int, tuple or None)."""
    if axis is None or isinstance(axis, int):
        return axis
    return tuple(int(a) for a in axis)


def _index_result(x):
    return x.to(_INT32)


# -- elementwise arithmetic ----------------------------------------------------------------------
add = _binary(torch.add)
subtract = _binary(torch.sub)
multiply = _binary(torch.mul)


def _sub_fn(x1, x2):
    if x1.dtype is _BOOL:
        return torch.logical_xor(x1, x2)
    return torch.sub(x1, x2)


subtract = _binary(_sub_fn)


def _true_divide(x1, x2):
    return torch.true_divide(x1, x2)


def divide(x1, x2):
    """``x1 / x2``; integer inputs give floatx (Keras's true division)."""
    if type(x1) is Tensor:
        t2 = type(x2)
        if t2 is Tensor:
            if x1.dtype == x2.dtype and x1.is_floating_point():
                return torch.div(x1, x2)
        elif (t2 is float or t2 is int) and x1.is_floating_point():
            return torch.div(x1, x2)
    x1, x2 = promote(x1, x2)
    if not (x1.is_floating_point() or x1.is_complex()):
        fx = to_torch_dtype(result_type(DTYPE_NAMES[x1.dtype], float))
        x1, x2 = x1.to(fx), x2.to(fx)
    return torch.div(x1, x2)


true_divide = divide


def divide_no_nan(x1, x2):
    """``x1 / x2`` with 0 where ``x2 == 0``."""
    x1, x2 = promote(x1, x2)
    if not (x1.is_floating_point() or x1.is_complex()):
        x1, x2 = x1.to(floatx_torch()), x2.to(floatx_torch())
    safe = torch.where(x2 == 0, torch.ones_like(x2), x2)
    return torch.where(x2 == 0, torch.zeros_like(x1 * x2), x1 / safe)


def _floor_divide(x1, x2):
    if x1.dtype is _BOOL:
        x1, x2 = x1.to(_INT32), x2.to(_INT32)
    return torch.floor_divide(x1, x2)


floor_divide = _binary(_floor_divide, scalar_ok=False)


def _mod(x1, x2):
    if x1.dtype is _BOOL:
        x1, x2 = x1.to(_INT32), x2.to(_INT32)
    return torch.remainder(x1, x2)


mod = _binary(_mod, scalar_ok=False)


def _power(x1, x2):
    if x1.dtype is _BOOL:
        x1, x2 = x1.to(_INT32), x2.to(_INT32)
    return torch.pow(x1, x2)


power = _binary(_power)


def _maximum(x1, x2):
    return torch.maximum(x1, x2)


maximum = _binary(torch.maximum, scalar_ok=False)
minimum = _binary(torch.minimum, scalar_ok=False)
fmax = _binary(torch.fmax, scalar_ok=False)
fmin = _binary(torch.fmin, scalar_ok=False)


def _fmod(x1, x2):
    if x1.dtype is _BOOL:
        x1, x2 = x1.to(_INT32), x2.to(_INT32)
    return torch.fmod(x1, x2)


fmod = _binary(_fmod, scalar_ok=False)
arctan2 = _binary_float(torch.atan2)
hypot = _binary_float(torch.hypot)
logaddexp = _binary_float(torch.logaddexp)
logaddexp2 = _binary_float(torch.logaddexp2)
nextafter = _binary_float(torch.nextafter)


def heaviside(x1, x2):
    """The Heaviside step of ``x1`` with value ``x2`` at 0."""
    x1, x2 = promote(x1, x2)
    if not x1.is_floating_point():
        x1, x2 = x1.to(floatx_torch()), x2.to(floatx_torch())
    return torch.heaviside(x1, x2)


def ldexp(x1, x2):
    """``x1 * 2**x2``; ``x2`` must be an integer tensor."""
    x1 = to_tensor(x1)
    x2 = to_tensor(x2)
    if x2.is_floating_point() or x2.is_complex():
        raise TypeError(f"ldexp: `x2` must be an integer tensor, received dtype {x2.dtype}.")
    dtype = to_torch_dtype(result_type(DTYPE_NAMES[x1.dtype], DTYPE_NAMES[x2.dtype], float))
    return torch.ldexp(x1.to(dtype), x2).to(dtype)


def gcd(x1, x2):
    """Greatest common divisor, elementwise."""
    x1, x2 = promote(x1, x2)
    return torch.gcd(x1, x2)


def lcm(x1, x2):
    """Least common multiple, elementwise."""
    x1, x2 = promote(x1, x2)
    return torch.lcm(x1, x2)


def negative(x):
    """``-x``."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if x.dtype is _BOOL:
        raise TypeError("negative: bool tensors cannot be negated; use logical_not.")
    return torch.neg(x)


def abs(x):  # noqa: A001 - NumPy's name
    """Absolute value (complex inputs give their real magnitude)."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if x.dtype is _BOOL:
        return x
    return torch.abs(x)


absolute = abs


def fabs(x):
    """Absolute value as a float."""
    return torch.abs(to_float(x))


def square(x):
    """``x * x`` (bool inputs give int32)."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if x.dtype is _BOOL:
        x = x.to(_INT32)
    return torch.square(x)


def sign(x):
    """The sign of ``x`` in its own dtype."""
    x = to_tensor(x)
    if x.dtype is _BOOL:
        return x
    return torch.sgn(x) if x.is_complex() else torch.sign(x)


def signbit(x):
    """Whether the sign bit is set (``-0.0`` included)."""
    x = to_tensor(x)
    if x.dtype is _BOOL:
        return torch.zeros_like(x)
    if not x.is_floating_point():
        return x < 0
    return torch.signbit(x)


sqrt = _unary_float(torch.sqrt)
exp = _unary_float(torch.exp)
exp2 = _unary_float(torch.exp2)
expm1 = _unary_float(torch.expm1)
log = _unary_float(torch.log)
log10 = _unary_float(torch.log10)
log1p = _unary_float(torch.log1p)
log2 = _unary_float(torch.log2)
sin = _unary_float(torch.sin)
cos = _unary_float(torch.cos)
tan = _unary_float(torch.tan)
sinh = _unary_float(torch.sinh)
cosh = _unary_float(torch.cosh)
tanh = _unary_float(torch.tanh)
arcsin = _unary_float(torch.asin)
arccos = _unary_float(torch.acos)
arctan = _unary_float(torch.atan)
arcsinh = _unary_float(torch.asinh)
arccosh = _unary_float(torch.acosh)
arctanh = _unary_float(torch.atanh)
reciprocal = _unary_float(torch.reciprocal)
deg2rad = _unary_float(torch.deg2rad)
rad2deg = _unary_float(torch.rad2deg)
sinc = _unary_float(torch.sinc)
i0 = _unary_float(torch.special.i0)


def _ceil(x):
    return torch.ceil(x)


ceil = _unary_float(torch.ceil)
floor = _unary_float(torch.floor)


def cbrt(x):
    """Cube root (real, keeping the sign)."""
    x = to_float(x)
    return torch.sign(x) * torch.abs(x).pow(1.0 / 3.0)


def trunc(x):
    """Round towards zero; integer inputs are returned unchanged."""
    x = to_tensor(x)
    if not x.is_floating_point():
        return x
    return torch.trunc(x)


def round(x, decimals=0):  # noqa: A001 - NumPy's name
    """Round half to even to ``decimals`` places (integer inputs keep their dtype)."""
    x = to_tensor(x)
    if x.dtype is _BOOL:
        raise TypeError("round: bool inputs are not supported.")
    if not x.is_floating_point():
        if decimals >= 0:
            return x
        factor = 10 ** (-decimals)
        return (torch.round(x.to(torch.float64) / factor) * factor).to(x.dtype)
    if decimals == 0:
        return torch.round(x)
    return torch.round(x, decimals=decimals)


def angle(x):
    """The complex argument (0 or pi for reals)."""
    x = to_tensor(x)
    if not x.is_complex():
        x = to_float(x)
    return torch.angle(x)


def conj(x):
    """Complex conjugate (identity on reals)."""
    x = to_tensor(x)
    return torch.conj_physical(x) if x.is_complex() else x


conjugate = conj


def real(x):
    """Real part."""
    x = to_tensor(x)
    return torch.real(x) if x.is_complex() else x


def imag(x):
    """Imaginary part (zeros for reals)."""
    x = to_tensor(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def clip(x, x_min, x_max):
    """Clamp ``x`` into ``[x_min, x_max]``; bool inputs give int32."""
    x = to_tensor(x)
    dtype = x.dtype
    if dtype is _BOOL:
        dtype = _INT32
    x = x.to(dtype)
    if isinstance(x_min, (int, float)) and isinstance(x_max, (int, float)):
        if not x.is_floating_point() and (isinstance(x_min, float) or isinstance(x_max, float)):
            return torch.clamp(x.to(floatx_torch()), x_min, x_max).to(dtype)
        return torch.clamp(x, x_min, x_max)
    lo = convert_to_tensor(x_min, dtype)
    hi = convert_to_tensor(x_max, dtype)
    return torch.minimum(torch.maximum(x, lo), hi)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN / +inf / -inf with finite numbers."""
    x = to_tensor(x)
    if not x.is_floating_point():
        return x
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


# -- comparisons and logic -----------------------------------------------------------------------
equal = _binary(torch.eq)
not_equal = _binary(torch.ne)
greater = _binary(torch.gt)
greater_equal = _binary(torch.ge)
less = _binary(torch.lt)
less_equal = _binary(torch.le)


def _logical(fn):
    def op(x1, x2):
        return fn(to_tensor(x1), to_tensor(x2))

    return op


logical_and = _logical(torch.logical_and)
logical_or = _logical(torch.logical_or)
logical_xor = _logical(torch.logical_xor)


def logical_not(x):
    """Elementwise NOT (nonzero is True)."""
    return torch.logical_not(to_tensor(x))


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|x1 - x2| <= atol + rtol * |x2|``."""
    x1, x2 = promote(x1, x2)
    return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements are close (a bool scalar tensor)."""
    return torch.all(isclose(x1, x2, rtol, atol, equal_nan))


def isfinite(x):
    """Elementwise finiteness."""
    return torch.isfinite(to_tensor(x))


def isinf(x):
    """Elementwise infinity test."""
    return torch.isinf(to_tensor(x))


def isnan(x):
    """Elementwise NaN test."""
    return torch.isnan(to_tensor(x))


def isneginf(x):
    """Elementwise ``x == -inf``."""
    x = to_tensor(x)
    return torch.isneginf(x) if x.is_floating_point() else torch.zeros_like(x, dtype=_BOOL)


def isposinf(x):
    """Elementwise ``x == +inf``."""
    x = to_tensor(x)
    return torch.isposinf(x) if x.is_floating_point() else torch.zeros_like(x, dtype=_BOOL)


def isreal(x):
    """Whether each element has zero imaginary part."""
    x = to_tensor(x)
    if x.is_complex():
        return torch.imag(x) == 0
    return torch.ones_like(x, dtype=_BOOL)


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2``."""
    x1, x2 = promote(x1, x2)
    return torch.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def _bitwise(fn):
    def op(x, y):
        x, y = promote(x, y)
        if x.is_floating_point():
            raise TypeError(f"{fn.__name__}: inputs must be integer or bool, received {x.dtype}.")
        return fn(x, y)

    return op


bitwise_and = _bitwise(torch.bitwise_and)
bitwise_or = _bitwise(torch.bitwise_or)
bitwise_xor = _bitwise(torch.bitwise_xor)
bitwise_left_shift = _bitwise(torch.bitwise_left_shift)
bitwise_right_shift = _bitwise(torch.bitwise_right_shift)
left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def bitwise_invert(x):
    """Bitwise NOT."""
    return torch.bitwise_not(to_tensor(x))


bitwise_not = bitwise_invert


# -- reductions ----------------------------------------------------------------------------------
def sum(x, axis=None, keepdims=False):  # noqa: A001 - NumPy's name
    """Sum over ``axis``; bool / small ints accumulate in int32."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if axis == ():
        return x.to(_SUM_DTYPES.get(x.dtype, x.dtype))
    dtype = _SUM_DTYPES.get(x.dtype, x.dtype)
    return torch.sum(x, dim=_dims(axis), keepdim=keepdims, dtype=dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``."""
    x = to_tensor(x)
    out_dtype = to_torch_dtype(dtype) if dtype is not None else _SUM_DTYPES.get(x.dtype, x.dtype)
    if axis is None:
        out = torch.prod(x.to(out_dtype)).to(out_dtype)
        if keepdims:
            out = out.reshape((1,) * x.ndim)
        return out
    axes = sorted(canonical_axis(axis, x.ndim), reverse=True)
    out = x.to(out_dtype)
    for a in axes:
        out = torch.prod(out, dim=a, keepdim=keepdims)
    return out.to(out_dtype)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean; integer inputs give floatx."""
    if type(x) is not Tensor or not x.is_floating_point():
        x = to_float(x)
    if axis == ():
        return x
    return torch.mean(x, dim=_dims(axis), keepdim=keepdims)


def _minmax(fn, name):
    def op(x, axis=None, keepdims=False, initial=None):
        x = to_tensor(x)
        if axis == ():
            out = x
        elif x.numel() == 0 and initial is not None:
            shape = list(x.shape)
            for a in canonical_axis(axis, x.ndim):
                shape[a] = 1
            out = torch.full(shape, initial, dtype=x.dtype)
            if not keepdims:
                out = out.reshape(
                    [d for i, d in enumerate(shape) if i not in canonical_axis(axis, x.ndim)]
                )
            return out
        elif x.numel() == 0:
            raise ValueError(f"{name}: cannot reduce an empty tensor without `initial`.")
        elif x.dtype is _BOOL:
            out = fn(x.to(torch.uint8), dim=_dims(axis), keepdim=keepdims).to(_BOOL)
        else:
            out = fn(x, dim=_dims(axis), keepdim=keepdims)
        if initial is not None:
            init = torch.tensor(initial, dtype=out.dtype)
            out = torch.maximum(out, init) if fn is torch.amax else torch.minimum(out, init)
        return out

    op.__name__ = name
    return op


max = _minmax(torch.amax, "max")  # noqa: A001 - NumPy's name
min = _minmax(torch.amin, "min")  # noqa: A001 - NumPy's name


def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis``."""
    return max(x, axis, keepdims)


def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis``."""
    return min(x, axis, keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001 - NumPy's name
    """Whether all elements are nonzero over ``axis``."""
    x = to_tensor(x)
    if axis is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=_dims(axis), keepdim=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001 - NumPy's name
    """Whether any element is nonzero over ``axis``."""
    x = to_tensor(x)
    if axis is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=_dims(axis), keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (``ddof=0``); ints give floatx."""
    x = to_float(x)
    if x.is_complex():
        m = torch.mean(x, dim=_dims(axis), keepdim=True)
        return torch.mean(torch.abs(x - m) ** 2, dim=_dims(axis), keepdim=keepdims)
    return torch.var(x, dim=_dims(axis), keepdim=keepdims, correction=0)


def std(x, axis=None, keepdims=False):
    """Population standard deviation (``ddof=0``)."""
    return torch.sqrt(var(x, axis, keepdims))


def ptp(x, axis=None, keepdims=False):
    """``max - min`` over ``axis``."""
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``."""
    x = to_tensor(x)
    if weights is None:
        return mean(x, axis)
    x, weights = promote(x, weights)
    if not x.is_floating_point():
        x, weights = x.to(floatx_torch()), weights.to(floatx_torch())
    if axis is not None and weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[int(axis)] = -1
        weights = weights.reshape(shape)
    return torch.sum(x * weights, dim=_dims(axis)) / torch.sum(
        torch.broadcast_to(weights, x.shape), dim=_dims(axis)
    )


def _arg_reduce(fn, name):
    def op(x, axis=None, keepdims=False):
        x = to_tensor(x)
        if x.dtype is _BOOL:
            x = x.to(torch.uint8)
        if axis is None:
            out = fn(x.reshape(-1))
            if keepdims:
                out = out.reshape((1,) * x.ndim)
        else:
            out = fn(x, dim=int(axis), keepdim=keepdims)
        return out.to(_INT32)

    op.__name__ = name
    return op


argmax = _arg_reduce(torch.argmax, "argmax")
argmin = _arg_reduce(torch.argmin, "argmin")


def count_nonzero(x, axis=None):
    """Number of nonzero elements over ``axis`` (int32)."""
    x = to_tensor(x)
    if axis == ():
        return (x != 0).to(_INT32)
    return torch.count_nonzero(x, dim=_dims(axis)).to(_INT32)


def _move_to_end(x, axis):
    """``x`` with the axes in ``axis`` moved last and flattened into one (for quantiles)."""
    axes = canonical_axis(axis, x.ndim)
    rest = [i for i in range(x.ndim) if i not in axes]
    x = x.permute(*rest, *axes)
    return x.reshape(*x.shape[: len(rest)], -1), axes


def _restore_keepdims(out, x_ndim, axes, extra_leading=0):
    shape = list(out.shape)
    for a in sorted(axes):
        shape.insert(extra_leading + a, 1)
    return out.reshape(shape)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``."""
    x = to_float(x)
    compute_dtype = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    q_t = convert_to_tensor(q).to(compute_dtype)
    xs, axes = _move_to_end(x.to(compute_dtype), axis)
    out = torch.quantile(xs, q_t, dim=-1, interpolation=method)
    if keepdims:
        out = _restore_keepdims(out, x.ndim, axes, extra_leading=q_t.ndim)
    return out.to(x.dtype)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``."""
    return quantile(x, divide(q, 100.0), axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (mean of the two middle values for even sizes)."""
    return quantile(x, 0.5, axis, "linear", keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """:func:`quantile` ignoring NaNs."""
    x = to_float(x)
    compute_dtype = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    q_t = convert_to_tensor(q).to(compute_dtype)
    xs, axes = _move_to_end(x.to(compute_dtype), axis)
    out = torch.nanquantile(xs, q_t, dim=-1, interpolation=method)
    if keepdims:
        out = _restore_keepdims(out, x.ndim, axes, extra_leading=q_t.ndim)
    return out.to(x.dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """:func:`percentile` ignoring NaNs."""
    return nanquantile(x, divide(q, 100.0), axis, method, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """:func:`median` ignoring NaNs."""
    return nanquantile(x, 0.5, axis, "linear", keepdims)


def nansum(x, axis=None, keepdims=False):
    """Sum treating NaN as 0."""
    x = to_tensor(x)
    if x.is_floating_point():
        x = torch.nan_to_num(x, nan=0.0, posinf=math.inf, neginf=-math.inf)
    return sum(x, axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product treating NaN as 1."""
    x = to_tensor(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.ones_like(x), x)
    return prod(x, axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean ignoring NaNs."""
    x = to_float(x)
    return torch.nanmean(x, dim=_dims(axis), keepdim=keepdims)


def nanvar(x, axis=None, keepdims=False):
    """Variance ignoring NaNs."""
    x = to_float(x)
    m = torch.nanmean(x, dim=_dims(axis), keepdim=True)
    return torch.nanmean(torch.abs(x - m) ** 2, dim=_dims(axis), keepdim=keepdims)


def nanstd(x, axis=None, keepdims=False):
    """Standard deviation ignoring NaNs."""
    return torch.sqrt(nanvar(x, axis, keepdims))


def nanmax(x, axis=None, keepdims=False):
    """Maximum ignoring NaNs (NaN where all are NaN)."""
    x = to_tensor(x)
    if not x.is_floating_point():
        return max(x, axis, keepdims)
    filled = torch.where(torch.isnan(x), torch.full_like(x, -math.inf), x)
    out = max(filled, axis, keepdims)
    return torch.where(all(torch.isnan(x), axis, keepdims), torch.full_like(out, math.nan), out)


def nanmin(x, axis=None, keepdims=False):
    """Minimum ignoring NaNs (NaN where all are NaN)."""
    x = to_tensor(x)
    if not x.is_floating_point():
        return min(x, axis, keepdims)
    filled = torch.where(torch.isnan(x), torch.full_like(x, math.inf), x)
    out = min(filled, axis, keepdims)
    return torch.where(all(torch.isnan(x), axis, keepdims), torch.full_like(out, math.nan), out)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum ignoring NaNs (int32)."""
    x = to_tensor(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.full_like(x, -math.inf), x)
    return argmax(x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum ignoring NaNs (int32)."""
    x = to_tensor(x)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.full_like(x, math.inf), x)
    return argmin(x, axis, keepdims)


def _cum(fn, name, neutral=None):
    def op(x, axis=None, dtype=None):
        x = to_tensor(x)
        if neutral is not None and x.is_floating_point():
            x = torch.where(torch.isnan(x), torch.full_like(x, neutral), x)
        if dtype is not None:
            out_dtype = to_torch_dtype(dtype)
        else:
            out_dtype = _INT32 if x.dtype is _BOOL else x.dtype
        if axis is None:
            x = x.reshape(-1)
            axis = 0
        return fn(x.to(out_dtype), dim=int(axis)).to(out_dtype)

    op.__name__ = name
    return op


cumsum = _cum(torch.cumsum, "cumsum")
cumprod = _cum(torch.cumprod, "cumprod")
nancumsum = _cum(torch.cumsum, "nancumsum", 0.0)
nancumprod = _cum(torch.cumprod, "nancumprod", 1.0)


# -- creation ------------------------------------------------------------------------------------
def _dtype_or_floatx(dtype):
    return floatx_torch() if dtype is None else to_torch_dtype(dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros (floatx by default)."""
    return torch.zeros(shape_tuple(shape), dtype=_dtype_or_floatx(dtype))


def ones(shape, dtype=None):
    """A tensor of ones (floatx by default)."""
    return torch.ones(shape_tuple(shape), dtype=_dtype_or_floatx(dtype))


def empty(shape, dtype=None):
    """An uninitialised tensor (zeros here, for reproducibility)."""
    return torch.zeros(shape_tuple(shape), dtype=_dtype_or_floatx(dtype))


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value`` (dtype inferred from it when not given)."""
    fill = convert_to_tensor(fill_value, dtype)
    return torch.broadcast_to(fill, shape_tuple(shape)).clone()


def _like_dtype(x, dtype):
    return x.dtype if dtype is None else to_torch_dtype(dtype)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of ``x``."""
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=_like_dtype(x, dtype))


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of ``x``."""
    x = to_tensor(x)
    return torch.ones_like(x, dtype=_like_dtype(x, dtype))


def empty_like(x, dtype=None):
    """An uninitialised tensor like ``x`` (zeros here)."""
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    """``fill_value`` broadcast to the shape of ``x`` (dtype of ``x`` by default)."""
    x = to_tensor(x)
    td = _like_dtype(x, dtype)
    fill = convert_to_tensor(fill_value, td)
    return torch.broadcast_to(fill, x.shape).clone()


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - NumPy's names
    """A 2-D tensor with ones on the ``k``-th diagonal."""
    N = int(N)
    M = N if M is None else int(M)
    out = torch.zeros((N, M), dtype=_dtype_or_floatx(dtype))
    return (
        torch.diagonal_scatter(
            out,
            torch.ones(
                builtins.max(0, builtins.min(N + builtins.min(k, 0), M - builtins.max(k, 0))),
                dtype=out.dtype,
            ),
            k,
        )
        if N and M
        else out
    )


def identity(n, dtype=None):
    """The ``n x n`` identity."""
    return torch.eye(int(n), dtype=_dtype_or_floatx(dtype))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803 - NumPy's names
    """Ones at and below the ``k``-th diagonal."""
    M = N if M is None else M
    return torch.tril(torch.ones((int(N), int(M)), dtype=_dtype_or_floatx(dtype)), int(k))


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; int args give int32, floats floatx."""
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if dtype is None:
        kinds = [
            v if type(v) in (int, float, bool) else getattr(v, "dtype", type(v))
            for v in (start, stop, step)
        ]
        dtype = result_type(
            *[
                standardize_dtype(k) if not isinstance(k, (int, float, bool, type)) else k
                for k in kinds
            ]
        )
    td = to_torch_dtype(dtype)
    start, stop, step = (v.item() if isinstance(v, Tensor) else v for v in (start, stop, step))
    if td.is_floating_point:
        return torch.arange(start, stop, step, dtype=torch.float64).to(td)
    return torch.arange(start, stop, step, dtype=td)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    start_t = to_tensor(start)
    stop_t = to_tensor(stop)
    if dtype is None:
        dtype = result_type(DTYPE_NAMES[start_t.dtype], DTYPE_NAMES[stop_t.dtype], float)
    td = to_torch_dtype(dtype)
    start_t = start_t.to(torch.float64)
    stop_t = stop_t.to(torch.float64)
    num = int(num)
    div = (num - 1) if endpoint else num
    steps = torch.arange(num, dtype=torch.float64)
    shape = (num,) + (1,) * builtins.max(start_t.ndim, stop_t.ndim)
    steps = steps.reshape(shape)
    delta = stop_t - start_t
    step = delta / div if div > 0 else torch.full_like(delta, math.nan)
    out = start_t + steps * (step if div > 0 else torch.zeros_like(delta))
    if endpoint and num > 1:
        out[-1] = stop_t
    if axis != 0:
        out = torch.moveaxis(out, 0, axis)
    if not td.is_floating_point and not td.is_complex:
        out = torch.floor(out)
    out = out.to(td)
    if retstep:
        return out, step.to(td) if isinstance(step, Tensor) else step
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop)``."""
    lin = linspace(start, stop, num, endpoint, dtype=torch.float64, axis=axis)
    out = torch.pow(torch.tensor(float(base), dtype=torch.float64), lin)
    if dtype is None:
        dtype = result_type(
            DTYPE_NAMES[to_tensor(start).dtype], DTYPE_NAMES[to_tensor(stop).dtype], float
        )
    return out.to(to_torch_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers spaced evenly on a log scale between ``start`` and ``stop``."""
    s = to_tensor(start).to(torch.float64)
    e = to_tensor(stop).to(torch.float64)
    if dtype is None:
        dtype = result_type(
            DTYPE_NAMES[to_tensor(start).dtype], DTYPE_NAMES[to_tensor(stop).dtype], float
        )
    sign_ = torch.sign(s)
    lin = linspace(
        torch.log10(torch.abs(s)), torch.log10(torch.abs(e)), num, endpoint, dtype=torch.float64
    )
    out = sign_ * torch.pow(10.0, lin)
    if num > 0:
        out[0] = s
        if endpoint and num > 1:
            out[-1] = e
    if axis != 0:
        out = torch.moveaxis(out, 0, axis)
    return out.to(to_torch_dtype(dtype))


def array(x, dtype=None):
    """``convert_to_tensor(x, dtype)``."""
    return convert_to_tensor(x, dtype)


def _window(name, fn):
    def op(x):
        n = int(x.item() if isinstance(x, Tensor) else x)
        return fn(n, periodic=False, dtype=torch.float64).to(floatx_torch())

    op.__name__ = name
    return op


bartlett = _window("bartlett", torch.bartlett_window)
blackman = _window("blackman", torch.blackman_window)
hamming = _window("hamming", torch.hamming_window)
hanning = _window("hanning", torch.hann_window)


def kaiser(x, beta):
    """The Kaiser window of length ``x``."""
    n = int(x.item() if isinstance(x, Tensor) else x)
    beta = float(beta.item() if isinstance(beta, Tensor) else beta)
    return torch.kaiser_window(n, periodic=False, beta=beta, dtype=torch.float64).to(floatx_torch())


# -- shape manipulation --------------------------------------------------------------------------
def reshape(x, newshape):
    """``x`` with a new shape (one dim may be -1)."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if isinstance(newshape, int):
        return x.reshape(newshape)
    return x.reshape([-1 if d is None else int(d) for d in newshape])


def ravel(x):
    """``x`` flattened to 1-D."""
    return to_tensor(x).reshape(-1)


def transpose(x, axes=None):
    """Permute the axes (reverse them by default)."""
    x = to_tensor(x)
    if axes is None:
        return x.permute(*reversed(range(x.ndim)))
    return x.permute(*[int(a) for a in axes])


def swapaxes(x, axis1, axis2):
    """Swap two axes."""
    return torch.swapaxes(to_tensor(x), int(axis1), int(axis2))


def moveaxis(x, source, destination):
    """Move axes to new positions."""
    if isinstance(source, (list, tuple)):
        source = [int(s) for s in source]
        destination = [int(d) for d in destination]
    return torch.moveaxis(to_tensor(x), source, destination)


def expand_dims(x, axis):
    """Insert size-1 axes at ``axis`` (an int or a tuple)."""
    x = to_tensor(x)
    if isinstance(axis, int):
        return torch.unsqueeze(x, axis)
    out_ndim = x.ndim + len(axis)
    axes = sorted(a % out_ndim for a in axis)
    for a in axes:
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``)."""
    x = to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    axes = canonical_axis(axis, x.ndim)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(
                f"squeeze: cannot squeeze axis {a} of size {x.shape[a]}; expected size 1, "
                f"received shape {tuple(x.shape)}."
            )
    return torch.squeeze(x, dim=axes)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return torch.broadcast_to(to_tensor(x), shape_tuple(shape))


def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes by default)."""
    x = to_tensor(x)
    return torch.flip(x, dims=canonical_axis(axis, x.ndim))


def fliplr(x):
    """Reverse along axis 1."""
    return flip(x, 1)


def flipud(x):
    """Reverse along axis 0."""
    return flip(x, 0)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    array = to_tensor(array)
    if array.ndim < 2:
        raise ValueError(
            f"rot90: expected an input of rank >= 2, received shape {tuple(array.shape)}."
        )
    return torch.rot90(array, int(k), dims=[int(a) for a in axes])


def roll(x, shift, axis=None):
    """Roll elements along ``axis`` (the flattened tensor by default)."""
    x = to_tensor(x)
    if isinstance(shift, Tensor):
        shift = shift.tolist()
    if axis is None:
        return torch.roll(x.reshape(-1), shift).reshape(x.shape)
    return torch.roll(x, shift, dims=axis if isinstance(axis, int) else tuple(axis))


def tile(x, repeats):
    """Repeat the whole tensor ``repeats`` times per axis."""
    x = to_tensor(x)
    if isinstance(repeats, Tensor):
        repeats = repeats.tolist()
    if isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(x, tuple(int(r) for r in repeats))


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (flattened by default)."""
    x = to_tensor(x)
    if isinstance(repeats, (list, tuple, np.ndarray)):
        repeats = convert_to_tensor(repeats, "int64")
    elif isinstance(repeats, Tensor):
        repeats = repeats.to(_INT64)
        if repeats.ndim == 0:
            repeats = int(repeats)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    return torch.repeat_interleave(x, repeats, dim=int(axis))


def _promote_list(xs):
    xs = [to_tensor(x) for x in xs]
    if len({x.dtype for x in xs}) > 1:
        td = to_torch_dtype(result_type(*[DTYPE_NAMES[x.dtype] for x in xs]))
        xs = [x.to(td) for x in xs]
    return xs


def concatenate(xs, axis=0):
    """Join tensors along an existing axis."""
    xs = _promote_list(xs)
    if axis is None:
        return torch.cat([x.reshape(-1) for x in xs])
    return torch.cat(xs, dim=int(axis))


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (flattened by default)."""
    x1, x2 = promote(x1, x2)
    if axis is None:
        return torch.cat([x1.reshape(-1), x2.reshape(-1)])
    return torch.cat([x1, x2], dim=int(axis))


def stack(x, axis=0):
    """Join tensors along a new axis."""
    return torch.stack(_promote_list(x), dim=int(axis))


def hstack(xs):
    """Stack along axis 1 (axis 0 for 1-D)."""
    return torch.hstack(_promote_list(xs))


def vstack(xs):
    """Stack along axis 0 (1-D inputs become rows)."""
    return torch.vstack(_promote_list(xs))


def dstack(xs):
    """Stack along axis 2."""
    return torch.dstack(_promote_list(xs))


def split(x, indices_or_sections, axis=0):
    """Split into equal sections or at indices; returns a list."""
    x = to_tensor(x)
    axis = int(axis)
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if x.shape[axis] % n:
            raise ValueError(
                f"split: the axis of size {x.shape[axis]} cannot be split into {n} equal "
                "sections; use array_split."
            )
        return list(torch.tensor_split(x, n, dim=axis))
    return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], dim=axis))


def array_split(x, indices_or_sections, axis=0):
    """Split into nearly equal sections (sizes may differ by one)."""
    x = to_tensor(x)
    if not isinstance(indices_or_sections, int):
        indices_or_sections = [int(i) for i in indices_or_sections]
    return list(torch.tensor_split(x, indices_or_sections, dim=int(axis)))


def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D)."""
    x = to_tensor(x)
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def vsplit(x, indices_or_sections):
    """Split along axis 0."""
    return split(x, indices_or_sections, 0)


def dsplit(x, indices_or_sections):
    """Split along axis 2."""
    return split(x, indices_or_sections, 2)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D tensors."""
    return list(torch.meshgrid(*[to_tensor(v) for v in x], indexing=indexing))


def diag(x, k=0):
    """Extract a diagonal (2-D input) or build a diagonal matrix (1-D input)."""
    x = to_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"diag: expected a 1-D or 2-D input, received shape {tuple(x.shape)}.")
    return torch.diag(x, int(k))


def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on the ``k``-th diagonal."""
    return torch.diagflat(to_tensor(x), int(k))


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal over ``axis1`` / ``axis2`` (moved last)."""
    return torch.diagonal(to_tensor(x), offset=int(offset), dim1=int(axis1), dim2=int(axis2))


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal."""
    x = to_tensor(x)
    d = torch.diagonal(x, offset=int(offset), dim1=int(axis1), dim2=int(axis2))
    return sum(d, -1)


def tril(x, k=0):
    """Lower triangle of the last two axes."""
    x = to_tensor(x)
    return torch.tril(x, int(k))


def triu(x, k=0):
    """Upper triangle of the last two axes."""
    x = to_tensor(x)
    return torch.triu(x, int(k))


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    a = to_tensor(a)
    if n == 0:
        return a
    if a.dtype is _BOOL:
        out = a
        for _ in range(n):
            out = torch.ne(
                out.narrow(axis, 1, out.shape[axis] - 1), out.narrow(axis, 0, out.shape[axis] - 1)
            )
        return out
    return torch.diff(a, n=int(n), dim=int(axis))


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x``; modes ``constant``, ``edge``, ``reflect``, ``symmetric``, ``wrap``, ...

    Non-constant modes build one gather index per padded axis (works for any rank and dtype,
    unlike ``torch.nn.functional.pad`` which only pads trailing dims of float tensors).
    """
    x = to_tensor(x)
    widths = np.asarray(pad_width, dtype=np.int64)
    if widths.ndim == 0:
        widths = np.full((x.ndim, 2), int(widths))
    elif widths.ndim == 1:
        widths = np.broadcast_to(widths, (x.ndim, 2))
    elif widths.shape[0] == 1 and x.ndim != 1:
        widths = np.broadcast_to(widths, (x.ndim, 2))
    if widths.shape != (x.ndim, 2):
        raise ValueError(
            f"pad: `pad_width` must give (before, after) for each of the {x.ndim} axes, "
            f"received {pad_width!r}."
        )
    if mode == "constant":
        if constant_values is not None and mode != "constant":
            raise ValueError("pad: `constant_values` requires mode='constant'.")
        flat = []
        for before, after in reversed(widths.tolist()):
            flat += [before, after]
        value = 0 if constant_values is None else constant_values
        if isinstance(value, Tensor):
            value = value.item()
        if x.dtype is _BOOL:
            return F.pad(x.to(torch.uint8), flat, value=float(value)).to(_BOOL)
        return F.pad(x, flat, mode="constant", value=value)
    if constant_values is not None:
        raise ValueError(
            f"pad: `constant_values` can only be set with mode='constant', received mode={mode!r}."
        )
    for axis, (before, after) in enumerate(widths.tolist()):
        if before == 0 and after == 0:
            continue
        n = x.shape[axis]
        idx = np.arange(-before, n + after)
        if mode == "edge":
            idx = np.clip(idx, 0, n - 1)
        elif mode == "wrap":
            idx = idx % n
        elif mode == "reflect":
            period = 2 * (n - 1) if n > 1 else 1
            idx = np.abs(idx) % period if n > 1 else np.zeros_like(idx)
            idx = np.where(idx >= n, period - idx, idx)
        elif mode == "symmetric":
            period = 2 * n
            idx = idx % period
            idx = np.where(idx >= n, period - 1 - idx, idx)
        elif mode in ("maximum", "minimum", "mean", "median"):
            reducer = {"maximum": max, "minimum": min, "mean": mean, "median": median}[mode]
            stat = reducer(x, axis, True).to(x.dtype) if mode != "mean" else reducer(x, axis, True)
            parts = [
                stat.expand(*[before if i == axis else -1 for i in range(x.ndim)]),
                x,
                stat.expand(*[after if i == axis else -1 for i in range(x.ndim)]),
            ]
            x = torch.cat([p.to(parts[1].dtype) for p in parts], dim=axis)
            continue
        else:
            raise ValueError(
                "pad: `mode` must be one of 'constant', 'edge', 'reflect', 'symmetric', 'wrap', "
                f"'maximum', 'minimum', 'mean', 'median', received {mode!r}."
            )
        x = torch.index_select(x, axis, torch.as_tensor(idx, dtype=_INT64))
    return x


# -- indexing ------------------------------------------------------------------------------------
def _index_key(key):
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, (Tensor, np.ndarray)) or (
        isinstance(key, list) and not builtins.any(isinstance(k, slice) for k in key)
    ):
        key = to_tensor(key)
        if key.dtype is not _BOOL and key.dtype is not _INT64:
            key = key.to(_INT64)
        return key
    if hasattr(key, "value") and not isinstance(key, (int, slice)):  # a Variable
        return _index_key(key.value)
    return key


def _has_negative_step(key):
    return builtins.any(
        isinstance(k, slice) and k.step is not None and int(k.step) < 0 for k in key
    )


def _negative_step_index(x, key):
    """``x[key]`` for a basic key whose slices may step backwards (torch slices cannot).

    Each backward slice becomes the forward slice over the same elements, then a flip of the
    output axis it produced.
    """
    n_consuming = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    forward = []
    flips = []
    in_dim = 0
    out_dim = 0
    for k in key:
        if k is Ellipsis:
            skip = x.ndim - n_consuming
            in_dim += skip
            out_dim += skip
            forward.append(k)
        elif k is None:
            forward.append(k)
            out_dim += 1
        elif isinstance(k, slice):
            if k.step is not None and int(k.step) < 0:
                start, stop, step = k.indices(x.shape[in_dim])
                count = len(range(start, stop, step))
                if count == 0:
                    forward.append(slice(0, 0))
                else:
                    last = start + step * (count - 1)
                    forward.append(slice(last, start + 1, -step))
                    flips.append(out_dim)
            else:
                forward.append(k)
            in_dim += 1
            out_dim += 1
        else:
            forward.append(k)
            in_dim += 1
    out = x[tuple(forward)]
    return torch.flip(out, flips) if flips else out


def get_item(x, key):
    """``x[key]`` with NumPy indexing (ints, slices, None, Ellipsis, int/bool tensors)."""
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    if type(key) is int:
        return x[key]
    if type(key) is slice:
        key = (key,)
    if isinstance(key, tuple) and _has_negative_step(key):
        return _negative_step_index(x, _index_key(key))
    return x[_index_key(key)]


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (the flattened tensor by default)."""
    x = to_tensor(x)
    indices = to_tensor(indices)
    if indices.is_floating_point():
        indices = indices.to(_INT64)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    axis = int(axis) % builtins.max(x.ndim, 1)
    n = x.shape[axis]
    idx = indices.to(_INT64)
    idx = torch.where(idx < 0, idx + n, idx)
    out = torch.index_select(x, axis, idx.reshape(-1))
    return out.reshape(*x.shape[:axis], *indices.shape, *x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` matched along ``axis``."""
    x = to_tensor(x)
    idx = to_tensor(indices).to(_INT64)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    axis = int(axis)
    n = x.shape[axis]
    idx = torch.where(idx < 0, idx + n, idx)
    # Broadcast every axis but `axis` between x and indices (NumPy semantics).
    shape_x = list(x.shape)
    shape_i = list(idx.shape)
    if len(shape_i) != len(shape_x):
        raise ValueError(
            f"take_along_axis: `indices` must have the rank of `x` ({x.ndim}), received shape "
            f"{tuple(idx.shape)}."
        )
    bx = list(shape_x)
    bi = list(shape_i)
    for i in range(len(bx)):
        if i == axis % x.ndim:
            continue
        m = builtins.max(bx[i], bi[i])
        bx[i] = bi[i] = m
    x = x.expand(*bx)
    idx = idx.expand(*bi)
    return torch.gather(x, axis, idx)


def where(condition, x1=None, x2=None):
    """Elements of ``x1`` where ``condition`` else ``x2``; ``nonzero`` if both are None."""
    condition = to_tensor(condition)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: `x1` and `x2` must both be given or both be None.")
    if condition.dtype is not _BOOL:
        condition = condition != 0
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype:
        return torch.where(condition, x1, x2)
    x1, x2 = promote(x1, x2)
    return torch.where(condition, x1, x2)


def nonzero(x):
    """A tuple of int32 index tensors, one per axis, of the nonzero elements."""
    x = to_tensor(x)
    return tuple(i.to(_INT32) for i in torch.nonzero(x, as_tuple=True))


def select(condlist, choicelist, default=0):
    """Elements from ``choicelist`` by the first true condition in ``condlist``."""
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"select: `condlist` and `choicelist` must have the same length, received "
            f"{len(condlist)} and {len(choicelist)}."
        )
    choices = _promote_list(list(choicelist))
    td = choices[0].dtype
    out = convert_to_tensor(default, td)
    for cond, choice in reversed(list(zip(condlist, choices))):
        out = torch.where(to_tensor(cond).to(_BOOL), choice, out)
    return out


def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices keeping ``sorted_sequence`` (1-D) sorted (int32)."""
    seq = to_tensor(sorted_sequence)
    values = to_tensor(values)
    if seq.ndim != 1:
        raise ValueError(
            f"searchsorted: `sorted_sequence` must be 1-D, received shape {tuple(seq.shape)}."
        )
    seq, values = promote(seq, values)
    out = torch.searchsorted(seq, values.contiguous(), side=side)
    return out.to(_INT32)


def digitize(x, bins):
    """Index of the bin of each element (``bins`` increasing), int32."""
    x, bins = promote(x, bins)
    return torch.bucketize(x, bins, right=True).to(_INT32)


def sort(x, axis=-1):
    """Sorted copy along ``axis``."""
    x = to_tensor(x)
    if axis is None:
        x = x.reshape(-1)
        axis = -1
    if x.dtype is _BOOL:
        return torch.sort(x.to(torch.uint8), dim=int(axis)).values.to(_BOOL)
    return torch.sort(x, dim=int(axis), stable=True).values


def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable, int32)."""
    x = to_tensor(x)
    if axis is None:
        x = x.reshape(-1)
        axis = -1
    if x.dtype is _BOOL:
        x = x.to(torch.uint8)
    return torch.argsort(x, dim=int(axis), stable=True).to(_INT32)


def argpartition(x, kth, axis=-1):
    """Indices partitioning ``x`` around its ``kth`` element (a full stable argsort here)."""
    x = to_tensor(x)
    if x.dtype is _BOOL:
        x = x.to(torch.uint8)
    return torch.argsort(x, dim=int(axis), stable=True).to(_INT32)


def unique(
    x,
    sorted=True,  # noqa: A002 - Keras's name
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """Sorted unique elements (and optional first indices, inverse map, counts)."""
    x = to_tensor(x)
    if axis is None:
        flat = x.reshape(-1)
        values, inverse, counts = torch.unique(
            flat, sorted=True, return_inverse=True, return_counts=True
        )
        dim = 0
        inverse_shape = flat.shape if x.ndim else ()
    else:
        values, inverse, counts = torch.unique(
            x, sorted=True, return_inverse=True, return_counts=True, dim=int(axis)
        )
        dim = int(axis)
        flat = x
        inverse_shape = inverse.shape
    outputs = [values]
    n_unique = values.shape[dim]
    if return_index:
        n = inverse.shape[0]
        positions = torch.arange(n, dtype=_INT64)
        first = torch.full((n_unique,), n, dtype=_INT64).scatter_reduce(
            0, inverse.reshape(-1), positions, reduce="amin"
        )
        outputs.append(first.to(_INT32))
    if return_inverse:
        outputs.append(inverse.reshape(inverse_shape).to(_INT32))
    if return_counts:
        outputs.append(counts.to(_INT32))
    if size is not None:
        size = int(size)

        def fit(t, fill):
            if t.shape[dim] >= size:
                return t.narrow(dim, 0, size)
            pad_shape = list(t.shape)
            pad_shape[dim] = size - t.shape[dim]
            return torch.cat([t, torch.full(pad_shape, fill, dtype=t.dtype)], dim=dim)

        if fill_value is None:
            fill = values.reshape(-1)[0].item() if values.numel() else 0
        else:
            fill = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
        outputs[0] = fit(values, fill)
        k = 1
        if return_index:
            outputs[k] = fit(outputs[k], 0)
            k += 1
        if return_inverse:
            k += 1
        if return_counts:
            outputs[k] = fit(outputs[k], 0)
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def unravel_index(indices, shape):
    """Turn flat indices into a tuple of coordinate tensors."""
    indices = to_tensor(indices)
    dtype = indices.dtype
    out = torch.unravel_index(indices.to(_INT64), shape_tuple(shape))
    return tuple(o.to(dtype) for o in out)


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts of each non-negative int (per row for 2-D inputs)."""
    if sparse:
        raise ValueError("bincount: `sparse=True` is not supported by the torch backend.")
    x = to_tensor(x)
    if x.is_floating_point():
        raise TypeError(f"bincount: `x` must hold integers, received dtype {x.dtype}.")
    if weights is not None:
        weights = to_tensor(weights)
        out_dtype = weights.dtype
        if out_dtype is _BOOL:
            out_dtype = _INT32
    else:
        out_dtype = _INT32
    length = builtins.max(int(minlength), int(x.max()) + 1 if x.numel() else 0)
    if x.ndim == 1:
        w = None if weights is None else weights.to(torch.float64)
        return torch.bincount(x.to(_INT64), w, minlength=length).to(out_dtype)
    if x.ndim != 2:
        raise ValueError(f"bincount: `x` must be 1-D or 2-D, received shape {tuple(x.shape)}.")
    w = torch.ones_like(x, dtype=torch.float64) if weights is None else weights.to(torch.float64)
    out = torch.zeros((x.shape[0], length), dtype=torch.float64)
    out.scatter_add_(1, x.to(_INT64), w)
    return out.to(out_dtype)


def histogram(x, bins=10, range=None):  # noqa: A002 - NumPy's name
    """Counts of ``x`` in ``bins`` equal-width bins, and the bin edges."""
    x = to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: `x` must be 1-D, received shape {tuple(x.shape)}.")
    xf = x.to(torch.float64)
    if range is None:
        range = (float(xf.min()), float(xf.max())) if x.numel() else (0.0, 1.0)
    lo, hi = float(range[0]), float(range[1])
    counts, edges = torch.histogram(xf, bins=int(bins), range=(lo, hi))
    edge_dtype = x.dtype if x.is_floating_point() else floatx_torch()
    return counts.to(_INT32), edges.to(edge_dtype)


# -- products ------------------------------------------------------------------------------------
def matmul(x1, x2):
    """Matrix product with NumPy broadcasting."""
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype:
        if x1.dtype is not _BOOL and x1.dtype not in _SUM_DTYPES:
            return torch.matmul(x1, x2)
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError(
            f"matmul: inputs must have rank >= 1, received shapes {tuple(x1.shape)} and "
            f"{tuple(x2.shape)}."
        )
    dtype = x1.dtype
    if dtype is _BOOL or dtype in (torch.int8, torch.int16, torch.uint8):
        out_dtype = _INT32
        return torch.matmul(x1.to(_INT64), x2.to(_INT64)).to(out_dtype)
    if not dtype.is_floating_point and not dtype.is_complex:
        return torch.matmul(x1, x2)
    return torch.matmul(x1, x2)


def dot(x1, x2):
    """NumPy ``dot``: scalars multiply, 1-D x 1-D is an inner product, else sum-product."""
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim == 1:
        return torch.tensordot(x1, x2, dims=([-1], [0]))
    return torch.tensordot(x1, x2, dims=([-1], [x2.ndim - 2]))


def inner(x1, x2):
    """Sum-product over the last axes."""
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return torch.inner(x1, x2)


def outer(x1, x2):
    """Outer product of the flattened inputs."""
    x1, x2 = promote(x1, x2)
    return torch.outer(x1.reshape(-1), x2.reshape(-1))


def vdot(x1, x2):
    """Dot product of the flattened inputs (conjugating ``x1``)."""
    x1, x2 = promote(x1, x2)
    x1 = x1.reshape(-1)
    if x1.is_complex():
        x1 = x1.conj()
    return torch.sum(x1 * x2.reshape(-1))


def tensordot(x1, x2, axes=2):
    """Sum-product over ``axes`` (an int, or two lists of axes)."""
    x1, x2 = promote(x1, x2)
    if isinstance(axes, int):
        return torch.tensordot(x1, x2, dims=axes)
    a, b = axes
    a = [a] if isinstance(a, int) else list(a)
    b = [b] if isinstance(b, int) else list(b)
    return torch.tensordot(x1, x2, dims=(a, b))


def kron(x1, x2):
    """Kronecker product."""
    x1, x2 = promote(x1, x2)
    return torch.kron(x1, x2)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors."""
    x1, x2 = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    x1 = torch.moveaxis(x1, axisa, -1)
    x2 = torch.moveaxis(x2, axisb, -1)
    if x1.shape[-1] not in (2, 3) or x2.shape[-1] not in (2, 3):
        raise ValueError(
            "cross: the vector axes must have size 2 or 3, received shapes "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}."
        )
    both_2d = x1.shape[-1] == 2 and x2.shape[-1] == 2
    if x1.shape[-1] == 2:
        x1 = (
            F.pad(x1, (0, 1))
            if x1.is_floating_point()
            else torch.cat([x1, torch.zeros_like(x1[..., :1])], -1)
        )
    if x2.shape[-1] == 2:
        x2 = (
            F.pad(x2, (0, 1))
            if x2.is_floating_point()
            else torch.cat([x2, torch.zeros_like(x2[..., :1])], -1)
        )
    x1, x2 = torch.broadcast_tensors(x1, x2)
    out = torch.linalg.cross(x1, x2, dim=-1)
    if both_2d:
        return out[..., 2]
    return torch.moveaxis(out, -1, axisc)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over ``operands`` (ints accumulate like Keras: int8 -> int32)."""
    ops_ = promote(*operands) if len(operands) > 1 else [to_tensor(operands[0])]
    dtype = ops_[0].dtype
    if dtype is _BOOL or dtype in (torch.int8, torch.int16, torch.uint8):
        return torch.einsum(subscripts, *[o.to(_INT32) for o in ops_])
    return torch.einsum(subscripts, *ops_)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences (``valid``, ``same`` or ``full``)."""
    x1, x2 = promote(x1, x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(
            f"correlate: inputs must be 1-D, received shapes {tuple(x1.shape)} and "
            f"{tuple(x2.shape)}."
        )
    dtype = x1.dtype
    if not dtype.is_floating_point:
        dtype = to_torch_dtype(result_type(DTYPE_NAMES[dtype], float))
    compute = torch.float64 if dtype == torch.float64 else torch.float32
    a, v = x1.to(compute), x2.to(compute)
    n, m = a.shape[0], v.shape[0]
    if mode == "valid":
        left = right = 0
        if n < m:
            a, v = v, a
            n, m = m, n
            flipped = True
        else:
            flipped = False
    elif mode == "same":
        left, right = (m - 1) // 2 + 0, m - 1 - (m - 1) // 2
        flipped = False
    elif mode == "full":
        left = right = m - 1
        flipped = False
    else:
        raise ValueError(f"correlate: `mode` must be 'valid', 'same' or 'full', received {mode!r}.")
    if mode == "same":
        # NumPy centres the "same" window on the full correlation.
        full = F.conv1d(F.pad(a, (m - 1, m - 1)).reshape(1, 1, -1), v.reshape(1, 1, -1)).reshape(-1)
        length = builtins.max(n, m)
        start = (full.shape[0] - length) // 2
        return full[start : start + length].to(dtype)
    out = F.conv1d(F.pad(a, (left, right)).reshape(1, 1, -1), v.reshape(1, 1, -1)).reshape(-1)
    if mode == "valid" and flipped:
        out = torch.flip(out, (0,))
    return out.to(dtype)


def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    x = to_float(x)
    return torch.corrcoef(x)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoid rule."""
    y = to_float(y)
    if x is None:
        return torch.trapezoid(y, dx=dx, dim=int(axis))
    x = to_tensor(x).to(y.dtype)
    return torch.trapezoid(y, x, dim=int(axis))


def vander(x, N=None, increasing=False):  # noqa: N803 - NumPy's name
    """The Vandermonde matrix of 1-D ``x``."""
    x = to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"vander: `x` must be 1-D, received shape {tuple(x.shape)}.")
    if x.dtype is _BOOL:
        x = x.to(_INT32)
    return torch.vander(x, N=N, increasing=increasing)


# -- misc ----------------------------------------------------------------------------------------
def copy(x):
    """A copy of ``x``."""
    return to_tensor(x).clone()


def size(x):
    """The number of elements."""
    return to_tensor(x).numel()


def ndim(x):
    """The rank."""
    return to_tensor(x).ndim


def view(x, dtype=None):
    """Reinterpret the bytes of ``x`` as ``dtype``."""
    x = to_tensor(x)
    if dtype is None:
        return x
    return x.view(to_torch_dtype(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """A function mapping ``pyfunc`` over the leading (broadcast) axes of its tensor args.

    Elementwise without ``signature``; with a gufunc ``signature`` such as ``"(n),(n)->()"``
    the trailing core dims are passed whole. Implemented with ``torch.vmap``.
    """
    excluded = set(excluded or ())

    def parse(sig):
        if sig is None:
            return None
        ins, _ = sig.replace(" ", "").split("->")
        groups = []
        depth = 0
        cur = ""
        for ch in ins:
            if ch == "(":
                depth += 1
                cur = ""
            elif ch == ")":
                depth -= 1
                groups.append([d for d in cur.split(",") if d])
            elif depth:
                cur += ch
        return groups

    core = parse(signature)

    def wrapped(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [to_tensor(args[i]) for i in positions]
        core_ranks = [len(core[k]) if core else 0 for k in range(len(tensors))]
        loop_shapes = [t.shape[: t.ndim - r] for t, r in zip(tensors, core_ranks)]
        loop = torch.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        tensors = [
            t.expand(*loop, *t.shape[t.ndim - r :]).reshape(-1, *t.shape[t.ndim - r :])
            for t, r in zip(tensors, core_ranks)
        ]

        def call(*ts):
            full = list(args)
            for i, t in zip(positions, ts):
                full[i] = t
            return pyfunc(*full, **kwargs)

        out = torch.vmap(call)(*tensors)

        def unflatten(o):
            return o.reshape(*loop, *o.shape[1:])

        if isinstance(out, (tuple, list)):
            return type(out)(unflatten(o) for o in out)
        return unflatten(out)

    return wrapped


def slogdet(x):
    """``(sign, log|det|)`` of (batched) square matrices."""
    x = to_float(x)
    sign_, logabsdet = torch.linalg.slogdet(x)
    return sign_, logabsdet
