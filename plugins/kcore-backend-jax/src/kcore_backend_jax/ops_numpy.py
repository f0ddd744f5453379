"""``kcore.ops.numpy`` on jax: NumPy-named ops, mostly thin ``jax.numpy`` calls.

Each function keeps Keras 3's signature (see ``kcore/ops/_table.py``). Dtype rules follow
``kcore.backend.dtypes.result_type``; ``jnp``'s own promotion agrees with it for Python scalars
(weak) and arrays, so binary ops call ``jnp`` directly. Ops that Keras defines to return floats
on integer input (``sqrt``, ``mean``, ...) cast ints and bools to ``floatx()`` first.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp

from kcore_backend_jax._common import (
    Variable,
    _t,
    _tt,
    canonical_axis,
    cast,
    config,
    convert_to_tensor,
    floatx_if_not_float,
    is_int_or_bool,
    jdtype,
    promote,
    result_type,
    sdtype,
    tensor_dtype_of,
)

OPS: dict = {}

_Array = jax.Array


def register(name):
    """Decorator: record the function as the implementation of ``kcore.ops.<name>``."""

    def deco(fn):
        OPS[name] = fn
        return fn

    return deco


def _floatx():
    return jdtype(config.floatx())


# -- elementwise families ---------------------------------------------------------------------
def _same(name, fn):
    """A unary op whose output dtype is its input dtype (``abs``, ``negative``, ...)."""

    def op(x):
        if not isinstance(x, _Array):
            x = _t(x)
        return fn(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` (``jnp.{fn.__name__}``); keeps the input dtype."
    OPS[name] = op


def _to_float(name, fn):
    """A unary op that returns floats: ints and bools are cast to ``floatx()`` first."""

    def op(x):
        if not isinstance(x, _Array):
            x = _tt(x)
        if x.dtype.kind in "biu":
            x = x.astype(_floatx())
        return fn(x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``; integer inputs give ``floatx()``."
    OPS[name] = op


def _binary(name, fn):
    """A binary op with jnp's promotion (equal to kcore's ``result_type``)."""

    def op(x1, x2):
        if not isinstance(x1, _Array):
            x1 = _t(x1)
        if not isinstance(x2, _Array):
            x2 = _t(x2)
        return fn(x1, x2)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` with kcore dtype promotion."
    OPS[name] = op


def _binary_float(name, fn):
    """A binary op returning floats: the common dtype, or ``floatx()`` if it is not a float."""

    def op(x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype.kind in "biu":
            x1 = x1.astype(_floatx())
            x2 = x2.astype(_floatx())
        return fn(x1, x2)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``; integer inputs give ``floatx()``."
    OPS[name] = op


for _name, _fn in {
    "abs": jnp.abs,
    "absolute": jnp.abs,
    "negative": jnp.negative,
    "conj": jnp.conjugate,
    "conjugate": jnp.conjugate,
    "sign": jnp.sign,
    "real": jnp.real,
    "imag": jnp.imag,
    "bitwise_invert": jnp.bitwise_not,
    "bitwise_not": jnp.bitwise_not,
    "logical_not": jnp.logical_not,
    "isfinite": jnp.isfinite,
    "isinf": jnp.isinf,
    "isnan": jnp.isnan,
    "isneginf": jnp.isneginf,
    "isposinf": jnp.isposinf,
    "isreal": jnp.isreal,
    "signbit": jnp.signbit,
    "ravel": jnp.ravel,
    "fliplr": jnp.fliplr,
    "flipud": jnp.flipud,
}.items():
    _same(_name, _fn)

for _name, _fn in {
    "arccos": jnp.arccos,
    "arccosh": jnp.arccosh,
    "arcsin": jnp.arcsin,
    "arcsinh": jnp.arcsinh,
    "arctan": jnp.arctan,
    "arctanh": jnp.arctanh,
    "cbrt": jnp.cbrt,
    "cos": jnp.cos,
    "cosh": jnp.cosh,
    "deg2rad": jnp.deg2rad,
    "exp": jnp.exp,
    "exp2": jnp.exp2,
    "expm1": jnp.expm1,
    "fabs": jnp.fabs,
    "i0": jnp.i0,
    "log": jnp.log,
    "log10": jnp.log10,
    "log1p": jnp.log1p,
    "log2": jnp.log2,
    "rad2deg": jnp.rad2deg,
    "sin": jnp.sin,
    "sinc": jnp.sinc,
    "sinh": jnp.sinh,
    "sqrt": jnp.sqrt,
    "tan": jnp.tan,
    "tanh": jnp.tanh,
    "reciprocal": jnp.reciprocal,
    "angle": jnp.angle,
    "ceil": jnp.ceil,
    "floor": jnp.floor,
}.items():
    _to_float(_name, _fn)

for _name, _fn in {
    "add": jnp.add,
    "subtract": jnp.subtract,
    "multiply": jnp.multiply,
    "maximum": jnp.maximum,
    "minimum": jnp.minimum,
    "equal": jnp.equal,
    "not_equal": jnp.not_equal,
    "less": jnp.less,
    "less_equal": jnp.less_equal,
    "greater": jnp.greater,
    "greater_equal": jnp.greater_equal,
    "logical_and": jnp.logical_and,
    "logical_or": jnp.logical_or,
    "logical_xor": jnp.logical_xor,
    "bitwise_and": jnp.bitwise_and,
    "bitwise_or": jnp.bitwise_or,
    "bitwise_xor": jnp.bitwise_xor,
    "bitwise_left_shift": jnp.left_shift,
    "bitwise_right_shift": jnp.right_shift,
    "left_shift": jnp.left_shift,
    "right_shift": jnp.right_shift,
    "fmax": jnp.fmax,
    "fmin": jnp.fmin,
    "gcd": jnp.gcd,
    "lcm": jnp.lcm,
    "nextafter": jnp.nextafter,
    "kron": jnp.kron,
    "outer": jnp.outer,
    "inner": jnp.inner,
    "vdot": jnp.vdot,
}.items():
    _binary(_name, _fn)

for _name, _fn in {
    "arctan2": jnp.arctan2,
    "hypot": jnp.hypot,
    "logaddexp": jnp.logaddexp,
    "logaddexp2": jnp.logaddexp2,
}.items():
    _binary_float(_name, _fn)


@register("trunc")
def trunc(x):
    """Round toward zero; integer inputs are returned unchanged."""
    x = _tt(x)
    if is_int_or_bool(x):
        return x
    return jnp.trunc(x)


@register("round")
def round_(x, decimals=0):
    """Round to ``decimals`` places (ties to even)."""
    return jnp.round(_tt(x), decimals)


@register("square")
def square(x):
    """``x * x``; bools become int32 like Keras."""
    x = _tt(x)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    return jnp.square(x)


@register("true_divide")
def true_divide(x1, x2):
    """``x1 / x2``; integer inputs give ``floatx()``."""
    if not isinstance(x1, _Array):
        x1 = _t(x1)
    if not isinstance(x2, _Array):
        x2 = _t(x2)
    d1 = getattr(x1, "dtype", None)
    d2 = getattr(x2, "dtype", None)
    # Fast path: float arrays (or a float array and a Python number) divide in jnp directly.
    if (d1 is not None and d1.kind in "fc" and (d2 is None or d2 == d1)) or (
        d2 is not None and d2.kind in "fc" and d1 is None
    ):
        return jnp.true_divide(x1, x2)
    x1, x2 = promote(x1, x2)
    if x1.dtype.kind in "biu":
        x1 = x1.astype(_floatx())
        x2 = x2.astype(_floatx())
    return jnp.true_divide(x1, x2)


OPS["divide"] = true_divide


@register("divide_no_nan")
def divide_no_nan(x1, x2):
    """``x1 / x2`` with 0 where ``x2 == 0``."""
    x1, x2 = promote(x1, x2)
    if x1.dtype.kind in "biu":
        x1 = x1.astype(_floatx())
        x2 = x2.astype(_floatx())
    safe = jnp.where(x2 == 0, jnp.ones_like(x2), x2)
    return jnp.where(x2 == 0, jnp.zeros_like(x1 * x2), x1 / safe)


@register("floor_divide")
def floor_divide(x1, x2):
    """``x1 // x2`` with kcore promotion (bools act as int32)."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == jnp.bool_:
        x1, x2 = x1.astype(jnp.int32), x2.astype(jnp.int32)
    return jnp.floor_divide(x1, x2)


