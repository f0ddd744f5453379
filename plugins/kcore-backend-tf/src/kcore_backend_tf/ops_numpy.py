"""NumPy-style ops (``kcore.ops.numpy``) on TensorFlow.

Every function takes Keras 3's positional signature. TensorFlow does not promote dtypes, so
binary ops convert both operands to :func:`kcore.backend.dtypes.result_type` first.
"""

from __future__ import annotations

import builtins

import numpy as np
import tensorflow as tf

from kcore import config
from kcore_backend_tf._utils import (
    EagerTensor,
    KVariable,
    Tensor,
    convert,
    dynamic_dims,
    in_symbolic_trace,
    is_complex_dtype,
    is_float_dtype,
    promote,
    promote_many,
    result_dtype,
    tf_dtype,
    to_float,
)

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _floatx():
    return tf_dtype(config.floatx())


def _float_of(*xs):
    """The float dtype of combining ``xs`` (ints -> floatx) as a kcore name."""
    return result_dtype(*xs, 1.0)


def _float_wide(x):
    """Keras's rule for some unary float ops: int64 -> float64, other ints / bool -> floatx."""
    x = convert(x)
    name = x.dtype.name
    if name == "int64":
        return tf.cast(x, tf.float64)
    return to_float(x)


def _axis_list(axis, ndim):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [a % ndim if ndim else a for a in axis]
    return [axis % ndim if ndim else axis]


def _sum_dtype(name: str) -> str:
    if name in ("bool", "int8", "int16"):
        return "int32"
    if name in ("uint8", "uint16"):
        return "uint32"
    return name


def _binary(op):
    """A promoting binary op; same-dtype tensors take the fast path."""

    def fn(x1, x2):
        if type(x1) is EagerTensor and type(x2) is EagerTensor and x1.dtype == x2.dtype:
            return op(x1, x2)
        x1, x2 = promote(x1, x2)
        return op(x1, x2)

    return fn


def _float_unary(op, wide=False):
    conv = _float_wide if wide else to_float

    def fn(x):
        return op(conv(x))

    return fn


def _float_binary(op):
    def fn(x1, x2):
        dtype = _float_of(x1, x2)
        return op(convert(x1, dtype), convert(x2, dtype))

    return fn


# ---------------------------------------------------------------------------------------------
# elementwise arithmetic
# ---------------------------------------------------------------------------------------------


def _add(x1, x2):
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return tf.raw_ops.AddV2(x=x1, y=x2)


def _multiply(x1, x2):
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return tf.raw_ops.Mul(x=x1, y=x2)


def _subtract(x1, x2):
    if x1.dtype == tf.bool:
        return tf.logical_xor(x1, x2)
    return tf.raw_ops.Sub(x=x1, y=x2)


# Fast paths: eager tensors of one dtype call the raw kernels directly, skipping tf.add's
# dispatch layers (about half the cost of an eager ``tf.add`` call).
_raw = tf.raw_ops


def add(x1, x2):
    """Elementwise ``x1 + x2`` with Keras 3 promotion."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype != tf.bool:
            return _raw.AddV2(x=x1, y=x2)
    x1, x2 = promote(x1, x2)
    return _add(x1, x2)


def subtract(x1, x2):
    """Elementwise ``x1 - x2``."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype != tf.bool:
            return _raw.Sub(x=x1, y=x2)
    x1, x2 = promote(x1, x2)
    return _subtract(x1, x2)


def multiply(x1, x2):
    """Elementwise ``x1 * x2``."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype != tf.bool:
            return _raw.Mul(x=x1, y=x2)
    x1, x2 = promote(x1, x2)
    return _multiply(x1, x2)


def divide(x1, x2):
    """True division; integer inputs give ``floatx()``."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype.is_floating:
            return _raw.RealDiv(x=x1, y=x2)
    dtype = _float_of(x1, x2)
    return tf.math.truediv(convert(x1, dtype), convert(x2, dtype))


true_divide = divide


def divide_no_nan(x1, x2):
    """Division returning 0 where the denominator is 0."""
    dtype = _float_of(x1, x2)
    return tf.math.divide_no_nan(convert(x1, dtype), convert(x2, dtype))


def _int_for_bool(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return x1, x2


def floor_divide(x1, x2):
    """Floor division."""
    x1, x2 = _int_for_bool(x1, x2)
    return tf.math.floordiv(x1, x2)


def mod(x1, x2):
    """Remainder with the sign of the divisor (``numpy.mod``)."""
    x1, x2 = _int_for_bool(x1, x2)
    return tf.math.floormod(x1, x2)


def fmod(x1, x2):
    """Remainder with the sign of the dividend (``numpy.fmod``)."""
    x1, x2 = _int_for_bool(x1, x2)
    return tf.truncatemod(x1, x2)


def power(x1, x2):
    """Elementwise ``x1 ** x2``."""
    x1, x2 = _int_for_bool(x1, x2)
    return tf.pow(x1, x2)


def maximum(x1, x2):
    """Elementwise maximum (NaN propagates)."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype != tf.bool:
            return _raw.Maximum(x=x1, y=x2)
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return tf.maximum(x1, x2)


def minimum(x1, x2):
    """Elementwise minimum (NaN propagates)."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype != tf.bool:
            return _raw.Minimum(x=x1, y=x2)
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return tf.minimum(x1, x2)


def fmax(x1, x2):
    """Elementwise maximum ignoring NaNs."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    result = tf.maximum(x1, x2)
    if x1.dtype.is_floating:
        result = tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, result))
    return result


def fmin(x1, x2):
    """Elementwise minimum ignoring NaNs."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    result = tf.minimum(x1, x2)
    if x1.dtype.is_floating:
        result = tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, result))
    return result


def negative(x):
    """Elementwise ``-x``."""
    x = convert(x)
    if x.dtype == tf.bool:
        return tf.logical_not(x)
    if x.dtype.is_unsigned:
        return tf.cast(0, x.dtype) - x
    return tf.negative(x)


def absolute(x):
    """Elementwise absolute value (complex -> its float magnitude)."""
    x = convert(x)
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return x
    return tf.abs(x)


abs = absolute  # noqa: A001 - Keras's name


def fabs(x):
    """Absolute value as a float."""
    return tf.abs(to_float(x))


def sign(x):
    """Elementwise sign."""
    x = convert(x)
    if x.dtype == tf.bool:
        return x
    if x.dtype.is_unsigned:
        return tf.cast(x > 0, x.dtype)
    return tf.sign(x)


def square(x):
    """Elementwise ``x * x``; bool gives int32."""
    x = convert(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if x.dtype.is_unsigned:
        return x * x
    return tf.square(x)


def reciprocal(x):
    """Elementwise ``1 / x``."""
    x = to_float(x)
    return tf.math.reciprocal(x)


def sqrt(x):
    """Elementwise square root (ints -> floatx)."""
    return tf.sqrt(to_float(x))


def cbrt(x):
    """Elementwise cube root."""
    x = _float_wide(x)
    return tf.sign(x) * tf.pow(tf.abs(x), tf.constant(1.0 / 3.0, x.dtype))


def exp(x):
    """Elementwise ``e ** x``."""
    return tf.exp(to_float(x))


def exp2(x):
    """Elementwise ``2 ** x``."""
    x = to_float(x)
    return tf.pow(tf.constant(2.0, x.dtype), x)


def expm1(x):
    """Elementwise ``exp(x) - 1``."""
    return tf.math.expm1(to_float(x))


def log(x):
    """Natural logarithm."""
    return tf.math.log(to_float(x))


def log10(x):
    """Base-10 logarithm."""
    x = to_float(x)
    return tf.math.log(x) / tf.math.log(tf.constant(10.0, x.dtype))


def log2(x):
    """Base-2 logarithm."""
    x = to_float(x)
    return tf.math.log(x) / tf.math.log(tf.constant(2.0, x.dtype))


def log1p(x):
    """``log(1 + x)``."""
    return tf.math.log1p(to_float(x))


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` computed stably."""
    dtype = _float_of(x1, x2)
    x1, x2 = convert(x1, dtype), convert(x2, dtype)
    hi = tf.maximum(x1, x2)
    lo = tf.minimum(x1, x2)
    result = hi + tf.math.log1p(tf.exp(lo - hi))
    return tf.where(tf.equal(x1, x2), x1 + tf.math.log(tf.constant(2.0, x1.dtype)), result)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` computed stably."""
    dtype = _float_of(x1, x2)
    x1, x2 = convert(x1, dtype), convert(x2, dtype)
    ln2 = tf.math.log(tf.constant(2.0, x1.dtype))
    hi = tf.maximum(x1, x2)
    lo = tf.minimum(x1, x2)
    result = hi + tf.math.log1p(tf.pow(tf.constant(2.0, x1.dtype), lo - hi)) / ln2
    return tf.where(tf.equal(x1, x2), x1 + 1, result)


sin = _float_unary(tf.sin)
cos = _float_unary(tf.cos)
tan = _float_unary(tf.tan)
sinh = _float_unary(tf.sinh)
cosh = _float_unary(tf.cosh)
tanh = _float_unary(tf.tanh)
arcsin = _float_unary(tf.asin)
arccos = _float_unary(tf.acos)
arctan = _float_unary(tf.atan)
arcsinh = _float_unary(tf.asinh)
arccosh = _float_unary(tf.acosh)
arctanh = _float_unary(tf.atanh)
i0 = _float_unary(tf.math.bessel_i0, wide=True)
arctan2 = _float_binary(tf.atan2)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)``."""
    dtype = result_dtype(x1, x2)
    if dtype == "int64":
        dtype = "float64"
    elif not is_float_dtype(dtype):
        dtype = config.floatx()
    x1, x2 = convert(x1, dtype), convert(x2, dtype)
    return tf.sqrt(tf.square(x1) + tf.square(x2))


def deg2rad(x):
    """Degrees to radians."""
    x = _float_wide(x)
    return x * tf.constant(np.pi / 180.0, x.dtype)


def rad2deg(x):
    """Radians to degrees."""
    x = _float_wide(x)
    return x * tf.constant(180.0 / np.pi, x.dtype)


def sinc(x):
    """Normalised sinc, ``sin(pi x) / (pi x)``."""
    x = to_float(x)
    pix = tf.constant(np.pi, x.dtype) * x
    safe = tf.where(tf.equal(x, 0), tf.ones_like(x), pix)
    return tf.where(tf.equal(x, 0), tf.ones_like(x), tf.sin(safe) / safe)


def ceil(x):
    """Elementwise ceiling (ints -> floatx)."""
    return tf.math.ceil(to_float(x))


def floor(x):
    """Elementwise floor (ints -> floatx)."""
    return tf.math.floor(to_float(x))


def trunc(x):
    """Round towards zero; integer inputs are returned unchanged."""
    x = convert(x)
    if not x.dtype.is_floating:
        return x
    return tf.where(x < 0, tf.math.ceil(x), tf.math.floor(x))


def round(x, decimals=0):  # noqa: A001 - Keras's name
    """Round half to even, to ``decimals`` places."""
    x = convert(x)
    if x.dtype == tf.bool:
        return x
    if not x.dtype.is_floating and not x.dtype.is_complex:
        if decimals >= 0:
            return x
        factor = tf.constant(10 ** (-decimals), tf.float64)
        return tf.cast(tf.round(tf.cast(x, tf.float64) / factor) * factor, x.dtype)
    if decimals == 0:
        return tf.round(x)
    work = tf.float64 if x.dtype != tf.float64 else x.dtype
    factor = tf.constant(10.0**decimals, work)
    return tf.cast(tf.round(tf.cast(x, work) * factor) / factor, x.dtype)


def heaviside(x1, x2):
    """Heaviside step: 0 for x1 < 0, x2 for x1 == 0, 1 for x1 > 0."""
    dtype = result_dtype(x1, x2)
    if dtype == "int64":
        dtype = "float64"
    elif not is_float_dtype(dtype):
        dtype = config.floatx()
    x1, x2 = convert(x1, dtype), convert(x2, dtype)
    x2 = tf.broadcast_to(x2, tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2)))
    return tf.where(x1 < 0, tf.zeros_like(x2), tf.where(x1 > 0, tf.ones_like(x2), x2))