@register("mod")
def mod(x1, x2):
    """Python-style remainder; bools act as int32."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == jnp.bool_:
        x1, x2 = x1.astype(jnp.int32), x2.astype(jnp.int32)
    return jnp.mod(x1, x2)


@register("fmod")
def fmod(x1, x2):
    """C-style remainder (sign of ``x1``); bools act as int32."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == jnp.bool_:
        x1, x2 = x1.astype(jnp.int32), x2.astype(jnp.int32)
    return jnp.fmod(x1, x2)


@register("power")
def power(x1, x2):
    """``x1 ** x2`` with kcore promotion."""
    if not isinstance(x1, _Array):
        x1 = _t(x1)
    if not isinstance(x2, _Array):
        x2 = _t(x2)
    return jnp.power(x1, x2)


@register("heaviside")
def heaviside(x1, x2):
    """Heaviside step; integer inputs give ``floatx()``."""
    x1, x2 = promote(x1, x2)
    if x1.dtype.kind in "biu":
        x1 = x1.astype(_floatx())
        x2 = x2.astype(_floatx())
    return jnp.heaviside(x1, x2)


@register("ldexp")
def ldexp(x1, x2):
    """``x1 * 2**x2``; ``x2`` must be an integer tensor."""
    x1 = _tt(x1)
    x2 = _tt(x2)
    if x2.dtype.kind not in "iu":
        raise TypeError(f"ldexp: `x2` must be an integer tensor. Received: x2.dtype={sdtype(x2)}")
    if x1.dtype.kind in "biu":
        x1 = x1.astype(_floatx())
    return jnp.ldexp(x1, x2).astype(x1.dtype)


@register("clip")
def clip(x, x_min, x_max):
    """Clamp ``x`` to ``[x_min, x_max]``; bools act as int32."""
    x = _tt(x)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    return jnp.clip(x, _t(x_min), _t(x_max))


@register("isclose")
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise closeness test."""
    x1, x2 = promote(x1, x2)
    return jnp.isclose(x1, x2, rtol, atol, equal_nan)


@register("allclose")
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element is close (a scalar bool tensor)."""
    x1, x2 = promote(x1, x2)
    return jnp.allclose(x1, x2, rtol, atol, equal_nan)


@register("nan_to_num")
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities with finite numbers."""
    return jnp.nan_to_num(_tt(x), nan=nan, posinf=posinf, neginf=neginf)


# -- reductions -------------------------------------------------------------------------------
def _reduce_same(name, fn):
    def op(x, axis=None, keepdims=False):
        if not isinstance(x, _Array):
            x = _tt(x)
        return fn(x, axis=canonical_axis(axis), keepdims=keepdims)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` over ``axis`` (all axes if ``None``)."
    OPS[name] = op


def _reduce_float(name, fn):
    def op(x, axis=None, keepdims=False):
        if not isinstance(x, _Array):
            x = _tt(x)
        if x.dtype.kind in "biu":
            x = x.astype(_floatx())
        return fn(x, axis=canonical_axis(axis), keepdims=keepdims)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` over ``axis``; integer inputs give ``floatx()``."
    OPS[name] = op


for _name, _fn in {
    "all": jnp.all,
    "any": jnp.any,
    "amax": jnp.max,
    "amin": jnp.min,
    "sum": jnp.sum,
    "nansum": jnp.nansum,
    "nanprod": jnp.nanprod,
    "nanmax": jnp.nanmax,
    "nanmin": jnp.nanmin,
    "ptp": jnp.ptp,
}.items():
    _reduce_same(_name, _fn)

for _name, _fn in {
    "mean": jnp.mean,
    "nanmean": jnp.nanmean,
    "median": jnp.median,
    "nanmedian": jnp.nanmedian,
    "std": jnp.std,
    "nanstd": jnp.nanstd,
    "var": jnp.var,
    "nanvar": jnp.nanvar,
}.items():
    _reduce_float(_name, _fn)


def _check_reduce_nonempty(name, x, axis):
    if x.size == 0 and axis is None:
        raise ValueError(f"{name}: cannot reduce an empty tensor (shape {x.shape}) over all axes.")


@register("max")
def max_(x, axis=None, keepdims=False, initial=None):
    """The maximum over ``axis``, optionally at least ``initial``."""
    x = _tt(x)
    if initial is None:
        _check_reduce_nonempty("max", x, axis)
    return jnp.max(x, axis=canonical_axis(axis), keepdims=keepdims, initial=initial)


@register("min")
def min_(x, axis=None, keepdims=False, initial=None):
    """The minimum over ``axis``, optionally at most ``initial``."""
    x = _tt(x)
    if initial is None:
        _check_reduce_nonempty("min", x, axis)
    return jnp.min(x, axis=canonical_axis(axis), keepdims=keepdims, initial=initial)


@register("prod")
def prod(x, axis=None, keepdims=False, dtype=None):
    """The product over ``axis``."""
    x = _tt(x)
    return jnp.prod(x, axis=canonical_axis(axis), keepdims=keepdims, dtype=_opt_dtype(dtype))


def _opt_dtype(dtype):
    return None if dtype is None else jdtype(dtype)


@register("count_nonzero")
def count_nonzero(x, axis=None):
    """The number of non-zero elements over ``axis`` (int32)."""
    return jnp.count_nonzero(_tt(x), axis=canonical_axis(axis)).astype(jnp.int32)


def _arg_reduce(name, fn):
    def op(x, axis=None, keepdims=False):
        x = _tt(x)
        return fn(x, axis=axis, keepdims=keepdims).astype(jnp.int32)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` along ``axis`` (flattened if ``None``), int32 indices."
    OPS[name] = op


for _name, _fn in {
    "argmax": jnp.argmax,
    "argmin": jnp.argmin,
    "nanargmax": jnp.nanargmax,
    "nanargmin": jnp.nanargmin,
}.items():
    _arg_reduce(_name, _fn)


@register("average")
def average(x, axis=None, weights=None):
    """The (weighted) mean over ``axis``; result is at least ``floatx()``."""
    x = _tt(x)
    if weights is None:
        dtype = jdtype(result_type(sdtype(x), float))
        return jnp.average(x.astype(dtype), axis=canonical_axis(axis))
    weights = _tt(weights)
    dtype = jdtype(result_type(sdtype(x), sdtype(weights), float))
    return jnp.average(x.astype(dtype), axis=canonical_axis(axis), weights=weights.astype(dtype))


def _cumulative(name, fn):
    def op(x, axis=None, dtype=None):
        x = _tt(x)
        if dtype is None and x.dtype == jnp.bool_:
            dtype = "int32"
        return fn(x, axis=axis, dtype=_opt_dtype(dtype))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` along ``axis`` (flattened if ``None``)."
    OPS[name] = op


for _name, _fn in {
    "cumsum": jnp.cumsum,
    "cumprod": jnp.cumprod,
    "nancumsum": jnp.nancumsum,
    "nancumprod": jnp.nancumprod,
}.items():
    _cumulative(_name, _fn)


def _quantile_like(name, fn):
    def op(x, q, axis=None, method="linear", keepdims=False):
        x = floatx_if_not_float(x)
        q = _tt(q)
        return fn(x, q.astype(x.dtype), axis=canonical_axis(axis), method=method, keepdims=keepdims)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` of ``x`` along ``axis``; integer inputs give ``floatx()``."
    OPS[name] = op


for _name, _fn in {
    "percentile": jnp.percentile,
    "quantile": jnp.quantile,
    "nanpercentile": jnp.nanpercentile,
    "nanquantile": jnp.nanquantile,
}.items():
    _quantile_like(_name, _fn)


# -- creation ---------------------------------------------------------------------------------
def _dtype_or_floatx(dtype):
    return jdtype(config.floatx() if dtype is None else dtype)


def _shape_arg(shape):
    if isinstance(shape, (list, tuple)):
        return tuple(int(d) for d in shape)
    if isinstance(shape, _Array):
        return tuple(int(d) for d in jnp.atleast_1d(shape).tolist())
    return int(shape)


@register("zeros")
def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx()`` by default)."""
    return jnp.zeros(_shape_arg(shape), dtype=_dtype_or_floatx(dtype))