def ldexp(x1, x2):
    """``x1 * 2 ** x2`` with an integer exponent."""
    x2 = convert(x2)
    if not x2.dtype.is_integer:
        raise TypeError(
            f"ldexp: the exponent `x2` must be an integer tensor, received dtype {x2.dtype.name}."
        )
    x1 = to_float(x1)
    return x1 * tf.pow(tf.constant(2.0, x1.dtype), tf.cast(x2, x1.dtype))


def nextafter(x1, x2):
    """The next float after ``x1`` towards ``x2``."""
    dtype = _float_of(x1, x2)
    x1, x2 = convert(x1, dtype), convert(x2, dtype)
    if dtype in ("float32", "float64"):
        return tf.math.nextafter(x1, x2)
    result = tf.math.nextafter(tf.cast(x1, tf.float32), tf.cast(x2, tf.float32))
    return tf.cast(result, x1.dtype)


def _gcd(a, b):
    a, b = tf.abs(a), tf.abs(b)
    a, b = tf.broadcast_to(a, tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))), b
    b = tf.broadcast_to(b, tf.shape(a))

    def cond(a, b):
        return tf.reduce_any(b != 0)

    def body(a, b):
        safe = tf.where(b == 0, tf.ones_like(b), b)
        return tf.where(b == 0, a, b), tf.where(b == 0, tf.zeros_like(b), tf.math.floormod(a, safe))

    a, _ = tf.while_loop(cond, body, (a, b))
    return a


def gcd(x1, x2):
    """Greatest common divisor of integers."""
    x1, x2 = promote(x1, x2)
    if not x1.dtype.is_integer:
        raise TypeError(f"gcd: arguments must be integers, received dtype {x1.dtype.name}.")
    return _gcd(x1, x2)