@register("ones")
def ones(shape, dtype=None):
    """A tensor of ones (``floatx()`` by default)."""
    return jnp.ones(_shape_arg(shape), dtype=_dtype_or_floatx(dtype))


@register("empty")
def empty(shape, dtype=None):
    """An uninitialised tensor; jax has none, so this is zeros."""
    return jnp.zeros(_shape_arg(shape), dtype=_dtype_or_floatx(dtype))


@register("full")
def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value`` (``floatx()`` unless ``dtype`` is given, as Keras)."""
    return jnp.full(_shape_arg(shape), _t(fill_value), dtype=_dtype_or_floatx(dtype))


def _like(name, fill):
    def op(x, dtype=None):
        x = _tt(x)
        return fill(x, dtype=_opt_dtype(dtype))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}``: the shape of ``x``, its dtype unless ``dtype`` is given."
    OPS[name] = op


_like("zeros_like", jnp.zeros_like)
_like("ones_like", jnp.ones_like)
_like("empty_like", jnp.zeros_like)


@register("full_like")
def full_like(x, fill_value, dtype=None):
    """A tensor shaped like ``x`` filled with ``fill_value``."""
    x = _tt(x)
    return jnp.full_like(x, _t(fill_value), dtype=_opt_dtype(dtype))


@register("eye")
def eye(N, M=None, k=0, dtype=None):
    """An ``N x M`` matrix with ones on diagonal ``k``."""
    return jnp.eye(N, M, k, dtype=_dtype_or_floatx(dtype))


@register("identity")
def identity(n, dtype=None):
    """The ``n x n`` identity matrix."""
    return jnp.identity(n, dtype=_dtype_or_floatx(dtype))


@register("tri")
def tri(N, M=None, k=0, dtype=None):
    """Ones at and below diagonal ``k``."""
    return jnp.tri(N, M, k, dtype=_dtype_or_floatx(dtype))


@register("arange")
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; the dtype follows the arguments."""
    if dtype is None:
        parts = [start] + [v for v in (stop, step) if v is not None]
        dtype = result_type(*[tensor_dtype_of(_t(p)) for p in parts])
    if step is None:
        step = 1
    if stop is None:
        start, stop = 0, start
    return jnp.arange(start, stop, step, dtype=jdtype(dtype))


def _space_dtype(start, stop, dtype):
    if dtype is not None:
        return jdtype(dtype)
    return jdtype(result_type(tensor_dtype_of(_t(start)), tensor_dtype_of(_t(stop)), float))


@register("linspace")
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    dtype = _space_dtype(start, stop, dtype)
    return jnp.linspace(
        _t(start), _t(stop), num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis
    )


@register("logspace")
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop)``."""
    dtype = _space_dtype(start, stop, dtype)
    return jnp.logspace(
        _t(start), _t(stop), num, endpoint=endpoint, base=base, dtype=dtype, axis=axis
    )


@register("geomspace")
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Values spaced evenly on a log scale from ``start`` to ``stop``."""
    dtype = _space_dtype(start, stop, dtype)
    return jnp.geomspace(_t(start), _t(stop), num, endpoint=endpoint, dtype=dtype, axis=axis)


def _window(name, fn):
    def op(x):
        n = int(convert_to_tensor(x)) if not isinstance(x, int) else x
        return fn(n).astype(_floatx())

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The ``{name}`` window of length ``x`` (``floatx()``)."
    OPS[name] = op


for _name, _fn in {
    "bartlett": jnp.bartlett,
    "blackman": jnp.blackman,
    "hamming": jnp.hamming,
    "hanning": jnp.hanning,
}.items():
    _window(_name, _fn)


@register("kaiser")
def kaiser(x, beta):
    """The Kaiser window of length ``x`` with shape parameter ``beta``."""
    n = int(convert_to_tensor(x)) if not isinstance(x, int) else x
    return jnp.kaiser(n, _t(beta)).astype(_floatx())


@register("array")
def array(x, dtype=None):
    """A tensor holding ``x``."""
    return convert_to_tensor(x, dtype=dtype)


@register("copy")
def copy(x):
    """A copy of ``x``."""
    return jnp.array(_tt(x), copy=True)


@register("vander")
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D ``x``."""
    x = _tt(x)
    if x.ndim != 1:
        raise ValueError(f"vander: `x` must be 1-D. Received: x.shape={x.shape}")
    return jnp.vander(x, N, increasing)


# -- shape manipulation -----------------------------------------------------------------------
@register("reshape")
def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one dim may be -1)."""
    if not isinstance(x, _Array):
        x = _tt(x)
    if isinstance(newshape, list):
        newshape = tuple(newshape)
    return jnp.reshape(x, newshape)


@register("transpose")
def transpose(x, axes=None):
    """Permute the axes of ``x`` (reverse them if ``axes`` is None)."""
    if not isinstance(x, _Array):
        x = _tt(x)
    return jnp.transpose(x, canonical_axis(axes))


@register("expand_dims")
def expand_dims(x, axis):
    """Insert size-1 axes at ``axis``."""
    return jnp.expand_dims(_tt(x), canonical_axis(axis))


@register("squeeze")
def squeeze(x, axis=None):
    """Remove size-1 axes (all, or those in ``axis``)."""
    x = _tt(x)
    axis = canonical_axis(axis)
    if axis is not None:
        axes = axis if isinstance(axis, tuple) else (axis,)
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot squeeze axis {a} of size {x.shape[a]} (shape {x.shape})."
                )
    return jnp.squeeze(x, axis)


@register("broadcast_to")
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return jnp.broadcast_to(_tt(x), _shape_arg(shape))


@register("moveaxis")
def moveaxis(x, source, destination):
    """Move axes ``source`` to ``destination``."""
    return jnp.moveaxis(_tt(x), canonical_axis(source), canonical_axis(destination))


@register("swapaxes")
def swapaxes(x, axis1, axis2):
    """Swap two axes."""
    return jnp.swapaxes(_tt(x), axis1, axis2)


@register("flip")
def flip(x, axis=None):
    """Reverse along ``axis`` (all axes if ``None``)."""
    return jnp.flip(_tt(x), canonical_axis(axis))


@register("rot90")
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    array = _tt(array)
    if array.ndim < 2:
        raise ValueError(f"rot90: input must have at least 2 dims. Received: shape={array.shape}")
    return jnp.rot90(array, k, tuple(axes))


@register("roll")
def roll(x, shift, axis=None):
    """Roll elements by ``shift`` along ``axis``."""
    return jnp.roll(_tt(x), _t(shift), canonical_axis(axis))


@register("tile")
def tile(x, repeats):
    """Repeat ``x`` ``repeats`` times per axis."""
    if isinstance(repeats, _Array):
        repeats = tuple(int(r) for r in jnp.atleast_1d(repeats).tolist())
    return jnp.tile(_tt(x), repeats)