def lcm(x1, x2):
    """Least common multiple of integers."""
    x1, x2 = promote(x1, x2)
    if not x1.dtype.is_integer:
        raise TypeError(f"lcm: arguments must be integers, received dtype {x1.dtype.name}.")
    g = _gcd(x1, x2)
    safe = tf.where(g == 0, tf.ones_like(g), g)
    return tf.where(g == 0, tf.zeros_like(g), tf.abs(x1 // safe * x2))


# ---------------------------------------------------------------------------------------------
# comparisons and logic
# ---------------------------------------------------------------------------------------------


equal = _binary(tf.equal)
not_equal = _binary(tf.not_equal)


def _compare(op):
    def fn(x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            x1, x2 = tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
        return op(x1, x2)

    return fn


less = _compare(tf.less)
less_equal = _compare(tf.less_equal)
greater = _compare(tf.greater)
greater_equal = _compare(tf.greater_equal)


def _as_bool(x):
    x = convert(x)
    return x if x.dtype == tf.bool else tf.cast(x, tf.bool)


def logical_and(x1, x2):
    """Elementwise logical AND."""
    return tf.logical_and(_as_bool(x1), _as_bool(x2))


def logical_or(x1, x2):
    """Elementwise logical OR."""
    return tf.logical_or(_as_bool(x1), _as_bool(x2))


def logical_xor(x1, x2):
    """Elementwise logical XOR."""
    return tf.math.logical_xor(_as_bool(x1), _as_bool(x2))


def logical_not(x):
    """Elementwise logical NOT."""
    return tf.logical_not(_as_bool(x))


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|x1 - x2| <= atol + rtol * |x2|`` (infinities must match exactly)."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        return tf.equal(x1, x2)
    if not (x1.dtype.is_floating or x1.dtype.is_complex):
        x1, x2 = tf.cast(x1, tf.float64), tf.cast(x2, tf.float64)
    diff = tf.abs(x1 - x2)
    rtol_t = tf.cast(rtol, diff.dtype)
    atol_t = tf.cast(atol, diff.dtype)
    close = diff <= atol_t + rtol_t * tf.abs(x2)
    if x1.dtype.is_floating:
        both_inf = tf.math.is_inf(x1) | tf.math.is_inf(x2)
        close = tf.where(both_inf, tf.equal(x1, x2), close)
        if equal_nan:
            close = close | (tf.math.is_nan(x1) & tf.math.is_nan(x2))
    return close


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element is :func:`isclose`."""
    return tf.reduce_all(isclose(x1, x2, rtol, atol, equal_nan))


def isnan(x):
    """Elementwise NaN test."""
    x = convert(x)
    if x.dtype.is_floating:
        return tf.math.is_nan(x)
    if x.dtype.is_complex:
        return tf.math.is_nan(tf.math.real(x)) | tf.math.is_nan(tf.math.imag(x))
    return tf.zeros(tf.shape(x), tf.bool)


def isinf(x):
    """Elementwise infinity test."""
    x = convert(x)
    if x.dtype.is_floating:
        return tf.math.is_inf(x)
    if x.dtype.is_complex:
        return tf.math.is_inf(tf.math.real(x)) | tf.math.is_inf(tf.math.imag(x))
    return tf.zeros(tf.shape(x), tf.bool)


def isfinite(x):
    """Elementwise finiteness test."""
    x = convert(x)
    if x.dtype.is_floating:
        return tf.math.is_finite(x)
    if x.dtype.is_complex:
        return tf.math.is_finite(tf.math.real(x)) & tf.math.is_finite(tf.math.imag(x))
    return tf.ones(tf.shape(x), tf.bool)


def isneginf(x):
    """Elementwise ``x == -inf``."""
    x = convert(x)
    if not x.dtype.is_floating:
        return tf.zeros(tf.shape(x), tf.bool)
    return tf.equal(x, tf.constant(-np.inf, x.dtype))


def isposinf(x):
    """Elementwise ``x == +inf``."""
    x = convert(x)
    if not x.dtype.is_floating:
        return tf.zeros(tf.shape(x), tf.bool)
    return tf.equal(x, tf.constant(np.inf, x.dtype))


def isreal(x):
    """Elementwise "imaginary part is zero"."""
    x = convert(x)
    if x.dtype.is_complex:
        return tf.equal(tf.math.imag(x), 0)
    return tf.ones(tf.shape(x), tf.bool)


def signbit(x):
    """Whether the sign bit is set (true for -0.0)."""
    x = convert(x)
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return tf.zeros(tf.shape(x), tf.bool)
    if x.dtype.is_integer:
        return x < 0
    bits = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}
    return tf.bitcast(x, bits[x.dtype]) < 0


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2``."""
    x1, x2 = promote(x1, x2)
    flat = tf.reshape(x2, [-1])
    found = tf.reduce_any(tf.equal(tf.expand_dims(x1, -1), flat), axis=-1)
    return tf.logical_not(found) if invert else found


# ---------------------------------------------------------------------------------------------
# bitwise
# ---------------------------------------------------------------------------------------------


def _bitwise_pair(x, y):
    x, y = promote(x, y)
    if x.dtype.is_floating or x.dtype.is_complex:
        raise TypeError(f"bitwise ops need integer or bool inputs, received dtype {x.dtype.name}.")
    return x, y


def bitwise_and(x, y):
    """Elementwise bitwise AND."""
    x, y = _bitwise_pair(x, y)
    return tf.logical_and(x, y) if x.dtype == tf.bool else tf.bitwise.bitwise_and(x, y)


def bitwise_or(x, y):
    """Elementwise bitwise OR."""
    x, y = _bitwise_pair(x, y)
    return tf.logical_or(x, y) if x.dtype == tf.bool else tf.bitwise.bitwise_or(x, y)


def bitwise_xor(x, y):
    """Elementwise bitwise XOR."""
    x, y = _bitwise_pair(x, y)
    return tf.math.logical_xor(x, y) if x.dtype == tf.bool else tf.bitwise.bitwise_xor(x, y)


def bitwise_invert(x):
    """Elementwise bitwise NOT."""
    x = convert(x)
    return tf.logical_not(x) if x.dtype == tf.bool else tf.bitwise.invert(x)


bitwise_not = bitwise_invert


def bitwise_left_shift(x, y):
    """Elementwise ``x << y``."""
    x, y = _bitwise_pair(x, y)
    if x.dtype == tf.bool:
        x, y = tf.cast(x, tf.int32), tf.cast(y, tf.int32)
    return tf.bitwise.left_shift(x, y)


def bitwise_right_shift(x, y):
    """Elementwise ``x >> y``."""
    x, y = _bitwise_pair(x, y)
    if x.dtype == tf.bool:
        x, y = tf.cast(x, tf.int32), tf.cast(y, tf.int32)
    return tf.bitwise.right_shift(x, y)


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


# ---------------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------------


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Sum over ``axis``; bool / small ints accumulate in int32 (uint8/16 in uint32)."""
    x = convert(x)
    target = _sum_dtype(x.dtype.name)
    if target != x.dtype.name:
        x = tf.cast(x, target)
    return tf.reduce_sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``."""
    x = convert(x)
    target = dtype if dtype is not None else _sum_dtype(x.dtype.name)
    x = convert(x, target)
    return tf.reduce_prod(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; ints give floatx, float16 accumulates in float32."""
    x = to_float(x)
    if x.dtype in (tf.float16, tf.bfloat16):
        return tf.cast(
            tf.reduce_mean(tf.cast(x, tf.float32), axis=axis, keepdims=keepdims), x.dtype
        )
    return tf.reduce_mean(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``."""
    x = to_float(x)
    work = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    xw = tf.cast(x, work)
    if xw.dtype.is_complex:
        m = tf.reduce_mean(xw, axis=axis, keepdims=True)
        d = xw - m
        result = tf.reduce_mean(tf.math.real(d * tf.math.conj(d)), axis=axis, keepdims=keepdims)
        return result
    result = tf.math.reduce_variance(xw, axis=axis, keepdims=keepdims)
    return tf.cast(result, x.dtype)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    return tf.sqrt(var(x, axis, keepdims))


def _bool_as_int(x):
    return tf.cast(x, tf.int8) if x.dtype == tf.bool else x


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001 - Keras's name
    """Maximum over ``axis`` (``initial`` is a lower bound)."""
    x = convert(x)
    is_bool = x.dtype == tf.bool
    xi = _bool_as_int(x)
    result = tf.reduce_max(xi, axis=axis, keepdims=keepdims)
    if initial is not None:
        result = tf.maximum(result, tf.cast(initial, result.dtype))
    if x.dtype.is_floating:
        has_nan = tf.reduce_any(tf.math.is_nan(x), axis=axis, keepdims=keepdims)
        result = tf.where(has_nan, tf.constant(np.nan, x.dtype), result)
    return tf.cast(result, tf.bool) if is_bool else result


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001 - Keras's name
    """Minimum over ``axis`` (``initial`` is an upper bound)."""
    x = convert(x)
    is_bool = x.dtype == tf.bool
    xi = _bool_as_int(x)
    result = tf.reduce_min(xi, axis=axis, keepdims=keepdims)
    if initial is not None:
        result = tf.minimum(result, tf.cast(initial, result.dtype))
    if x.dtype.is_floating:
        has_nan = tf.reduce_any(tf.math.is_nan(x), axis=axis, keepdims=keepdims)
        result = tf.where(has_nan, tf.constant(np.nan, x.dtype), result)
    return tf.cast(result, tf.bool) if is_bool else result


def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis``."""
    return max(x, axis, keepdims)


def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis``."""
    return min(x, axis, keepdims)


def ptp(x, axis=None, keepdims=False):
    """Range (max - min) over ``axis``."""
    x = convert(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    return max(x, axis, keepdims) - min(x, axis, keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Whether all elements are truthy over ``axis``."""
    return tf.reduce_all(_as_bool(x), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Whether any element is truthy over ``axis``."""
    return tf.reduce_any(_as_bool(x), axis=axis, keepdims=keepdims)


def count_nonzero(x, axis=None):
    """Number of non-zero elements over ``axis`` (int32)."""
    x = convert(x)
    return tf.cast(tf.math.count_nonzero(x, axis=axis), tf.int32)


def _arg_reduce(op, x, axis, keepdims):
    x = convert(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int8)
    if axis is None:
        shape = tf.shape(x)
        result = op(tf.reshape(x, [-1]), axis=0, output_type=tf.int32)
        if keepdims:
            result = tf.reshape(result, tf.ones_like(shape))
        return result
    result = op(x, axis=axis, output_type=tf.int32)
    if keepdims:
        result = tf.expand_dims(result, axis)
    return result


def _nan_safe_argmax(x, axis=None, keepdims=False):
    x = convert(x)
    if x.dtype.is_floating:
        # numpy returns the first NaN
        nan = tf.math.is_nan(x)
        x = tf.where(nan, tf.constant(np.inf, x.dtype), x)
    return _arg_reduce(tf.math.argmax, x, axis, keepdims)


def _nan_safe_argmin(x, axis=None, keepdims=False):
    x = convert(x)
    if x.dtype.is_floating:
        nan = tf.math.is_nan(x)
        x = tf.where(nan, tf.constant(-np.inf, x.dtype), x)
    return _arg_reduce(tf.math.argmin, x, axis, keepdims)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum (first occurrence), int32."""
    return _nan_safe_argmax(x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum (first occurrence), int32."""
    return _nan_safe_argmin(x, axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum ignoring NaNs."""
    x = convert(x)
    if x.dtype.is_floating:
        x = tf.where(tf.math.is_nan(x), tf.constant(-np.inf, x.dtype), x)
    return _arg_reduce(tf.math.argmax, x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum ignoring NaNs."""
    x = convert(x)
    if x.dtype.is_floating:
        x = tf.where(tf.math.is_nan(x), tf.constant(np.inf, x.dtype), x)
    return _arg_reduce(tf.math.argmin, x, axis, keepdims)


def _nan_replace(x, value):
    x = convert(x)
    if x.dtype.is_floating:
        return tf.where(tf.math.is_nan(x), tf.constant(value, x.dtype), x)
    return x


def nansum(x, axis=None, keepdims=False):
    """Sum treating NaN as zero."""
    return sum(_nan_replace(x, 0.0), axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product treating NaN as one."""
    return prod(_nan_replace(x, 1.0), axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean ignoring NaNs."""
    x = to_float(x)
    valid = tf.logical_not(tf.math.is_nan(x)) if x.dtype.is_floating else tf.ones_like(x, tf.bool)
    total = tf.reduce_sum(tf.where(valid, x, tf.zeros_like(x)), axis=axis, keepdims=keepdims)
    count = tf.reduce_sum(tf.cast(valid, x.dtype), axis=axis, keepdims=keepdims)
    return total / count


def nanvar(x, axis=None, keepdims=False):
    """Variance ignoring NaNs."""
    x = to_float(x)
    valid = tf.logical_not(tf.math.is_nan(x))
    m = nanmean(x, axis, keepdims=True)
    d = tf.where(valid, x - m, tf.zeros_like(x))
    count = tf.reduce_sum(tf.cast(valid, x.dtype), axis=axis, keepdims=keepdims)
    return tf.reduce_sum(d * d, axis=axis, keepdims=keepdims) / count


def nanstd(x, axis=None, keepdims=False):
    """Standard deviation ignoring NaNs."""
    return tf.sqrt(nanvar(x, axis, keepdims))


def nanmax(x, axis=None, keepdims=False):
    """Maximum ignoring NaNs (all-NaN slices give NaN)."""
    x = convert(x)
    if not x.dtype.is_floating:
        return max(x, axis, keepdims)
    nan = tf.math.is_nan(x)
    result = tf.reduce_max(
        tf.where(nan, tf.constant(-np.inf, x.dtype), x), axis=axis, keepdims=keepdims
    )
    all_nan = tf.reduce_all(nan, axis=axis, keepdims=keepdims)
    return tf.where(all_nan, tf.constant(np.nan, x.dtype), result)


def nanmin(x, axis=None, keepdims=False):
    """Minimum ignoring NaNs (all-NaN slices give NaN)."""
    x = convert(x)
    if not x.dtype.is_floating:
        return min(x, axis, keepdims)
    nan = tf.math.is_nan(x)
    result = tf.reduce_min(
        tf.where(nan, tf.constant(np.inf, x.dtype), x), axis=axis, keepdims=keepdims
    )
    all_nan = tf.reduce_all(nan, axis=axis, keepdims=keepdims)
    return tf.where(all_nan, tf.constant(np.nan, x.dtype), result)


def _cumulative(op, x, axis, dtype, nan_value=None):
    x = convert(x)
    if dtype is not None:
        x = convert(x, dtype)
    elif x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if nan_value is not None:
        x = _nan_replace(x, nan_value)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    return op(x, axis=axis)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (flattened if ``None``)."""
    return _cumulative(tf.math.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (flattened if ``None``)."""
    return _cumulative(tf.math.cumprod, x, axis, dtype)


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaN as zero."""
    return _cumulative(tf.math.cumsum, x, axis, dtype, nan_value=0.0)


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaN as one."""
    return _cumulative(tf.math.cumprod, x, axis, dtype, nan_value=1.0)


def average(x, axis=None, weights=None):
    """Weighted mean; 1-D ``weights`` apply along ``axis``."""
    if weights is None:
        return mean(x, axis)
    dtype = _float_of(x, weights)
    x, weights = convert(x, dtype), convert(weights, dtype)
    if axis is not None and weights.shape.rank == 1 and x.shape.rank != 1:
        ax = axis % x.shape.rank
        shape = [1] * x.shape.rank
        shape[ax] = -1
        weights = tf.reshape(weights, shape)
    total = tf.reduce_sum(x * weights, axis=axis)
    norm = tf.reduce_sum(tf.broadcast_to(weights, tf.shape(x)), axis=axis)
    return total / norm


# ---------------------------------------------------------------------------------------------
# quantiles
# ---------------------------------------------------------------------------------------------


def _quantile_impl(x, q, axis, method, keepdims, ignore_nan):
    x = to_float(x)
    if x.dtype in (tf.float16, tf.bfloat16):
        work = tf.float32
    else:
        work = x.dtype
    out_dtype = x.dtype
    x = tf.cast(x, work)
    q = tf.cast(convert(q), work)
    ndim = x.shape.rank
    if axis is None:
        axes = list(range(ndim))
    else:
        axes = _axis_list(axis, ndim)
    keep = [d for d in range(ndim) if d not in axes]
    perm = keep + axes
    xt = tf.transpose(x, perm)
    dims = dynamic_dims(xt)
    kept_dims = dims[: len(keep)]
    flat = tf.reshape(xt, [*kept_dims, -1]) if keep else tf.reshape(xt, [-1])
    nan = tf.math.is_nan(flat)
    sorted_ = tf.sort(tf.where(nan, tf.constant(np.inf, work), flat), axis=-1)
    n_total = tf.cast(tf.shape(flat)[-1], work)
    if ignore_nan:
        n = tf.reduce_sum(tf.cast(tf.logical_not(nan), work), axis=-1, keepdims=True)
    else:
        n = tf.fill(tf.concat([tf.shape(flat)[:-1], [1]], 0), n_total)
    # positions: shape (..., Q) with q along the last axis
    qf = tf.reshape(q, [-1])
    pos = qf * (n - 1)  # (..., Q)
    pos = tf.maximum(pos, 0.0)
    if method == "linear":
        lo = tf.floor(pos)
        hi = tf.math.ceil(pos)
    elif method == "lower":
        lo = hi = tf.floor(pos)
    elif method == "higher":
        lo = hi = tf.math.ceil(pos)
    elif method == "midpoint":
        lo, hi = tf.floor(pos), tf.math.ceil(pos)
    elif method == "nearest":
        lo = hi = tf.round(pos)
    else:
        raise ValueError(
            "quantile: `method` must be one of 'linear', 'lower', 'higher', 'midpoint', "
            f"'nearest'. Received: method={method!r}"
        )
    lo_i = tf.cast(lo, tf.int32)
    hi_i = tf.cast(hi, tf.int32)
    v_lo = tf.gather(sorted_, lo_i, axis=-1, batch_dims=sorted_.shape.rank - 1)
    v_hi = tf.gather(sorted_, hi_i, axis=-1, batch_dims=sorted_.shape.rank - 1)
    if method == "linear":
        frac = pos - lo
        result = v_lo + (v_hi - v_lo) * frac
        result = tf.where(tf.equal(frac, 0), v_lo, result)
    elif method == "midpoint":
        result = (v_lo + v_hi) / 2
    else:
        result = v_lo
    bad = n < 1 if ignore_nan else tf.reduce_any(nan, axis=-1, keepdims=True)
    result = tf.where(tf.broadcast_to(bad, tf.shape(result)), tf.constant(np.nan, work), result)
    # result: (*kept, Q) -> (Q, *kept)
    rank = result.shape.rank
    result = tf.transpose(result, [rank - 1, *range(rank - 1)])
    if keepdims:
        shape = tf.shape(result)
        new_shape = [shape[0]]
        k = 1
        for d in range(ndim):
            if d in axes:
                new_shape.append(1)
            else:
                new_shape.append(shape[k])
                k += 1
        result = tf.reshape(result, tf.stack(new_shape))
    if q.shape.rank == 0:
        result = result[0]
    return tf.cast(result, out_dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``."""
    return _quantile_impl(x, q, axis, method, keepdims, ignore_nan=False)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``."""
    return quantile(x, tf.cast(convert(q), tf.float64) / 100.0, axis, method, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """Quantiles ignoring NaNs."""
    return _quantile_impl(x, q, axis, method, keepdims, ignore_nan=True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """Percentiles ignoring NaNs."""
    return nanquantile(x, tf.cast(convert(q), tf.float64) / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    """Median over ``axis``."""
    return quantile(x, 0.5, axis, "linear", keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """Median ignoring NaNs."""
    return nanquantile(x, 0.5, axis, "linear", keepdims)


# ---------------------------------------------------------------------------------------------
# creation
# ---------------------------------------------------------------------------------------------


def _shape_arg(shape):
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    if isinstance(shape, Tensor):
        return shape
    return [int(d) if isinstance(d, (int, np.integer)) else d for d in shape]


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx()`` by default)."""
    return tf.zeros(_shape_arg(shape), tf_dtype(dtype))


def ones(shape, dtype=None):
    """A tensor of ones (``floatx()`` by default)."""
    return tf.ones(_shape_arg(shape), tf_dtype(dtype))


def empty(shape, dtype=None):
    """An uninitialised tensor (zeros on TensorFlow)."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value``."""
    dtype = tf_dtype(dtype)
    value = convert(fill_value, dtype)
    return tf.broadcast_to(value, _shape_arg(shape))


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype unless given) of ``x``."""
    x = convert(x)
    return tf.zeros_like(x, dtype=tf_dtype(dtype) if dtype is not None else None)


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype unless given) of ``x``."""
    x = convert(x)
    return tf.ones_like(x, dtype=tf_dtype(dtype) if dtype is not None else None)


def empty_like(x, dtype=None):
    """An uninitialised tensor like ``x`` (zeros on TensorFlow)."""
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    """A tensor like ``x`` filled with ``fill_value``."""
    x = convert(x)
    dtype = tf_dtype(dtype) if dtype is not None else x.dtype
    return tf.broadcast_to(convert(fill_value, dtype), tf.shape(x))


def _eye(n, m, k, dtype):
    m = n if m is None else m
    rows = tf.range(n)[:, None]
    cols = tf.range(m)[None, :]
    return tf.cast(tf.equal(cols - rows, k), dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras's names
    """A 2-D tensor with ones on the ``k``-th diagonal."""
    return _eye(N, M, k, tf_dtype(dtype))


def identity(n, dtype=None):
    """The ``n x n`` identity matrix."""
    return _eye(n, None, 0, tf_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras's names
    """Ones at and below the ``k``-th diagonal."""
    M = N if M is None else M  # noqa: N806
    rows = tf.range(N)[:, None]
    cols = tf.range(M)[None, :]
    return tf.cast(cols - rows <= k, tf_dtype(dtype))


def _tri_mask(x, k, lower):
    shape = tf.shape(x)
    rows = tf.range(shape[-2])[:, None]
    cols = tf.range(shape[-1])[None, :]
    return (cols - rows <= k) if lower else (cols - rows >= k)


def tril(x, k=0):
    """Zero the elements above the ``k``-th diagonal."""
    x = convert(x)
    return tf.where(_tri_mask(x, k, True), x, tf.zeros_like(x))


def triu(x, k=0):
    """Zero the elements below the ``k``-th diagonal."""
    x = convert(x)
    return tf.where(_tri_mask(x, k, False), x, tf.zeros_like(x))


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``."""
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if dtype is None:
        dtype = result_dtype(*(v for v in (start, stop, step)))
    dtype = tf_dtype(dtype)
    if dtype.is_integer and builtins.all(
        isinstance(v, (int, np.integer)) for v in (start, stop, step)
    ):
        return tf.range(start, stop, step, dtype=dtype)
    work = tf.float64
    result = tf.range(tf.cast(start, work), tf.cast(stop, work), tf.cast(step, work))
    return tf.cast(result, dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced samples over ``[start, stop]``."""
    if dtype is None:
        dtype = _float_of(start, stop)
    out = tf_dtype(dtype)
    work = tf.float64 if out in (tf.float64, tf.int64) else tf.float32
    start_t = tf.cast(convert(start), work)
    stop_t = tf.cast(convert(stop), work)
    div = (num - 1) if endpoint else num
    step = (stop_t - start_t) / builtins.max(div, 1)
    steps = tf.reshape(tf.range(num, dtype=work), [-1] + [1] * start_t.shape.rank)
    result = start_t + steps * step
    if endpoint and num > 1:
        result = tf.concat([result[:-1], tf.expand_dims(stop_t, 0)], axis=0)
    if axis != 0:
        result = moveaxis(result, 0, axis)
    if out.is_integer:
        result = tf.floor(result)
    result = tf.cast(result, out)
    if retstep:
        return result, tf.cast(step, out)
    return result


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop)``."""
    if dtype is None:
        dtype = _float_of(start, stop)
    work_dtype = "float64" if tf_dtype(dtype) in (tf.float64, tf.int64) else "float32"
    exponents = linspace(start, stop, num, endpoint, False, work_dtype, axis)
    result = tf.pow(tf.cast(base, exponents.dtype), exponents)
    return tf.cast(result, tf_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Samples evenly spaced on a log scale, from ``start`` to ``stop``."""
    if dtype is None:
        dtype = _float_of(start, stop)
    work = tf.float64
    start_t = tf.cast(convert(start), work)
    stop_t = tf.cast(convert(stop), work)
    sign = tf.sign(start_t)
    log_start = tf.math.log(tf.abs(start_t))
    log_stop = tf.math.log(tf.abs(stop_t))
    exps = linspace(log_start, log_stop, num, endpoint, False, "float64", 0)
    result = sign * tf.exp(exps)
    if num > 0:
        first = tf.expand_dims(start_t, 0)
        rest = result[1:]
        if endpoint and num > 1:
            rest = tf.concat([rest[:-1], tf.expand_dims(stop_t, 0)], axis=0)
        result = tf.concat([first, rest], axis=0)
    if axis != 0:
        result = moveaxis(result, 0, axis)
    return tf.cast(result, tf_dtype(dtype))


def array(x, dtype=None):
    """A tensor from ``x`` (see ``convert_to_tensor``)."""
    return convert(x, dtype)


def copy(x):
    """A copy of ``x``."""
    return tf.identity(convert(x))


def _window(fn, x):
    n = x if isinstance(x, (int, np.integer)) else tf.get_static_value(convert(x))
    if n is None:
        raise ValueError("window functions need a static length, received a traced tensor.")
    n = int(n)
    dtype = _floatx()
    if n <= 0:
        return tf.zeros([0], dtype)
    if n == 1:
        return tf.ones([1], dtype)
    k = tf.range(n, dtype=tf.float64)
    return tf.cast(fn(k, n), dtype)


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``."""
    return _window(lambda k, n: 1.0 - tf.abs(2.0 * k / (n - 1) - 1.0), x)


def blackman(x):
    """The Blackman window of length ``x``."""
    return _window(
        lambda k, n: (
            0.42 - 0.5 * tf.cos(2 * np.pi * k / (n - 1)) + 0.08 * tf.cos(4 * np.pi * k / (n - 1))
        ),
        x,
    )


def hamming(x):
    """The Hamming window of length ``x``."""
    return _window(lambda k, n: 0.54 - 0.46 * tf.cos(2 * np.pi * k / (n - 1)), x)


def hanning(x):
    """The Hann window of length ``x``."""
    return _window(lambda k, n: 0.5 - 0.5 * tf.cos(2 * np.pi * k / (n - 1)), x)


def kaiser(x, beta):
    """The Kaiser window of length ``x``."""
    beta_t = tf.cast(convert(beta), tf.float64)
    return _window(
        lambda k, n: (
            tf.math.bessel_i0(
                beta_t * tf.sqrt(tf.maximum(1.0 - (2.0 * k / (n - 1) - 1.0) ** 2, 0.0))
            )
            / tf.math.bessel_i0(beta_t)
        ),
        x,
    )


# ---------------------------------------------------------------------------------------------
# shape manipulation
# ---------------------------------------------------------------------------------------------


def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one dim may be -1)."""
    x = convert(x)
    if isinstance(newshape, (int, np.integer)):
        newshape = [int(newshape)]
    elif not isinstance(newshape, Tensor):
        newshape = [-1 if d is None else d for d in newshape]
    return tf.reshape(x, newshape)


def ravel(x):
    """``x`` flattened to 1-D."""
    return tf.reshape(convert(x), [-1])


def expand_dims(x, axis):
    """Insert size-1 axes at ``axis`` (an int or a sequence)."""
    x = convert(x)
    if isinstance(axis, (list, tuple)):
        out_rank = x.shape.rank + len(axis)
        for a in sorted(ax % out_rank for ax in axis):
            x = tf.expand_dims(x, a)
        return x
    return tf.expand_dims(x, axis)


def squeeze(x, axis=None):
    """Remove size-1 axes (all, or those in ``axis``)."""
    x = convert(x)
    if axis is None:
        # Unknown dims are assumed not to be 1 (they are kept), like Keras.
        dims = dynamic_dims(x)
        return tf.reshape(x, [d for d, s in zip(dims, x.shape.as_list()) if s != 1])
    axes = _axis_list(axis, x.shape.rank)
    for a in axes:
        d = x.shape[a]
        if d is not None and d != 1:
            raise ValueError(
                f"squeeze: cannot select an axis to squeeze out which has size not equal to one, "
                f"received axis={axis} for shape {tuple(x.shape)}."
            )
    return tf.squeeze(x, axis=axes)


def transpose(x, axes=None):
    """Permute the axes (reverse them if ``axes`` is None)."""
    x = convert(x)
    return tf.transpose(x, perm=axes)


def moveaxis(x, source, destination):
    """Move axes ``source`` to positions ``destination``."""
    x = convert(x)
    ndim = x.shape.rank
    src = _axis_list(source, ndim)
    dst = _axis_list(destination, ndim)
    if len(src) != len(dst):
        raise ValueError(
            "moveaxis: `source` and `destination` must have the same number of elements, "
            f"received {source} and {destination}."
        )
    order = [d for d in range(ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return tf.transpose(x, order)


def swapaxes(x, axis1, axis2):
    """Swap two axes."""
    x = convert(x)
    ndim = x.shape.rank
    perm = list(range(ndim))
    a, b = axis1 % ndim, axis2 % ndim
    perm[a], perm[b] = perm[b], perm[a]
    return tf.transpose(x, perm)


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape``."""
    return tf.broadcast_to(convert(x), _shape_arg(shape))


def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes if None)."""
    x = convert(x)
    if axis is None:
        axes = list(range(x.shape.rank))
    else:
        axes = _axis_list(axis, x.shape.rank)
    return tf.reverse(x, axes)


def fliplr(x):
    """Flip along axis 1."""
    return flip(x, 1)


def flipud(x):
    """Flip along axis 0."""
    return flip(x, 0)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    x = convert(array)
    ndim = x.shape.rank
    if ndim < 2:
        raise ValueError(f"rot90: input must have rank >= 2, received shape {tuple(x.shape)}.")
    a0, a1 = axes[0] % ndim, axes[1] % ndim
    if a0 == a1:
        raise ValueError(f"rot90: `axes` must be two different axes, received {axes}.")
    k = k % 4
    if k == 0:
        return x
    if k == 2:
        return tf.reverse(x, [a0, a1])
    perm = list(range(ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return tf.transpose(tf.reverse(x, [a1]), perm)
    return tf.reverse(tf.transpose(x, perm), [a1])


def roll(x, shift, axis=None):
    """Roll elements along ``axis`` (flattened if None)."""
    x = convert(x)
    if axis is None:
        shape = tf.shape(x)
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, 0), shape)
    return tf.roll(x, shift, axis)


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (flattened if None)."""
    x = convert(x)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    return tf.repeat(x, repeats, axis=axis)


def tile(x, repeats):
    """Tile ``x`` ``repeats`` times (NumPy rank rules)."""
    x = convert(x)
    if isinstance(repeats, (int, np.integer)):
        repeats = [int(repeats)]
    elif isinstance(repeats, Tensor):
        static = tf.get_static_value(repeats)
        if static is None:
            return tf.tile(x, repeats)  # traced values: NumPy's rank padding needs them static
        repeats = [int(r) for r in np.reshape(static, [-1])]
    else:
        repeats = list(repeats)
    ndim = x.shape.rank
    if len(repeats) < ndim:
        repeats = [1] * (ndim - len(repeats)) + repeats
    elif len(repeats) > ndim:
        x = tf.reshape(x, [1] * (len(repeats) - ndim) + dynamic_dims(x))
    return tf.tile(x, repeats)


def _normalize_pad(pad_width, ndim):
    arr = np.asarray(pad_width, dtype=np.int64)
    if arr.ndim == 0:
        return [[int(arr), int(arr)]] * ndim
    if arr.ndim == 1:
        if arr.size == 1:
            return [[int(arr[0]), int(arr[0])]] * ndim
        return [[int(arr[0]), int(arr[1])]] * ndim
    if arr.shape[0] == 1 and ndim != 1:
        return [[int(arr[0][0]), int(arr[0][1])]] * ndim
    return [[int(a), int(b)] for a, b in arr]


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x``; ``mode`` is 'constant', 'reflect', 'symmetric', 'edge' or 'wrap'."""
    x = convert(x)
    paddings = _normalize_pad(pad_width, x.shape.rank)
    mode = mode.lower()
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return tf.pad(x, paddings, constant_values=tf.cast(value, x.dtype))
    if constant_values is not None:
        raise ValueError(
            f"pad: `constant_values` is only valid with mode='constant', received mode={mode!r}."
        )
    if mode in ("reflect", "symmetric"):
        return tf.pad(x, paddings, mode=mode.upper())
    if mode in ("edge", "wrap"):
        for axis, (before, after) in enumerate(paddings):
            if before == 0 and after == 0:
                continue
            n = tf.shape(x)[axis]
            idx = tf.range(-before, n + after)
            if mode == "edge":
                idx = tf.clip_by_value(idx, 0, n - 1)
            else:
                idx = tf.math.floormod(idx, n)
            x = tf.gather(x, idx, axis=axis)
        return x
    raise ValueError(
        "pad: `mode` must be one of 'constant', 'reflect', 'symmetric', 'edge', 'wrap'. "
        f"Received: mode={mode!r}"
    )


def concatenate(xs, axis=0):
    """Join tensors along an existing axis (``axis=None`` flattens first)."""
    xs = promote_many(*xs)
    if axis is None:
        xs = [tf.reshape(x, [-1]) for x in xs]
        axis = 0
    return tf.concat(xs, axis=axis)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened if None)."""
    return concatenate([x1, x2], axis)


def stack(x, axis=0):
    """Join tensors along a new axis."""
    return tf.stack(promote_many(*x), axis=axis)


def _atleast(x, n):
    x = convert(x)
    rank = x.shape.rank
    if rank >= n:
        return x
    if n == 1:
        return tf.reshape(x, [1])
    if n == 2:
        return tf.reshape(x, [1, -1]) if rank == 1 else tf.reshape(x, [1, 1])
    # n == 3
    if rank == 0:
        return tf.reshape(x, [1, 1, 1])
    if rank == 1:
        return x[None, :, None]
    return x[:, :, None]


def hstack(xs):
    """Stack horizontally (axis 1, or 0 for 1-D inputs)."""
    xs = promote_many(*xs)
    xs = [_atleast(x, 1) for x in xs]
    axis = 0 if xs[0].shape.rank == 1 else 1
    return tf.concat(xs, axis)


def vstack(xs):
    """Stack vertically (along axis 0 after making inputs 2-D)."""
    xs = promote_many(*xs)
    return tf.concat([_atleast(x, 2) for x in xs], 0)


def dstack(xs):
    """Stack along the third axis."""
    xs = promote_many(*xs)
    return tf.concat([_atleast(x, 3) for x in xs], 2)


def _split_sizes(n, indices_or_sections, even):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if even:
            if n % sections:
                raise ValueError(
                    f"split: an axis of size {n} cannot be split evenly into {sections} sections."
                )
            return [n // sections] * sections
        base, extra = divmod(n, sections)
        return [base + 1] * extra + [base] * (sections - extra)
    indices = [int(i) for i in indices_or_sections]
    bounds = [0] + [builtins.min(builtins.max(i if i >= 0 else i + n, 0), n) for i in indices] + [n]
    return [builtins.max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]


def _split(x, indices_or_sections, axis, even):
    x = convert(x)
    n = x.shape[axis]
    if n is None:
        if isinstance(indices_or_sections, (int, np.integer)) and even:
            return tf.split(x, int(indices_or_sections), axis=axis)
        n = int(tf.shape(x)[axis])
    sizes = _split_sizes(n, indices_or_sections, even)
    # tf.split rejects some empty-size patterns; slice manually
    outs = []
    start = 0
    for s in sizes:
        outs.append(
            tf.gather(x, tf.range(start, start + s), axis=axis)
            if s == 0
            else _slice_axis(x, axis, start, s)
        )
        start += s
    return outs


def _slice_axis(x, axis, start, size):
    ndim = x.shape.rank
    axis = axis % ndim
    begin = [0] * ndim
    sizes = [-1] * ndim
    begin[axis] = start
    sizes[axis] = size
    return tf.slice(x, begin, sizes)


def split(x, indices_or_sections, axis=0):
    """Split into equal sections or at indices (NumPy rules)."""
    return _split(x, indices_or_sections, axis, even=True)


def array_split(x, indices_or_sections, axis=0):
    """Split into possibly unequal sections (NumPy rules)."""
    return _split(x, indices_or_sections, axis, even=False)


def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D)."""
    x = convert(x)
    return split(x, indices_or_sections, 0 if x.shape.rank == 1 else 1)


def vsplit(x, indices_or_sections):
    """Split along axis 0."""
    return split(x, indices_or_sections, 0)


def dsplit(x, indices_or_sections):
    """Split along axis 2."""
    return split(x, indices_or_sections, 2)


def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: `indexing` must be 'xy' or 'ij', received {indexing!r}.")
    xs = [convert(v) for v in x]
    return tf.meshgrid(*xs, indexing=indexing)


# ---------------------------------------------------------------------------------------------
# linear-algebra-like numpy ops
# ---------------------------------------------------------------------------------------------


def _mm_dtype(x1, x2):
    x1, x2 = promote(x1, x2)
    return x1, x2


def _matmul_2d(a, b):
    dtype = a.dtype
    if dtype == tf.bool:
        return tf.cast(tf.matmul(tf.cast(a, tf.int32), tf.cast(b, tf.int32)), tf.bool)
    if dtype in (tf.int8, tf.int16, tf.uint8, tf.uint16, tf.uint32, tf.uint64):
        return tf.cast(tf.matmul(tf.cast(a, tf.int64), tf.cast(b, tf.int64)), dtype)
    return tf.matmul(a, b)


def matmul(x1, x2):
    """Matrix product with NumPy's rules for 1-D operands and broadcasting (int8 @ int8 -> int32)."""
    if type(x1) is EagerTensor and type(x2) is EagerTensor:
        dtype = x1.dtype
        if dtype == x2.dtype and dtype.is_floating and x1.shape.rank == 2 and x2.shape.rank == 2:
            if x1.shape[1] == x2.shape[0]:
                return _raw.MatMul(a=x1, b=x2)
    x1, x2 = _mm_dtype(x1, x2)
    if x1.dtype == tf.int8:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        raise ValueError(
            f"matmul: inputs must have rank >= 1, received shapes {tuple(x1.shape)} and {tuple(x2.shape)}."
        )
    a = x1[None, :] if r1 == 1 else x1
    b = x2[:, None] if r2 == 1 else x2
    k1, k2 = a.shape[-1], b.shape[-2]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ValueError(
            f"matmul: the last axis of `x1` must equal the second-to-last axis of `x2`, "
            f"received shapes {tuple(x1.shape)} and {tuple(x2.shape)} ({k1} != {k2})."
        )
    out = _matmul_2d(a, b)
    if r1 == 1:
        out = tf.squeeze(out, -2)
    if r2 == 1:
        out = tf.squeeze(out, -1)
    return out


def _tensordot_cast(x1, x2, axes):
    dtype = x1.dtype
    if dtype == tf.bool or dtype in (tf.int8, tf.int16, tf.uint8, tf.uint16, tf.uint32, tf.uint64):
        work = tf.int64 if dtype != tf.bool else tf.int32
        out = tf.tensordot(tf.cast(x1, work), tf.cast(x2, work), axes)
        return tf.cast(out, dtype)
    return tf.tensordot(x1, x2, axes)


def dot(x1, x2):
    """NumPy ``dot``: scalars multiply, 1-D inner, N-D contracts last of x1 with second-last of x2."""
    x1, x2 = promote(x1, x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        return multiply(x1, x2)
    if r2 == 1:
        return _tensordot_cast(x1, x2, [[r1 - 1], [0]])
    return _tensordot_cast(x1, x2, [[r1 - 1], [r2 - 2]])


def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes``."""
    x1, x2 = promote(x1, x2)
    return _tensordot_cast(x1, x2, axes)


def inner(x1, x2):
    """Inner product over the last axes."""
    x1, x2 = promote(x1, x2)
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == 0 or r2 == 0:
        return multiply(x1, x2)
    return _tensordot_cast(x1, x2, [[r1 - 1], [r2 - 1]])


def outer(x1, x2):
    """Outer product of the flattened inputs."""
    x1, x2 = promote(x1, x2)
    return multiply(tf.reshape(x1, [-1, 1]), tf.reshape(x2, [1, -1]))


def vdot(x1, x2):
    """Dot product of the flattened inputs (conjugating ``x1``)."""
    x1, x2 = promote(x1, x2)
    a = tf.reshape(x1, [-1])
    if a.dtype.is_complex:
        a = tf.math.conj(a)
    return _tensordot_cast(a, tf.reshape(x2, [-1]), 1)


def kron(x1, x2):
    """Kronecker product."""
    x1, x2 = promote(x1, x2)
    if x1.dtype == tf.bool:
        work = tf.int32
        return tf.cast(kron(tf.cast(x1, work), tf.cast(x2, work)), tf.bool)
    r = builtins.max(x1.shape.rank, x2.shape.rank)
    a = tf.reshape(x1, [1] * (r - x1.shape.rank) + dynamic_dims(x1))
    b = tf.reshape(x2, [1] * (r - x2.shape.rank) + dynamic_dims(x2))
    a_shape, b_shape = dynamic_dims(a), dynamic_dims(b)
    a_exp = tf.reshape(a, [d for s in a_shape for d in (s, 1)])
    b_exp = tf.reshape(b, [d for s in b_shape for d in (1, s)])
    out = a_exp * b_exp
    return tf.reshape(out, [sa * sb for sa, sb in zip(a_shape, b_shape)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors."""
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = promote(x1, x2)
    a = moveaxis(x1, axisa, -1)
    b = moveaxis(x2, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(
            "cross: the vector axes must have dimension 2 or 3, received shapes "
            f"{tuple(x1.shape)} and {tuple(x2.shape)}."
        )
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    a2 = a[..., 2] if na == 3 else tf.zeros_like(a0)
    b2 = b[..., 2] if nb == 3 else tf.zeros_like(b0)
    if na == 2 and nb == 2:
        return a0 * b1 - a1 * b0
    c = tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return moveaxis(c, -1, axisc)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation."""
    dtype = result_dtype(*operands)
    ops = [convert(o, dtype) for o in operands]
    if dtype in ("int8", "int16", "uint8", "uint16", "uint32", "bool"):
        work = "int32" if dtype in ("int8", "int16", "bool") else dtype
        out = tf.einsum(subscripts, *[tf.cast(o, tf.int64) for o in ops])
        return tf.cast(out, tf_dtype(work if dtype != "uint8" else "uint8"))
    return tf.einsum(subscripts, *ops)


def diag(x, k=0):
    """Diagonal of a 2-D tensor, or a 2-D tensor with a 1-D diagonal."""
    x = convert(x)
    if x.shape.rank == 1:
        n = tf.shape(x)[0] + builtins.abs(k)
        return tf.linalg.diag(x, k=k, num_rows=n, num_cols=n)
    if x.shape.rank == 2:
        return tf.linalg.diag_part(x, k=k)
    raise ValueError(f"diag: input must be 1-D or 2-D, received shape {tuple(x.shape)}.")


def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on its ``k``-th diagonal."""
    return diag(tf.reshape(convert(x), [-1]), k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal over ``axis1`` / ``axis2`` (appended as the last axis)."""
    x = convert(x)
    offset = int(offset)
    x = moveaxis(x, [axis1, axis2], [-2, -1])
    rows, cols = x.shape[-2], x.shape[-1]
    if rows is not None and cols is not None and (offset >= cols or -offset >= rows):
        return tf.zeros(dynamic_dims(x)[:-2] + [0], x.dtype)
    return tf.linalg.diag_part(x, k=offset)


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal."""
    x = convert(x)
    d = diagonal(x, offset, axis1, axis2)
    return sum(d, -1)


def diff(a, n=1, axis=-1):
    """``n``-th discrete difference along ``axis``."""
    x = convert(a)
    ndim = x.shape.rank
    axis = axis % ndim
    for _ in range(n):
        upper = [slice(None)] * ndim
        lower = [slice(None)] * ndim
        upper[axis] = slice(1, None)
        lower[axis] = slice(None, -1)
        if x.dtype == tf.bool:
            x = tf.not_equal(x[tuple(upper)], x[tuple(lower)])
        else:
            x = x[tuple(upper)] - x[tuple(lower)]
    return x


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoid rule."""
    y = to_float(y)
    ndim = y.shape.rank
    axis = axis % ndim
    lo = [slice(None)] * ndim
    hi = [slice(None)] * ndim
    lo[axis] = slice(None, -1)
    hi[axis] = slice(1, None)
    if x is None:
        d = tf.cast(dx, y.dtype)
    else:
        xt = tf.cast(convert(x), y.dtype)
        if xt.shape.rank == 1:
            d = xt[1:] - xt[:-1]
            shape = [1] * ndim
            shape[axis] = -1
            d = tf.reshape(d, shape)
        else:
            d = xt[tuple(hi)] - xt[tuple(lo)]
    return tf.reduce_sum(d * (y[tuple(hi)] + y[tuple(lo)]) / 2.0, axis=axis)


def vander(x, N=None, increasing=False):  # noqa: N803 - Keras's name
    """Vandermonde matrix of the 1-D ``x``."""
    x = convert(x)
    if x.shape.rank != 1:
        raise ValueError(f"vander: `x` must be 1-D, received shape {tuple(x.shape)}.")
    n = x.shape[0] if N is None else N
    powers = tf.range(n)
    if not increasing:
        powers = tf.reverse(powers, [0])
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    return tf.pow(x[:, None], tf.cast(powers, x.dtype)[None, :])


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences (NumPy ``correlate``)."""
    dtype = result_dtype(x1, x2)
    if dtype == "int64":
        dtype = "float64"
    elif not (is_float_dtype(dtype) or is_complex_dtype(dtype)):
        dtype = config.floatx()
    a, v = convert(x1, dtype), convert(x2, dtype)
    if a.shape.rank != 1 or v.shape.rank != 1:
        raise ValueError(
            f"correlate: inputs must be 1-D, received shapes {tuple(a.shape)} and {tuple(v.shape)}."
        )
    mode = mode.lower()
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: `mode` must be 'valid', 'same' or 'full', received {mode!r}.")
    n, m = int(a.shape[0]), int(v.shape[0])
    work = a.dtype if a.dtype in (tf.float32, tf.float64) else tf.float32
    aw, vw = tf.cast(a, work), tf.cast(v, work)
    full_len = n + m - 1
    # full[k] = sum_i a[i + k - (m - 1)] * v[i]
    padded = tf.pad(aw, [[m - 1, m - 1]])
    idx = tf.range(full_len)[:, None] + tf.range(m)[None, :]
    full_out = tf.reduce_sum(tf.gather(padded, idx) * vw[None, :], axis=1)
    if mode == "full":
        out = full_out
    elif mode == "same":
        length = builtins.max(n, m)
        start = (full_len - length) // 2
        out = full_out[start : start + length]
    else:
        length = builtins.max(n, m) - builtins.min(n, m) + 1
        start = builtins.min(n, m) - 1
        out = full_out[start : start + length]
    return tf.cast(out, a.dtype)


def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    x = to_float(x)
    if x.shape.rank == 1:
        x = x[None, :]
    x = x - tf.reduce_mean(x, axis=1, keepdims=True)
    cov = tf.matmul(x, tf.math.conj(tf.transpose(x)))
    d = tf.sqrt(tf.math.real(tf.linalg.diag_part(cov)))
    d = tf.cast(d, cov.dtype)
    out = cov / d[:, None] / d[None, :]
    if out.dtype.is_floating:
        out = tf.clip_by_value(out, -1.0, 1.0)
    return out


# ---------------------------------------------------------------------------------------------
# sorting, searching, counting
# ---------------------------------------------------------------------------------------------


def sort(x, axis=-1):
    """Sorted copy along ``axis`` (flattened if None)."""
    x = convert(x)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    if x.dtype == tf.bool:
        return tf.cast(tf.sort(tf.cast(x, tf.int8), axis=axis), tf.bool)
    if x.dtype.is_floating:
        # NaN sorts last like NumPy.
        return tf.experimental.numpy.take_along_axis(x, _argsort_nan_last(x, axis), axis)
    return tf.sort(x, axis=axis)


def _argsort_nan_last(x, axis):
    nan = tf.math.is_nan(x)
    filled = tf.where(nan, tf.constant(np.inf, x.dtype), x)
    idx = tf.argsort(filled, axis=axis, stable=True)
    # Stable re-sort by "is NaN" so NaNs follow +inf values.
    nan_sorted = tf.experimental.numpy.take_along_axis(tf.cast(nan, tf.int8), idx, axis)
    order = tf.argsort(nan_sorted, axis=axis, stable=True)
    return tf.experimental.numpy.take_along_axis(idx, order, axis)


def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable; int32)."""
    x = convert(x)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int8)
    if x.shape.rank == 0:
        return tf.zeros([], tf.int32)
    if x.dtype.is_floating:
        return tf.cast(_argsort_nan_last(x, axis), tf.int32)
    return tf.argsort(x, axis=axis, stable=True)


def argpartition(x, kth, axis=-1):
    """Indices partitioning ``x`` around its ``kth`` element (a full argsort on TensorFlow)."""
    return argsort(x, axis)


def searchsorted(sorted_sequence, values, side="left"):
    """Indices where ``values`` would be inserted to keep the 1-D sequence sorted (int32)."""
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: `side` must be 'left' or 'right', received {side!r}.")
    seq, vals = promote(sorted_sequence, values)
    if seq.dtype == tf.bool:
        seq, vals = tf.cast(seq, tf.int8), tf.cast(vals, tf.int8)
    if seq.shape.rank != 1:
        raise ValueError(
            f"searchsorted: `sorted_sequence` must be 1-D, received shape {tuple(seq.shape)}."
        )
    shape = tf.shape(vals)
    flat = tf.reshape(vals, [1, -1])
    out = tf.searchsorted(seq[None, :], flat, side=side, out_type=tf.int32)
    return tf.reshape(out, shape)


def digitize(x, bins):
    """Index of the bin each element of ``x`` falls in (int32)."""
    x, bins = promote(x, bins)
    if x.dtype == tf.bool:
        x, bins = tf.cast(x, tf.int8), tf.cast(bins, tf.int8)
    shape = tf.shape(x)
    out = tf.searchsorted(bins[None, :], tf.reshape(x, [1, -1]), side="right", out_type=tf.int32)
    return tf.reshape(out, shape)


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts of each non-negative int value (batched for 2-D ``x``)."""
    if sparse:
        raise ValueError("bincount: sparse=True is not supported by the TensorFlow backend.")
    x = convert(x)
    if not x.dtype.is_integer:
        x = tf.cast(x, tf.int32)
    if weights is None:
        dtype = tf.int32
        w = None
    else:
        w = convert(weights)
        dtype = w.dtype
        if dtype == tf.bool:
            w = tf.cast(w, tf.int32)
            dtype = tf.int32
    axis = -1 if x.shape.rank == 2 else None
    work_w = w
    if w is not None and w.dtype not in (tf.int32, tf.int64, tf.float32, tf.float64):
        work_w = tf.cast(w, tf.float32 if w.dtype.is_floating else tf.int64)
    out = tf.math.bincount(
        tf.cast(x, tf.int32),
        weights=work_w,
        minlength=minlength,
        axis=axis,
        dtype=work_w.dtype if work_w is not None else tf.int32,
    )
    if minlength and in_symbolic_trace():
        # Keras' symbolic shape: the length is data-dependent, reported as `minlength`.
        out.set_shape(out.shape[:-1].concatenate([minlength]))
    return tf.cast(out, dtype)


def histogram(x, bins=10, range=None):  # noqa: A002 - Keras's name
    """Counts and bin edges of a 1-D histogram."""
    x = convert(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    flat = tf.reshape(x, [-1])
    work = tf.float64 if x.dtype in (tf.float64, tf.int64) else tf.float32
    xf = tf.cast(flat, work)
    if range is None:
        lo, hi = tf.reduce_min(xf), tf.reduce_max(xf)
    else:
        lo, hi = tf.cast(range[0], work), tf.cast(range[1], work)
    if not isinstance(bins, (int, np.integer)):
        raise ValueError(f"histogram: `bins` must be an int, received {bins!r}.")
    bins = int(bins)
    hi = tf.where(tf.equal(lo, hi), hi + 0.5, hi)
    lo = tf.where(tf.equal(lo, hi - 0.5), lo - 0.5, lo) if range is None else lo
    edges = tf.linspace(lo, hi, bins + 1)
    in_range = (xf >= lo) & (xf <= hi)
    idx = tf.searchsorted(edges[None, :], xf[None, :], side="right", out_type=tf.int32)[0] - 1
    idx = tf.clip_by_value(idx, 0, bins - 1)
    counts = tf.math.bincount(
        tf.boolean_mask(idx, in_range), minlength=bins, maxlength=bins, dtype=tf.int32
    )
    counts.set_shape([bins])
    edges.set_shape([bins + 1])
    return counts, tf.cast(edges, x.dtype if x.dtype.is_floating else _floatx())


def nonzero(x):
    """Indices of the non-zero elements, one int32 tensor per axis."""
    x = convert(x)
    idx = tf.cast(tf.where(tf.not_equal(x, tf.zeros([], x.dtype))), tf.int32)
    return tuple(idx[:, i] for i in range(x.shape.rank))


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` else ``x2``; with one argument, :func:`nonzero`."""
    condition = _as_bool(condition)
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: `x1` and `x2` must be both given or both None.")
    x1, x2 = promote(x1, x2)
    return tf.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    """Pick from ``choicelist`` where the matching ``condlist`` entry first holds."""
    if len(condlist) != len(choicelist):
        raise ValueError(
            "select: `condlist` and `choicelist` must have the same length, received "
            f"{len(condlist)} and {len(choicelist)}."
        )
    if not condlist:
        raise ValueError("select: `condlist` must not be empty.")
    choices = promote_many(*choicelist, default)
    result = choices[-1]
    for cond, choice in zip(reversed(condlist), reversed(choices[:-1])):
        result = tf.where(_as_bool(cond), choice, result)
    return result


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
    """Unique elements (or slices along ``axis``), with optional index/inverse/counts."""
    x = convert(x)
    is_bool = x.dtype == tf.bool
    if is_bool:
        x = tf.cast(x, tf.int8)
    if axis is None:
        flat = tf.reshape(x, [-1])
        values, inverse, counts = tf.unique_with_counts(flat, out_idx=tf.int32)
        n = tf.shape(flat)[0]
        if sorted:
            order = tf.argsort(values, stable=True)
            values = tf.gather(values, order)
            counts = tf.gather(counts, order)
            rank = tf.math.invert_permutation(order)
            inverse = tf.gather(rank, inverse)
        first = tf.math.unsorted_segment_min(tf.range(n), inverse, tf.shape(values)[0])
        inverse_shape = tf.shape(x)
    else:
        ndim = x.shape.rank
        axis = axis % ndim
        moved = moveaxis(x, axis, 0)
        rows = tf.reshape(moved, [tf.shape(moved)[0], -1])
        values_rows, inverse, counts = tf.raw_ops.UniqueWithCountsV2(
            x=rows, axis=tf.constant([0], tf.int64), out_idx=tf.int32
        )
        n = tf.shape(rows)[0]
        if sorted:
            k = tf.shape(values_rows)[0]
            order = tf.range(k)
            cols = rows.shape[1]
            if cols is None:
                raise ValueError("unique: with `axis`, the other dims must be static to sort.")
            for c in reversed(range(cols)):
                key = tf.gather(values_rows[:, c], order)
                order = tf.gather(order, tf.argsort(key, stable=True))
            values_rows = tf.gather(values_rows, order)
            counts = tf.gather(counts, order)
            inverse = tf.gather(tf.math.invert_permutation(order), inverse)
        first = tf.math.unsorted_segment_min(tf.range(n), inverse, tf.shape(values_rows)[0])
        new_shape = tf.concat([[-1], tf.shape(moved)[1:]], 0)
        values = moveaxis(tf.reshape(values_rows, new_shape), 0, axis)
        inverse_shape = None
    if size is not None and axis is None:
        pad_n = tf.maximum(size - tf.shape(values)[0], 0)
        fill = 0 if fill_value is None else fill_value
        values = tf.concat([values, tf.fill([pad_n], tf.cast(fill, values.dtype))], 0)[:size]
        counts = tf.concat([counts, tf.zeros([pad_n], counts.dtype)], 0)[:size]
        first = tf.concat([first, tf.zeros([pad_n], first.dtype)], 0)[:size]
        for t in (values, counts, first):
            t.set_shape([size])
    if is_bool:
        values = tf.cast(values, tf.bool)
    if inverse_shape is not None:
        inverse = tf.reshape(inverse, inverse_shape)
    if not (return_index or return_inverse or return_counts):
        return values
    out = [values]
    if return_index:
        out.append(first)
    if return_inverse:
        out.append(inverse)
    if return_counts:
        out.append(counts)
    return tuple(out)


def unravel_index(indices, shape):
    """Convert flat indices into a tuple of coordinate tensors."""
    idx = convert(indices)
    dtype = idx.dtype if idx.dtype.is_integer else tf.int32
    idx = tf.cast(idx, dtype)
    coords = []
    remaining = idx
    for dim in reversed(list(shape)):
        coords.append(tf.math.floormod(remaining, tf.cast(dim, dtype)))
        remaining = tf.math.floordiv(remaining, tf.cast(dim, dtype))
    return tuple(reversed(coords))


# ---------------------------------------------------------------------------------------------
# indexing
# ---------------------------------------------------------------------------------------------


def _fix_negative(indices, size):
    if indices.dtype not in (tf.int32, tf.int64):
        indices = tf.cast(indices, tf.int32)
    return tf.where(indices < 0, indices + tf.cast(size, indices.dtype), indices)


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (flattened if None)."""
    x = convert(x)
    indices = convert(indices)
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    if indices.dtype == tf.bool:
        return tf.boolean_mask(x, indices, axis=axis)
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int32)
    axis = axis % x.shape.rank
    size = tf.shape(x, out_type=indices.dtype if indices.dtype == tf.int64 else tf.int32)[axis]
    indices = _fix_negative(indices, size)
    return tf.gather(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    """Pick values along ``axis`` by ``indices`` of matching rank (flattened if None)."""
    x = convert(x)
    indices = convert(indices)
    if axis is None:
        x = tf.reshape(x, [-1])
        indices = tf.reshape(indices, [-1])
        axis = 0
    ndim = x.shape.rank
    axis = axis % ndim
    indices = _fix_negative(indices, tf.shape(x)[axis])
    # broadcast all dims except axis
    x_shape = tf.shape(x)
    i_shape = tf.shape(indices)
    bx = tf.tensor_scatter_nd_update(x_shape, [[axis]], [1])
    bi = tf.tensor_scatter_nd_update(i_shape, [[axis]], [1])
    common = tf.broadcast_dynamic_shape(bx, bi)
    x = tf.broadcast_to(x, tf.tensor_scatter_nd_update(common, [[axis]], [x_shape[axis]]))
    indices = tf.broadcast_to(
        indices, tf.tensor_scatter_nd_update(common, [[axis]], [i_shape[axis]])
    )
    x_m = moveaxis(x, axis, -1)
    i_m = moveaxis(indices, axis, -1)
    out = tf.gather(x_m, i_m, batch_dims=ndim - 1)
    return moveaxis(out, -1, axis)


def get_item(x, key):
    """``x[key]`` with NumPy semantics (slices, ints, None, Ellipsis, int/bool arrays)."""
    x = convert(x)
    if isinstance(key, KVariable):
        key = convert(key)
    if isinstance(key, (Tensor, np.ndarray, list)):
        key = convert(key)
        if key.dtype == tf.bool:
            return tf.boolean_mask(x, key)
        return take(x, key, 0)
    if isinstance(key, tuple) and builtins.any(
        isinstance(k, (Tensor, np.ndarray, list)) for k in key
    ):
        from tensorflow.python.ops.numpy_ops import np_array_ops

        key = tuple(convert(k) if isinstance(k, (np.ndarray, list)) else k for k in key)
        return tf.convert_to_tensor(np_array_ops._getitem(x, key))  # noqa: SLF001
    return x[key]


# ---------------------------------------------------------------------------------------------
# complex, misc
# ---------------------------------------------------------------------------------------------


def conj(x):
    """Complex conjugate (identity for real inputs)."""
    x = convert(x)
    if x.dtype.is_complex:
        return tf.math.conj(x)
    return x


conjugate = conj


def real(x):
    """Real part."""
    x = convert(x)
    return tf.math.real(x) if x.dtype.is_complex else x


def imag(x):
    """Imaginary part (zeros for real inputs)."""
    x = convert(x)
    return tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x)


def angle(x):
    """Complex argument (radians)."""
    x = convert(x)
    if x.dtype.is_complex:
        return tf.math.angle(x)
    x = to_float(x)
    return tf.atan2(tf.zeros_like(x), x)


def clip(x, x_min, x_max):
    """Clip to ``[x_min, x_max]`` keeping ``x``'s dtype (bool -> int32)."""
    x = convert(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    lo = tf.cast(convert(x_min), x.dtype)
    hi = tf.cast(convert(x_max), x.dtype)
    return tf.minimum(tf.maximum(x, lo), hi)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities with finite numbers."""
    x = convert(x)
    if x.dtype.is_complex:
        return tf.complex(
            nan_to_num(tf.math.real(x), nan, posinf, neginf),
            nan_to_num(tf.math.imag(x), nan, posinf, neginf),
        )
    if not x.dtype.is_floating:
        return x
    big = x.dtype.max
    posinf = big if posinf is None else posinf
    neginf = -big if neginf is None else neginf
    x = tf.where(tf.math.is_nan(x), tf.cast(nan, x.dtype), x)
    x = tf.where(tf.equal(x, np.inf), tf.cast(posinf, x.dtype), x)
    return tf.where(tf.equal(x, -np.inf), tf.cast(neginf, x.dtype), x)


def ndim(x):
    """The rank of ``x``."""
    return convert(x).shape.rank


def size(x):
    """Number of elements (int32 scalar tensor)."""
    return tf.size(convert(x), out_type=tf.int32)


def view(x, dtype=None):
    """Reinterpret the bits of ``x`` as ``dtype``."""
    x = convert(x)
    if dtype is None:
        return x
    target = tf_dtype(dtype)
    src = x.dtype
    if src == target:
        return x
    src_x = tf.cast(x, tf.uint8) if src == tf.bool else x
    src_size = src_x.dtype.size
    tgt = tf.uint8 if target == tf.bool else target
    if src_size == tgt.size:
        out = tf.bitcast(src_x, tgt)
    elif src_size > tgt.size:
        out = tf.bitcast(src_x, tgt)
        dims = dynamic_dims(src_x)
        ratio = src_size // tgt.size
        last = dims[-1] * ratio if dims else ratio
        out = tf.reshape(out, dims[:-1] + [last])
    else:
        ratio = tgt.size // src_size
        dims = dynamic_dims(src_x)
        last = dims[-1] // ratio
        out = tf.bitcast(tf.reshape(src_x, dims[:-1] + [last, ratio]), tgt)
    return tf.cast(out, tf.bool) if target == tf.bool else out


def vectorize(pyfunc, *, excluded=None, signature=None):
    """A function applying ``pyfunc`` elementwise (or over core dims of ``signature``)."""
    from kcore_backend_tf.ops_core import vectorize_impl

    return vectorize_impl(pyfunc, excluded=excluded, signature=signature)