@register("repeat")
def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis``."""
    x = _tt(x)
    if isinstance(repeats, Variable):
        repeats = repeats.value
    if isinstance(repeats, _Array) and repeats.ndim == 0:
        repeats = int(repeats)
    elif isinstance(repeats, tuple):
        repeats = list(repeats)  # Python ints stay static, which jnp.repeat needs under tracing
    return jnp.repeat(x, repeats, axis=axis)


@register("concatenate")
def concatenate(xs, axis=0):
    """Join ``xs`` along ``axis`` (promoting to their common dtype)."""
    return jnp.concatenate([_tt(x) for x in xs], axis=axis)


@register("append")
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened if ``None``)."""
    return jnp.append(_tt(x1), _tt(x2), axis=axis)


@register("stack")
def stack(x, axis=0):
    """Stack tensors along a new axis."""
    return jnp.stack([_tt(v) for v in x], axis=axis)


@register("hstack")
def hstack(xs):
    """Stack horizontally."""
    return jnp.hstack([_tt(v) for v in xs])


@register("vstack")
def vstack(xs):
    """Stack vertically."""
    return jnp.vstack([_tt(v) for v in xs])


@register("dstack")
def dstack(xs):
    """Stack along the third axis."""
    return jnp.dstack([_tt(v) for v in xs])


def _split_arg(indices_or_sections):
    if isinstance(indices_or_sections, _Array):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, tuple):
        indices_or_sections = list(indices_or_sections)
    return indices_or_sections


@register("split")
def split(x, indices_or_sections, axis=0):
    """Split into equal sections or at indices; returns a list."""
    return list(jnp.split(_tt(x), _split_arg(indices_or_sections), axis=axis))


@register("array_split")
def array_split(x, indices_or_sections, axis=0):
    """Split into possibly unequal sections; returns a list."""
    if not isinstance(indices_or_sections, int):
        raise TypeError(
            f"array_split: `indices_or_sections` must be an int. Received: {indices_or_sections!r}"
        )
    return list(jnp.array_split(_tt(x), indices_or_sections, axis=axis))


@register("hsplit")
def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D)."""
    return list(jnp.hsplit(_tt(x), _split_arg(indices_or_sections)))


@register("vsplit")
def vsplit(x, indices_or_sections):
    """Split along axis 0."""
    return list(jnp.vsplit(_tt(x), _split_arg(indices_or_sections)))


@register("dsplit")
def dsplit(x, indices_or_sections):
    """Split along axis 2."""
    return list(jnp.dsplit(_tt(x), _split_arg(indices_or_sections)))


@register("pad")
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x``; ``constant_values`` only with ``mode="constant"``."""
    x = _tt(x)
    if isinstance(pad_width, _Array):
        pad_width = pad_width.tolist()
    if mode == "constant":
        return jnp.pad(
            x, pad_width, mode, constant_values=0 if constant_values is None else constant_values
        )
    if constant_values is not None:
        raise ValueError(
            "pad: `constant_values` can only be used with mode='constant'. "
            f"Received: mode={mode!r}, constant_values={constant_values!r}"
        )
    return jnp.pad(x, pad_width, mode)


@register("diag")
def diag(x, k=0):
    """Extract a diagonal (2-D input) or build a diagonal matrix (1-D input)."""
    x = _tt(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"diag: `x` must be 1-D or 2-D. Received: x.shape={x.shape}")
    return jnp.diag(x, k)


@register("diagflat")
def diagflat(x, k=0):
    """A 2-D matrix with the flattened ``x`` on diagonal ``k``."""
    return jnp.diagflat(_tt(x), k)


@register("diagonal")
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of ``x`` over ``axis1`` and ``axis2``."""
    return jnp.diagonal(_tt(x), int(offset), axis1, axis2)


@register("trace")
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum along a diagonal (integer dtypes widen like ``sum``)."""
    x = _tt(x)
    d = jnp.diagonal(x, int(offset), axis1, axis2)
    return jnp.sum(d, axis=-1)


@register("tril")
def tril(x, k=0):
    """Zero the elements above diagonal ``k``."""
    return jnp.tril(_tt(x), k)


@register("triu")
def triu(x, k=0):
    """Zero the elements below diagonal ``k``."""
    return jnp.triu(_tt(x), k)


@register("diff")
def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    return jnp.diff(_tt(a), n=n, axis=axis)


@register("meshgrid")
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors (a list)."""
    return list(jnp.meshgrid(*[_tt(v) for v in x], indexing=indexing))


# -- products ---------------------------------------------------------------------------------
_INT8 = jnp.dtype("int8")


def _int8_pair(x1, x2):
    return x1.dtype == _INT8 and x2.dtype == _INT8


@register("matmul")
def matmul(x1, x2):
    """The matrix product; int8 x int8 accumulates to int32 like Keras."""
    if not isinstance(x1, _Array):
        x1 = _tt(x1)
    if not isinstance(x2, _Array):
        x2 = _tt(x2)
    # dtype objects of builtin types are singletons: an identity test is the cheapest check.
    if x1.dtype is _INT8 and x2.dtype is _INT8:
        return jnp.matmul(x1, x2, preferred_element_type=jnp.int32)
    return jnp.matmul(x1, x2)


@register("dot")
def dot(x1, x2):
    """The dot product (``jnp.dot``)."""
    x1, x2 = _tt(x1), _tt(x2)
    if _int8_pair(x1, x2):
        return jnp.dot(x1, x2, preferred_element_type=jnp.int32)
    return jnp.dot(x1, x2)


@register("tensordot")
def tensordot(x1, x2, axes=2):
    """Sum products over ``axes``."""
    x1, x2 = _tt(x1), _tt(x2)
    if isinstance(axes, list):
        axes = tuple(tuple(a) if isinstance(a, list) else a for a in axes)
    return jnp.tensordot(x1, x2, axes)


@register("einsum")
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation; int8 operands accumulate to int32."""
    operands = [_tt(o) for o in operands]
    if operands and builtins.all(o.dtype == jnp.int8 for o in operands):
        kwargs.setdefault("preferred_element_type", jnp.int32)
    return jnp.einsum(subscripts, *operands, **kwargs)


@register("cross")
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or 2-vectors)."""
    x1, x2 = promote(x1, x2)
    return jnp.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@register("correlate")
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences; integer inputs give float32."""
    dtype = result_type(tensor_dtype_of(x1), tensor_dtype_of(x2))
    if dtype not in ("bfloat16", "float16", "float64", "complex64", "complex128"):
        dtype = "float32"
    x1, x2 = cast(x1, dtype), cast(x2, dtype)
    return jnp.correlate(x1, x2, mode)


@register("corrcoef")
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    return jnp.corrcoef(floatx_if_not_float(x))


@register("trapezoid")
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integrate ``y`` along ``axis`` with the trapezoidal rule."""
    y = floatx_if_not_float(y)
    if x is not None:
        x = floatx_if_not_float(x)
    return jnp.trapezoid(y, x, dx=dx, axis=axis)


# -- indexing, searching, sorting -------------------------------------------------------------
@register("get_item")
def get_item(x, key):
    """``x[key]``."""
    x = _tt(x)
    if isinstance(key, Variable):
        key = key.value
    elif isinstance(key, list):
        key = tuple(key)
    return x[key]


@register("take")
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (flattened if ``None``)."""
    x = _tt(x)
    indices = _tt(indices)
    if indices.dtype.kind not in "iu":
        indices = indices.astype(jnp.int32)
    size = x.size if axis is None else x.shape[axis]
    # Keras wraps negative indices once; jnp.take's default would treat them as out of range.
    indices = jnp.where(indices < 0, indices + size, indices)
    return jnp.take(x, indices, axis=axis, mode="fill")


@register("take_along_axis")
def take_along_axis(x, indices, axis=None):
    """Gather values along ``axis`` by ``indices`` (broadcast like NumPy)."""
    x = _tt(x)
    indices = _tt(indices)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    else:
        # Broadcast all but `axis` like Keras, since jnp requires matching ranks.
        if x.ndim == indices.ndim:
            shape_x = list(x.shape)
            shape_i = list(indices.shape)
            ax = axis % x.ndim
            shape_x[ax] = 1
            shape_i[ax] = 1
            b = jnp.broadcast_shapes(tuple(shape_x), tuple(shape_i))
            xs = list(b)
            xs[ax] = x.shape[ax]
            is_ = list(b)
            is_[ax] = indices.shape[ax]
            x = jnp.broadcast_to(x, tuple(xs))
            indices = jnp.broadcast_to(indices, tuple(is_))
    size = x.shape[axis]
    indices = jnp.where(indices < 0, indices + size, indices)
    return jnp.take_along_axis(x, indices, axis=axis, mode="fill")


@register("where")
def where(condition, x1=None, x2=None):
    """Elements of ``x1`` where ``condition`` else ``x2``; with neither, ``nonzero``."""
    condition = _tt(condition)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: `x1` and `x2` must both be given or both be None.")
    return jnp.where(condition, _t(x1), _t(x2))


@register("nonzero")
def nonzero(x):
    """A tuple of int32 index arrays, one per axis, of the non-zero elements."""
    return tuple(i.astype(jnp.int32) for i in jnp.nonzero(_tt(x)))


@register("select")
def select(condlist, choicelist, default=0):
    """Pick from ``choicelist`` by the first true condition in ``condlist``."""
    if len(condlist) != len(choicelist):
        raise ValueError(
            "select: `condlist` and `choicelist` must have the same length. Received "
            f"{len(condlist)} and {len(choicelist)}."
        )
    return jnp.select([_tt(c) for c in condlist], [_tt(c) for c in choicelist], _t(default))


@register("sort")
def sort(x, axis=-1):
    """Sorted along ``axis``."""
    return jnp.sort(_tt(x), axis=axis)


@register("argsort")
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (int32)."""
    x = _tt(x)
    if x.ndim == 0:
        return jnp.argsort(x.reshape(1), axis=0).astype(jnp.int32)
    return jnp.argsort(x, axis=axis).astype(jnp.int32)


@register("argpartition")
def argpartition(x, kth, axis=-1):
    """Indices that partition ``x`` around its ``kth`` element (int32)."""
    x = _tt(x)
    # jnp.argpartition orders the last axis only; move `axis` there and back.
    x = jnp.moveaxis(x, axis, -1)
    idx = jnp.argpartition(x, kth, axis=-1)
    return jnp.moveaxis(idx, -1, axis).astype(jnp.int32)


@register("searchsorted")
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices of ``values`` in the 1-D ``sorted_sequence`` (int32)."""
    seq = _tt(sorted_sequence)
    if seq.ndim != 1:
        raise ValueError(
            f"searchsorted: `sorted_sequence` must be 1-D. Received: shape={seq.shape}"
        )
    return jnp.searchsorted(seq, _tt(values), side=side).astype(jnp.int32)


@register("digitize")
def digitize(x, bins):
    """The bin index of each element (int32)."""
    return jnp.digitize(_tt(x), _tt(bins)).astype(jnp.int32)


@register("isin")
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` is in ``x2``."""
    return jnp.isin(_tt(x1), _tt(x2), assume_unique=assume_unique, invert=invert)


@register("unique")
def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The sorted unique elements; ``size`` pads to a static length (needed under jit)."""
    x = _tt(x)
    result = jnp.unique(
        x,
        return_index=return_index,
        return_inverse=return_inverse,
        return_counts=return_counts,
        axis=axis,
        size=size,
        fill_value=_t(fill_value),
    )
    if isinstance(result, tuple):
        first, *rest = result
        rest = [r.astype(jnp.int32) for r in rest]
        if return_inverse and axis is None:
            # jnp returns the inverse flattened; Keras (NumPy 2) gives it x's shape.
            pos = 1 + int(return_index)
            rest[pos - 1] = rest[pos - 1].reshape(x.shape)
        return (first, *rest)
    return result


@register("unravel_index")
def unravel_index(indices, shape):
    """Convert flat ``indices`` into a tuple of coordinate arrays."""
    indices = _tt(indices)
    return tuple(i.astype(indices.dtype) for i in jnp.unravel_index(indices, tuple(shape)))


@register("bincount")
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count occurrences of each non-negative int (per row for 2-D input)."""
    if sparse:
        raise ValueError("bincount: the jax backend does not support sparse=True.")
    x = _tt(x)
    if x.dtype.kind not in "iu":
        raise TypeError(f"bincount: `x` must hold integers. Received: x.dtype={sdtype(x)}")
    if weights is not None:
        weights = _tt(weights)
        out_dtype = weights.dtype
    else:
        out_dtype = jnp.int32
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: `x` must be 1-D or 2-D. Received: x.shape={x.shape}")
    length = builtins.max(int(minlength), int(jnp.max(x)) + 1 if x.size else 0)
    if x.ndim == 1:
        return jnp.bincount(x, weights, length=length).astype(out_dtype)

    def row(xi, wi):
        return jnp.bincount(xi, wi, length=length)

    if weights is None:
        return jax.vmap(lambda xi: jnp.bincount(xi, length=length))(x).astype(out_dtype)
    return jax.vmap(row)(x, weights).astype(out_dtype)


@register("histogram")
def histogram(x, bins=10, range=None):
    """Counts of ``x`` in ``bins`` equal-width bins and the bin edges (int32 counts)."""
    x = _tt(x)
    if x.ndim != 1:
        raise ValueError(f"histogram: `x` must be 1-D. Received: x.shape={x.shape}")
    if range is None:
        range = (jnp.min(x), jnp.max(x))
    counts, edges = jnp.histogram(x, bins=bins, range=range)
    return counts.astype(jnp.int32), edges


# -- misc -------------------------------------------------------------------------------------
@register("ndim")
def ndim(x):
    """The rank of ``x`` (a Python int)."""
    return jnp.ndim(_t(x))


@register("size")
def size(x):
    """The number of elements (a Python int)."""
    return jnp.size(_t(x))


@register("slogdet")
def slogdet(x):
    """``(sign, log|det|)`` of square matrices."""
    return tuple(jnp.linalg.slogdet(floatx_if_not_float(x)))


@register("vectorize")
def vectorize(pyfunc, *, excluded=None, signature=None):
    """``jnp.vectorize``: a function mapped over the leading (or signature-given) axes."""
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)


@register("view")
def view(x, dtype=None):
    """The bytes of ``x`` reinterpreted as ``dtype``."""
    x = _tt(x)
    if dtype is None:
        return x
    return x.view(jdtype(dtype))
