"""The table of ``kcore.ops`` conformance cases, in NumPy only.

Each :class:`Case` names an op, how to build its inputs (NumPy arrays drawn from a generator seeded
by the case id, plus plain Python arguments), the keyword arguments, a NumPy reference and the
dtype Keras 3 gives the result. :mod:`kcore.testing.ops_suite` turns the table into pytest tests;
the table itself imports no framework so tools (and a Keras subprocess) can load it.

Conventions:

- ``ref`` defaults to ``getattr(numpy, op)`` called with the same arguments; float inputs are
  upcast to float64 first (``upcast=True``) so the reference is exact and tolerances depend only
  on the dtype of the result.
- ``dtype`` is the expected result dtype: a dtype name, ``"same"`` (Keras promotion of the tensor
  inputs, :func:`kcore.backend.dtypes.result_type`), ``"float"`` (same, but integer / bool results
  become ``floatx()``), ``None`` (not checked), a tuple of those for several outputs, or a callable
  ``fn(input_dtypes) -> dtype``.
- ``none_dim``: whether the symbolic check with the leading dim set to ``None`` applies (the
  leading dim of every input of maximal rank becomes ``None``, and so must the leading dim of
  every output).
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from kcore.backend.dtypes import result_type

__all__ = [
    "CASES",
    "CASES_BY_ID",
    "Case",
    "GRAD_CASES",
    "PROMOTION_CASES",
    "T",
    "TOLERANCES",
    "build_args",
    "expected_dtypes",
    "flatten",
    "reference",
]

#: (rtol, atol) per result dtype.
TOLERANCES = {
    "float16": (1e-2, 1e-2),
    "bfloat16": (5e-2, 5e-2),
    "float32": (1e-4, 1e-5),
    "float64": (1e-6, 1e-8),
    "complex64": (1e-4, 1e-5),
    "complex128": (1e-6, 1e-8),
}


@dataclasses.dataclass(frozen=True)
class T:
    """A tensor input built from the case's seeded generator.

    Attributes:
        shape: the shape.
        dtype: a NumPy dtype name.
        low: lower bound of values (inclusive).
        high: upper bound of values (exclusive for integers).
        kind: ``"uniform"``, ``"int"``, ``"bool"``, ``"normal"``, ``"probs"`` (rows summing to 1
            along the last axis), ``"onehot"`` (along the last axis), ``"spd"`` (symmetric
            positive definite in the last two axes), ``"distinct"`` (no ties), ``"sorted"``
            (ascending along the last axis), ``"special"`` (includes nan / +-inf / 0),
            ``"value"`` (``value`` as given).
        value: the explicit value for ``kind="value"``.
    """

    shape: tuple = ()
    dtype: str = "float32"
    low: float = -2.0
    high: float = 2.0
    kind: str = "uniform"
    value: Any = None

    def build(self, rng: np.random.Generator) -> np.ndarray:
        """The NumPy array for this input."""
        shape, dtype = tuple(self.shape), np.dtype(self.dtype)
        kind = self.kind
        if kind == "value":
            return np.asarray(self.value, dtype=dtype)
        if kind == "int":
            return rng.integers(int(self.low), int(self.high), size=shape).astype(dtype)
        if kind == "bool":
            return rng.random(shape) < 0.5
        if kind == "normal":
            return rng.standard_normal(shape).astype(dtype)
        if kind == "probs":
            z = np.exp(rng.standard_normal(shape))
            return (z / z.sum(-1, keepdims=True)).astype(dtype)
        if kind == "onehot":
            idx = rng.integers(0, shape[-1], size=shape[:-1])
            return np.eye(shape[-1])[idx].astype(dtype)
        if kind == "spd":
            n = shape[-1]
            a = rng.standard_normal(shape)
            return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)
        if kind == "distinct":
            n = int(np.prod(shape)) if shape else 1
            vals = (rng.permutation(n) - n / 2) * ((self.high - self.low) / max(n, 1))
            return vals.reshape(shape).astype(dtype)
        if kind == "sorted":
            return np.sort(rng.uniform(self.low, self.high, size=shape), axis=-1).astype(dtype)
        if kind == "special":
            x = rng.uniform(self.low, self.high, size=shape).astype(dtype).ravel()
            specials = [np.nan, np.inf, -np.inf, 0.0]
            x[: len(specials)] = specials[: x.size]
            return x.reshape(shape)
        if kind == "uniform":
            if dtype.kind in "iu":
                return rng.integers(int(self.low), int(self.high), size=shape).astype(dtype)
            if dtype.kind == "b":
                return rng.random(shape) < 0.5
            return rng.uniform(self.low, self.high, size=shape).astype(dtype)
        raise ValueError(f"unknown input kind {kind!r}")


_DEFAULT = object()


@dataclasses.dataclass
class Case:
    """One conformance case: ``kcore.ops.<op>(*args, **kwargs)`` against a reference.

    Attributes:
        op: the ``kcore.ops`` name.
        args: positional arguments; :class:`T` entries (also inside lists / tuples / dicts)
            become arrays / tensors, everything else is passed as is.
        kwargs: keyword arguments, passed as is.
        tag: a readable suffix of the test id.
        ref: ``ref(*args, **kwargs)`` on NumPy inputs, or ``None`` for no value reference.
        ref_kwargs: keyword arguments for ``ref`` when they differ from ``kwargs``.
        dtype: the expected result dtype (see the module docstring).
        tol: ``(rtol, atol)`` overriding :data:`TOLERANCES`.
        symbolic: whether the symbolic-shape check applies.
        none_dim: whether the ``None`` leading-dim symbolic check applies.
        grad: whether the gradient check applies.
        grad_argnums: positions of the differentiated args (default: every float tensor arg).
        check: ``check(outputs, args)`` replacing the comparison with ``ref`` (outputs are NumPy
            arrays in the structure the op returned).
        needs: ``Capabilities`` flags the case requires (e.g. ``("complex",)``).
        upcast: whether float inputs are upcast to float64 for the reference.
        keras: whether the case may be sent to the Keras cross-check.
        none_args: positions (among the flattened tensor inputs) whose leading dim becomes
            ``None`` in the ``none_dim`` check; default: every tensor input whose leading dim
            equals the first one's.
        tier: ``"core"`` (run by default) or ``"full"`` (run with ``KCORE_OPS_SUITE=full``);
            assigned automatically unless given.
    """

    op: str
    args: tuple = ()
    kwargs: dict = dataclasses.field(default_factory=dict)
    tag: str = ""
    ref: Any = _DEFAULT
    ref_kwargs: dict | None = None
    dtype: Any = "same"
    tol: tuple | None = None
    symbolic: bool = True
    none_dim: bool = True
    grad: bool = False
    grad_argnums: tuple | None = None
    check: Callable | None = None
    needs: tuple = ()
    upcast: bool = True
    keras: bool = True
    none_args: tuple | None = None
    tier: str = ""
    id: str = ""

    def input_specs(self) -> list[T]:
        """Every :class:`T` in ``args``, in order."""
        return [leaf for leaf in flatten(self.args) if isinstance(leaf, T)]


def flatten(value) -> list:
    """The leaves of nested lists / tuples / dicts, in order."""
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(flatten(v))
        return out
    if isinstance(value, dict):
        out = []
        for k in sorted(value):
            out.extend(flatten(value[k]))
        return out
    return [value]


def _map_structure(fn, value):
    if isinstance(value, list):
        return [_map_structure(fn, v) for v in value]
    if isinstance(value, tuple):
        return tuple(_map_structure(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: _map_structure(fn, v) for k, v in value.items()}
    return fn(value)


def _seed(case_id: str) -> int:
    return zlib.crc32(case_id.encode())


def build_args(case: Case) -> tuple:
    """``case.args`` with every :class:`T` replaced by its NumPy array (deterministic)."""
    rng = np.random.default_rng(_seed(case.id))
    return _map_structure(lambda v: v.build(rng) if isinstance(v, T) else v, case.args)


def _upcast(value):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64)
    if isinstance(value, np.ndarray) and value.dtype.kind == "c":
        return value.astype(np.complex128)
    return value


def reference(case: Case, args: tuple):
    """The reference outputs for ``args`` (from :func:`build_args`), or ``None``."""
    fn = case.ref
    if fn is None:
        return None
    if fn is _DEFAULT:
        fn = getattr(np, case.op)
    if case.upcast:
        args = _map_structure(_upcast, args)
    kwargs = case.kwargs if case.ref_kwargs is None else case.ref_kwargs
    with np.errstate(all="ignore"):
        return fn(*args, **kwargs)


def _to_float(dtype: str, floatx: str) -> str:
    return dtype if dtype.startswith(("float", "bfloat", "complex")) else floatx


def expected_dtypes(case: Case, floatx: str = "float32") -> list:
    """The expected dtype of every flattened output (``None`` entries are not checked).

    The list has one entry when ``case.dtype`` is not a tuple; the suite then applies it to every
    output.
    """
    input_dtypes = [spec.dtype for spec in case.input_specs()]

    def resolve(rule):
        if rule is None:
            return None
        if callable(rule):
            return rule(input_dtypes)
        if rule == "same":
            return result_type(*input_dtypes) if input_dtypes else floatx
        if rule == "float":
            return _to_float(result_type(*input_dtypes) if input_dtypes else floatx, floatx)
        if rule == "first":
            return input_dtypes[0]
        return rule

    if isinstance(case.dtype, tuple):
        return [resolve(r) for r in case.dtype]
    return [resolve(case.dtype)]


# =================================================================================================
# Helpers for writing cases
# =================================================================================================
CASES: list[Case] = []


def C(op: str, *args, kw: dict | None = None, **opts) -> Case:
    """Append and return a case."""
    case = Case(op, args, dict(kw or {}), **opts)
    CASES.append(case)
    return case


def F(*shape, dt="float32", lo=-2.0, hi=2.0, kind="uniform") -> T:
    """A float tensor input."""
    return T(shape, dt, lo, hi, kind)


def I(*shape, dt="int32", lo=0, hi=5) -> T:  # noqa: E743 - short on purpose
    """An integer tensor input."""
    return T(shape, dt, lo, hi, "int")


def B(*shape) -> T:
    """A bool tensor input."""
    return T(shape, "bool", kind="bool")


def V(value, dt="float32") -> T:
    """A tensor input with an explicit value."""
    return T(np.shape(value), dt, kind="value", value=value)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _erfinv(y):
    # Newton iterations on erf from a rational first guess; float64-accurate for |y| < 1.
    y = np.asarray(y, np.float64)
    a = 0.147
    ln = np.log(1 - y * y)
    t = 2 / (np.pi * a) + ln / 2
    x = np.sign(y) * np.sqrt(np.sqrt(t * t - ln / a) - t)
    for _ in range(4):
        x = x - (_erf(x) - y) / (2 / np.sqrt(np.pi) * np.exp(-x * x))
    return x


def _i0(x):
    return np.i0(x)


def _softmax(x, axis=-1):
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _sparsemax(x, axis=-1):
    x = np.moveaxis(x, axis, -1)
    z = -np.sort(-x, axis=-1)
    k = np.arange(1, x.shape[-1] + 1)
    cum = np.cumsum(z, axis=-1)
    support = 1 + k * z > cum
    k_z = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(cum, k_z - 1, -1) - 1) / k_z
    return np.moveaxis(np.maximum(x - tau, 0), -1, axis)


# =================================================================================================
# Elementwise unary ops
# =================================================================================================
# name -> (low, high, reference, int rule, differentiable)
_UNARY = {
    "abs": (-2, 2, np.abs, "same", True),
    "absolute": (-2, 2, np.abs, "same", False),
    "negative": (-2, 2, np.negative, "same", True),
    "square": (-2, 2, np.square, "same", True),
    "sign": (-2, 2, np.sign, "same", False),
    "fabs": (-2, 2, np.fabs, "float", False),
    "sqrt": (0.1, 4, np.sqrt, "float", True),
    "rsqrt": (0.1, 4, lambda x: 1 / np.sqrt(x), "float", True),
    "cbrt": (-3, 3, np.cbrt, "float", False),
    "exp": (-3, 3, np.exp, "float", True),
    "exp2": (-3, 3, np.exp2, "float", False),
    "expm1": (-2, 2, np.expm1, "float", True),
    "log": (0.1, 4, np.log, "float", True),
    "log1p": (-0.5, 3, np.log1p, "float", True),
    "log2": (0.1, 4, np.log2, "float", False),
    "log10": (0.1, 4, np.log10, "float", False),
    "reciprocal": (0.5, 3, lambda x: 1.0 / np.asarray(x, np.float64), "float", True),
    "sin": (-3, 3, np.sin, "float", True),
    "cos": (-3, 3, np.cos, "float", True),
    "tan": (-1.2, 1.2, np.tan, "float", False),
    "arcsin": (-0.9, 0.9, np.arcsin, "float", False),
    "arccos": (-0.9, 0.9, np.arccos, "float", False),
    "arctan": (-3, 3, np.arctan, "float", False),
    "sinh": (-2, 2, np.sinh, "float", False),
    "cosh": (-2, 2, np.cosh, "float", False),
    "tanh": (-3, 3, np.tanh, "float", True),
    "arcsinh": (-3, 3, np.arcsinh, "float", False),
    "arccosh": (1.1, 4, np.arccosh, "float", False),
    "arctanh": (-0.9, 0.9, np.arctanh, "float", False),
    "deg2rad": (-180, 180, np.deg2rad, "float", False),
    "rad2deg": (-3, 3, np.rad2deg, "float", False),
    "sinc": (-3, 3, np.sinc, "float", False),
    "i0": (-2, 2, np.i0, "float", False),
    "erf": (-2, 2, _erf, "float", True),
    "erfc": (-2, 2, _erfc, "float", False),
    "erfinv": (-0.9, 0.9, _erfinv, "float", False),
    "ceil": (-3, 3, np.ceil, "float", False),
    "floor": (-3, 3, np.floor, "float", False),
    "trunc": (-3, 3, np.trunc, "same", False),
    "round": (-3, 3, np.round, "same", False),
    "copy": (-2, 2, np.copy, "same", False),
    "conj": (-2, 2, np.conj, "same", False),
    "conjugate": (-2, 2, np.conj, "same", False),
    "real": (-2, 2, np.real, "same", False),
    "imag": (-2, 2, np.imag, "same", False),
    "ravel": (-2, 2, np.ravel, "same", False),
}
for _name, (_lo, _hi, _ref, _int_rule, _grad) in _UNARY.items():
    _ints = _lo < 0 or _name in ("sqrt", "log", "exp", "rsqrt", "reciprocal")
    C(_name, F(3, 4, lo=_lo, hi=_hi), ref=_ref, dtype="same", grad=False)
    C(_name, F(2, 3, dt="float16", lo=_lo, hi=_hi), ref=_ref, dtype="same")
    C(_name, F(2, 3, dt="float64", lo=_lo, hi=_hi), ref=_ref, dtype="same", grad=_grad)
    if _name not in ("erfinv", "arcsin", "arccos", "arctanh", "i0", "real", "imag", "ravel"):
        _ilo = max(int(_lo), 1) if _name in ("log", "log2", "log10", "sqrt", "rsqrt") else -2
        _ilo = 1 if _name in ("reciprocal", "arccosh") else _ilo
        C(
            _name,
            I(2, 3, lo=_ilo, hi=4),
            ref=_ref,
            dtype="float" if _int_rule == "float" else "same",
            tag="int",
            # Keras' NumPy backend keeps ints here; kcore returns floatx like its other backends.
            keras=_name not in ("rsqrt", "reciprocal", "erf"),
        )

C("sign", I(2, 3, dt="int8", lo=-3, hi=3), ref=np.sign, tag="int8")
C("abs", I(2, 3, dt="int64", lo=-3, hi=3), ref=np.abs, tag="int64")
C("ceil", I(2, 3, dt="int64", lo=-3, hi=3), ref=np.ceil, dtype="float32", tag="int64")
C("floor", I(2, 3, dt="int64", lo=-3, hi=3), ref=np.floor, dtype="float32", tag="int64")
C("round", F(3, 4, lo=-30, hi=30), kw={"decimals": -1}, ref=np.round, tag="decimals")
C("round", F(3, 4, dt="float64"), kw={"decimals": 2}, ref=np.round, tag="decimals2")
C(
    "square",
    B(
        3,
    ),
    ref=lambda x: np.square(x.astype(np.int32)),
    dtype="int32",
    tag="bool",
)
C("logical_not", B(3, 4), ref=np.logical_not, dtype="bool")
C("logical_not", F(3, 4, lo=-1, hi=2, kind="int"), ref=np.logical_not, dtype="bool", tag="float")
for _name in ("bitwise_not", "bitwise_invert"):
    C(_name, I(3, 4, lo=-8, hi=8), ref=np.bitwise_not)
    C(_name, I(3, 4, dt="uint8", lo=0, hi=255), ref=np.bitwise_not)
    C(_name, B(5), ref=np.bitwise_not, tag="bool")
for _name in ("isfinite", "isinf", "isnan", "isneginf", "isposinf", "signbit"):
    C(_name, F(3, 4, kind="special"), ref=getattr(np, _name), dtype="bool")
    C(_name, F(8, dt="float16", kind="special"), ref=getattr(np, _name), dtype="bool")
C("isfinite", I(3, lo=-2, hi=2), ref=np.isfinite, dtype="bool", tag="int")
C("isreal", F(3, 4), ref=np.isreal, dtype="bool")
C("nan_to_num", F(3, 4, kind="special"), ref=np.nan_to_num, upcast=False)
C(
    "nan_to_num",
    F(3, 4, kind="special"),
    kw={"nan": 1.0, "posinf": 9.0, "neginf": -9.0},
    ref=np.nan_to_num,
    tag="values",
)

# -- activations (nn) -----------------------------------------------------------------------------
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805
_ACTIVATIONS = {
    "relu": (lambda x: np.maximum(x, 0), {}, True),
    "relu6": (lambda x: np.clip(x, 0, 6), {}, False),
    "sigmoid": (_sigmoid, {}, True),
    "softplus": (lambda x: np.logaddexp(0, x), {}, True),
    "softsign": (lambda x: x / (1 + np.abs(x)), {}, True),
    "silu": (lambda x: x * _sigmoid(x), {}, True),
    "swish": (lambda x: x * _sigmoid(x), {}, False),
    "log_sigmoid": (lambda x: -np.logaddexp(0, -x), {}, True),
    "leaky_relu": (lambda x, negative_slope=0.2: np.where(x >= 0, x, negative_slope * x), {}, True),
    "hard_sigmoid": (lambda x: np.clip(x / 6 + 0.5, 0, 1), {}, False),
    "hard_silu": (lambda x: x * np.clip(x / 6 + 0.5, 0, 1), {}, False),
    "hard_swish": (lambda x: x * np.clip(x / 6 + 0.5, 0, 1), {}, False),
    "elu": (lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x)), {}, True),
    "selu": (lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x)), {}, True),
    "celu": (
        lambda x, alpha=1.0: np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha)),
        {},
        False,
    ),
    "hard_tanh": (lambda x: np.clip(x, -1, 1), {}, False),
    "tanh_shrink": (lambda x: x - np.tanh(x), {}, True),
    "hard_shrink": (lambda x, threshold=0.5: np.where(np.abs(x) > threshold, x, 0), {}, False),
    "soft_shrink": (
        lambda x, threshold=0.5: np.where(
            x > threshold, x - threshold, np.where(x < -threshold, x + threshold, 0)
        ),
        {},
        False,
    ),
    "sparse_plus": (
        lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
        {},
        False,
    ),
    "sparse_sigmoid": (
        lambda x: np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2)),
        {},
        False,
    ),
    "squareplus": (lambda x, b=4: (x + np.sqrt(x * x + b)) / 2, {}, True),
}
for _name, (_ref, _kw, _grad) in _ACTIVATIONS.items():
    C(_name, F(3, 4, lo=-4, hi=4), ref=_ref, kw=_kw)
    C(_name, F(2, 5, dt="float16", lo=-4, hi=4), ref=_ref, kw=_kw)
    C(_name, F(2, 3, dt="float64", lo=-4, hi=4), ref=_ref, kw=_kw, grad=_grad)
C("leaky_relu", F(3, 4), kw={"negative_slope": 0.1}, ref=_ACTIVATIONS["leaky_relu"][0], tag="slope")
C("elu", F(3, 4), kw={"alpha": 0.5}, ref=_ACTIVATIONS["elu"][0], tag="alpha")
C("celu", F(3, 4), kw={"alpha": 2.0}, ref=_ACTIVATIONS["celu"][0], tag="alpha")
C("squareplus", F(3, 4), kw={"b": 1.0}, ref=_ACTIVATIONS["squareplus"][0], tag="b")
C("hard_shrink", F(3, 4), kw={"threshold": 1.0}, ref=_ACTIVATIONS["hard_shrink"][0], tag="thr")
C("soft_shrink", F(3, 4), kw={"threshold": 1.0}, ref=_ACTIVATIONS["soft_shrink"][0], tag="thr")
C(
    "threshold",
    F(3, 4),
    0.5,
    -1.0,
    ref=lambda x, t, v: np.where(x > t, x, v),
)


def _gelu(x, approximate=True):
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + _erf(x / np.sqrt(2)))


for _approx in (True, False):
    _t = "approx" if _approx else "exact"
    C("gelu", F(3, 4, lo=-4, hi=4), kw={"approximate": _approx}, ref=_gelu, tag=_t)
    C("gelu", F(2, 5, dt="float16"), kw={"approximate": _approx}, ref=_gelu, tag=_t)
    C("gelu", F(2, 3, dt="float64"), kw={"approximate": _approx}, ref=_gelu, tag=_t, grad=True)

C("softmax", F(3, 5, lo=-5, hi=5), ref=_softmax, grad=False)
C("softmax", F(2, 3, 4), kw={"axis": 1}, ref=_softmax, tag="axis1")
C("softmax", F(2, 6, dt="float16"), ref=_softmax)
C("softmax", F(2, 4, dt="float64"), ref=_softmax, grad=True, tol=(1e-5, 1e-6))
C("log_softmax", F(3, 5, lo=-5, hi=5), ref=_log_softmax)
C("log_softmax", F(2, 3, 4), kw={"axis": 0}, ref=_log_softmax, tag="axis0", none_dim=True)
C("log_softmax", F(2, 6, dt="float16"), ref=_log_softmax)
C("log_softmax", F(2, 4, dt="float64"), ref=_log_softmax, grad=True)
# Keras 3.15's NumPy-backend sparsemax does not sum to 1: no cross-check.
C("sparsemax", F(3, 5), ref=_sparsemax, keras=False)
C("sparsemax", F(2, 4, 3, dt="float64"), kw={"axis": 1}, ref=_sparsemax, tag="axis1", keras=False)
C(
    "glu",
    F(3, 6),
    ref=lambda x, axis=-1: np.split(x, 2, axis)[0] * _sigmoid(np.split(x, 2, axis)[1]),
)
C(
    "glu",
    F(4, 2, 3, dt="float64"),
    kw={"axis": 1},
    ref=lambda x, axis=-1: np.split(x, 2, axis)[0] * _sigmoid(np.split(x, 2, axis)[1]),
    tag="axis1",
    grad=True,
)

# =================================================================================================
# Elementwise binary ops
# =================================================================================================
_ARITH = {
    "add": (np.add, True),
    "subtract": (np.subtract, True),
    "multiply": (np.multiply, True),
    "maximum": (np.maximum, True),
    "minimum": (np.minimum, True),
}
for _name, (_ref, _grad) in _ARITH.items():
    C(_name, F(3, 4), F(4), ref=_ref, tag="broadcast")
    C(_name, F(2, 1, 3), F(4, 1), ref=_ref, tag="broadcast2")
    C(_name, F(2, 3, dt="float16"), F(2, 3, dt="float16"), ref=_ref)
    C(_name, F(2, 3, dt="float64"), F(3, dt="float64"), ref=_ref, grad=_grad, tag="broadcast")
    C(_name, I(2, 3, lo=-5, hi=5), I(3, lo=-5, hi=5), ref=_ref, tag="int")
    C(_name, I(2, 3, dt="int32"), F(2, 3, dt="float16"), ref=_ref, tag="int32-float16")
    C(_name, I(2, 3, dt="int8"), I(2, 3, dt="uint8"), ref=_ref, tag="int8-uint8")
    C(_name, F(2, 3, dt="float16"), 1.5, ref=_ref, dtype="float16", tag="pyfloat")
    C(_name, I(2, 3), 2, ref=_ref, dtype="int32", tag="pyint")
    C(_name, I(2, 3, dt="int32"), 1.5, ref=_ref, dtype="float32", tag="int-pyfloat")
C("add", B(2, 3), B(2, 3), ref=np.logical_or, dtype="bool", tag="bool")
C("multiply", B(2, 3), I(2, 3), ref=np.multiply, tag="bool-int")
C("add", I(2, 3, dt="uint8", lo=0, hi=100), 3, ref=np.add, dtype="uint8", tag="uint8-pyint")
C("add", F(2, 3), F(2, 3, dt="float64"), ref=np.add, tag="float32-float64")
C("add", I(2, 3, dt="int64"), F(2, 3, dt="float16"), ref=np.add, tag="int64-float16")
C("add", I(2, 3, dt="uint32"), I(2, 3, dt="int32"), ref=np.add, tag="uint32-int32")
C("add", I(2, 3, dt="int16"), I(2, 3, dt="uint16"), ref=np.add, tag="int16-uint16")
C("add", F(2, 3), V(2.0), ref=np.add, tag="scalar-tensor")

for _name in ("divide", "true_divide"):
    C(_name, F(3, 4), F(4, lo=0.5, hi=2), ref=np.divide, tag="broadcast")
    C(_name, F(2, 3, dt="float16"), F(2, 3, dt="float16", lo=0.5, hi=2), ref=np.divide)
    C(
        _name,
        F(2, 3, dt="float64"),
        F(2, 3, dt="float64", lo=0.5, hi=2),
        ref=np.divide,
        grad=_name == "divide",
    )
    C(_name, I(2, 3), I(2, 3, lo=1, hi=4), ref=np.divide, dtype="float32", tag="int")
    C(
        _name,
        I(2, 3, dt="int64"),
        I(3, dt="int64", lo=1, hi=4),
        ref=np.divide,
        dtype="float32",
        tag="int64",
    )
    C(_name, F(2, 3, dt="float16"), 2, ref=np.divide, dtype="float16", tag="pyint")
C(
    "divide_no_nan",
    F(3, 4),
    V([1.0, 0.0, 2.0, 0.0]),
    ref=lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)),
)
C("power", F(3, 4, lo=0.5, hi=2), F(4, lo=-2, hi=2), ref=np.power, tag="broadcast")
C("power", F(2, 3, dt="float64", lo=0.5, hi=2), F(2, 3, dt="float64"), ref=np.power, grad=True)
C("power", I(2, 3, lo=0, hi=4), I(2, 3, lo=0, hi=3), ref=np.power, tag="int")
C("power", F(2, 3, dt="float16", lo=0.5, hi=2), 2, ref=np.power, dtype="float16", tag="pyint")
C("power", I(2, 3, lo=1, hi=4), 0.5, ref=np.power, dtype="float32", tag="int-pyfloat")
C("floor_divide", F(3, 4, lo=-5, hi=5), F(4, lo=0.5, hi=2), ref=np.floor_divide)
C("floor_divide", I(3, 4, lo=-7, hi=7), I(4, lo=1, hi=4), ref=np.floor_divide, tag="int")
C("mod", F(3, 4, lo=-5, hi=5), F(4, lo=0.5, hi=2), ref=np.mod)
C("mod", I(3, 4, lo=-7, hi=7), I(4, lo=1, hi=4), ref=np.mod, tag="int")
C("fmod", F(3, 4, lo=-5, hi=5), F(4, lo=0.5, hi=2), ref=np.fmod)
C("fmod", I(3, 4, lo=-7, hi=7), I(4, lo=1, hi=4), ref=np.fmod, tag="int")
C("arctan2", F(3, 4), F(4), ref=np.arctan2)
C("arctan2", F(2, 3, dt="float64"), F(2, 3, dt="float64", lo=0.5, hi=2), ref=np.arctan2, grad=True)
C("arctan2", I(2, 3, lo=-3, hi=3), I(2, 3, lo=1, hi=3), ref=np.arctan2, dtype="float32", tag="int")
C("hypot", F(3, 4), F(4), ref=np.hypot)
C("hypot", I(2, 3), I(2, 3), ref=np.hypot, dtype="float32", tag="int")
C("logaddexp", F(3, 4), F(4), ref=np.logaddexp)
C("logaddexp", F(2, 3, dt="float64"), F(2, 3, dt="float64"), ref=np.logaddexp, grad=True)
C("logaddexp2", F(3, 4), F(4), ref=np.logaddexp2)
C("fmax", F(3, 4, kind="special"), F(3, 4), ref=np.fmax)
C("fmin", F(3, 4, kind="special"), F(3, 4), ref=np.fmin)
C("heaviside", F(3, 4, lo=-2, hi=2), V([0.5, 0.5, 1.0, 0.0]), ref=np.heaviside)
C("heaviside", V([-1.0, 0.0, 2.0]), V(0.5), ref=np.heaviside, tag="zero")
C("nextafter", F(3, 4), F(3, 4), ref=np.nextafter, upcast=False, tol=(0, 0))
C("ldexp", F(3, 4), I(3, 4, lo=-3, hi=4), ref=np.ldexp, dtype="float32")
C("gcd", I(3, 4, lo=1, hi=30), I(3, 4, lo=1, hi=30), ref=np.gcd)
C("lcm", I(3, 4, lo=1, hi=12), I(3, 4, lo=1, hi=12), ref=np.lcm)
for _name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    C(
        _name,
        F(3, 4, lo=-2, hi=2, kind="int"),
        F(4, lo=-2, hi=2, kind="int"),
        ref=getattr(np, _name),
        dtype="bool",
        tag="broadcast",
    )
    C(
        _name,
        I(2, 3, lo=-2, hi=2),
        I(2, 3, lo=-2, hi=2),
        ref=getattr(np, _name),
        dtype="bool",
        tag="int",
    )
    C(
        _name,
        F(2, 3, dt="float16", kind="int"),
        0,
        ref=getattr(np, _name),
        dtype="bool",
        tag="pyint",
    )
for _name in ("logical_and", "logical_or", "logical_xor"):
    C(_name, B(3, 4), B(4), ref=getattr(np, _name), dtype="bool", tag="broadcast")
    C(
        _name,
        F(2, 3, lo=-1, hi=2, kind="int"),
        I(2, 3, lo=0, hi=2),
        ref=getattr(np, _name),
        dtype="bool",
        tag="mixed",
    )
for _name, _ref in (
    ("bitwise_and", np.bitwise_and),
    ("bitwise_or", np.bitwise_or),
    ("bitwise_xor", np.bitwise_xor),
):
    C(_name, I(3, 4, lo=0, hi=64), I(4, lo=0, hi=64), ref=_ref, tag="broadcast")
    C(_name, I(3, 4, dt="uint8", lo=0, hi=255), I(3, 4, dt="uint8", lo=0, hi=255), ref=_ref)
    C(_name, B(3, 4), B(3, 4), ref=_ref, tag="bool")
for _name, _ref in (
    ("bitwise_left_shift", np.left_shift),
    ("left_shift", np.left_shift),
    ("bitwise_right_shift", np.right_shift),
    ("right_shift", np.right_shift),
):
    C(_name, I(3, 4, lo=0, hi=64), I(3, 4, lo=0, hi=4), ref=_ref)

C("isclose", F(3, 4), V([0.0, 1.0, 1.5, -1.0]), ref=np.isclose, dtype="bool", upcast=False)
C(
    "isclose",
    V([1.0, 1.01, np.nan, 2.0]),
    V([1.0, 1.0, np.nan, 2.5]),
    kw={"rtol": 0.02, "atol": 0.0, "equal_nan": True},
    ref=np.isclose,
    dtype="bool",
    tag="tol",
    none_dim=False,
)
C(
    "allclose",
    V([1.0, 1.01, 2.0]),
    V([1.0, 1.0, 2.0]),
    kw={"rtol": 0.02},
    ref=lambda a, b, rtol: np.asarray(np.allclose(a, b, rtol=rtol)),
    dtype="bool",
    none_dim=False,
)
C(
    "allclose",
    V([1.0, 1.1, 2.0]),
    V([1.0, 1.0, 2.0]),
    ref=lambda a, b: np.asarray(np.allclose(a, b)),
    dtype="bool",
    none_dim=False,
    tag="false",
)

# -- clip / where / select ------------------------------------------------------------------------
C("clip", F(3, 4), -1.0, 1.0, ref=np.clip, dtype="float32")
C("clip", F(3, 4, dt="float16"), -0.5, 0.5, ref=np.clip, dtype="float16")
C("clip", I(3, 4, lo=-5, hi=5), -2, 2, ref=np.clip, dtype="int32", tag="int")
C(
    "clip",
    F(2, 3, dt="float64"),
    -1.0,
    1.0,
    ref=np.clip,
    dtype="float64",
    grad=True,
    grad_argnums=(0,),
)
C(
    "clip",
    B(3, 4),
    0,
    1,
    ref=lambda x, a, b: np.clip(x.astype(np.int32), a, b),
    dtype="int32",
    tag="bool",
)
C("where", B(3, 4), F(3, 4), F(4), ref=np.where, tag="broadcast")
C(
    "where",
    B(3, 4),
    I(3, 4),
    F(3, 4, dt="float16"),
    ref=np.where,
    tag="int-float16",
    dtype=lambda d: result_type(d[1], d[2]),
)
C(
    "where",
    B(2, 3),
    F(2, 3, dt="float64"),
    F(2, 3, dt="float64"),
    ref=np.where,
    grad=True,
    grad_argnums=(1, 2),
    dtype="float64",
)
C("where", B(3, 4), 1.0, 0.0, ref=np.where, dtype="float32", tag="pyfloat")
C(
    "where",
    B(3, 4),
    ref=lambda c: tuple(i.astype(np.int32) for i in np.nonzero(c)),
    dtype="int32",
    tag="nonzero",
    symbolic=False,
)
C(
    "select",
    [B(3, 4), B(3, 4)],
    [F(3, 4), F(3, 4)],
    ref=np.select,
    tag="default0",
)
C(
    "select",
    [B(5), B(5)],
    [I(5), I(5)],
    kw={"default": -1},
    ref=np.select,
    tag="default",
)

# =================================================================================================
# Reductions
# =================================================================================================
for _name in ("sum", "max", "min", "amax", "amin", "prod"):
    _ref = getattr(np, _name)
    C(_name, F(3, 4), ref=_ref, tag="all", none_dim=False)
    C(_name, F(3, 4, 5), kw={"axis": 1}, ref=_ref, tag="axis1")
    C(_name, F(3, 4, 5), kw={"axis": (1, 2), "keepdims": True}, ref=_ref, tag="keepdims")
    C(_name, F(3, 4, dt="float16", lo=0.5, hi=1.5), kw={"axis": -1}, ref=_ref)
    C(
        _name,
        F(2, 3, dt="float64", kind="distinct"),
        kw={"axis": 0},
        ref=_ref,
        grad=_name in ("sum", "max", "prod", "min"),
        none_dim=False,
    )
C("sum", I(3, 4), kw={"axis": 0}, ref=np.sum, dtype="int32", tag="int", none_dim=False)
C("sum", B(3, 4), kw={"axis": 1}, ref=lambda x, axis: np.sum(x, axis), dtype="int32", tag="bool")
C("sum", I(3, 4, dt="int8"), kw={"axis": 1}, ref=np.sum, dtype="int32", tag="int8")
C("sum", I(3, 4, dt="uint8"), kw={"axis": 1}, ref=np.sum, dtype="uint32", tag="uint8")
C("sum", I(3, 4, dt="int64"), ref=np.sum, dtype="int64", tag="int64", none_dim=False)
C("max", I(3, 4, lo=-5, hi=5), kw={"axis": 1}, ref=np.max, tag="int")
C(
    "max",
    F(3, 4),
    kw={"axis": 1, "initial": 0.5},
    ref=lambda x, axis, initial: np.max(x, axis=axis, initial=initial),
    tag="initial",
)
C(
    "min",
    F(3, 4),
    kw={"axis": 1, "initial": -0.5},
    ref=lambda x, axis, initial: np.min(x, axis=axis, initial=initial),
    tag="initial",
)
C("prod", I(3, 4, lo=1, hi=4), kw={"axis": 1}, ref=np.prod, dtype="int32", tag="int")
C("mean", F(3, 4), ref=np.mean, tag="all", none_dim=False)
C("mean", F(3, 4, 5), kw={"axis": (0, 2)}, ref=np.mean, tag="axes", none_dim=False)
C("mean", F(3, 4, 5), kw={"axis": -1, "keepdims": True}, ref=np.mean, tag="keepdims")
C("mean", F(3, 4, dt="float16"), kw={"axis": 1}, ref=np.mean)
C("mean", F(2, 3, dt="float64"), kw={"axis": 1}, ref=np.mean, grad=True)
C("mean", I(3, 4), kw={"axis": 1}, ref=np.mean, dtype="float32", tag="int")
C("mean", B(3, 4), kw={"axis": 1}, ref=np.mean, dtype="float32", tag="bool")
for _name in ("std", "var"):
    _ref = getattr(np, _name)
    C(_name, F(3, 4), ref=_ref, tag="all", none_dim=False)
    C(_name, F(3, 4, 5), kw={"axis": 1, "keepdims": True}, ref=_ref, tag="keepdims")
    C(_name, F(3, 4, dt="float16"), kw={"axis": -1}, ref=_ref)
    C(_name, F(2, 3, dt="float64"), kw={"axis": 1}, ref=_ref, grad=True)
    C(_name, I(3, 4), kw={"axis": 1}, ref=_ref, dtype="float32", tag="int")
for _name in ("all", "any"):
    C(_name, B(3, 4), ref=getattr(np, _name), dtype="bool", tag="all", none_dim=False)
    C(_name, B(3, 4, 2), kw={"axis": 1}, ref=getattr(np, _name), dtype="bool", tag="axis1")
    C(
        _name,
        F(3, 4, lo=-1, hi=2, kind="int"),
        kw={"axis": 1, "keepdims": True},
        ref=getattr(np, _name),
        dtype="bool",
        tag="float",
    )
for _name in ("argmax", "argmin"):
    _ref = getattr(np, _name)
    C(_name, F(3, 5, kind="distinct"), kw={"axis": -1}, ref=_ref, dtype="int32", tag="axis-1")
    C(_name, F(3, 5, kind="distinct"), ref=_ref, dtype="int32", tag="flat", none_dim=False)
    C(
        _name,
        F(3, 4, dt="float16", kind="distinct"),
        kw={"axis": 0},
        ref=_ref,
        dtype="int32",
        none_dim=False,
    )
    C(
        _name,
        I(3, 4, lo=0, hi=100),
        kw={"axis": 1, "keepdims": True},
        ref=_ref,
        dtype="int32",
        tag="int",
    )
for _name in ("nanargmax", "nanargmin"):
    C(
        _name,
        V([[1.0, np.nan, 3.0], [np.nan, -1.0, 2.0]]),
        kw={"axis": 1},
        ref=getattr(np, _name),
        dtype="int32",
    )
C("median", F(3, 5), ref=np.median, dtype="float32", tag="all", none_dim=False)
C("median", F(3, 4), kw={"axis": 1}, ref=np.median, dtype="float32", tag="axis1")
C("median", I(3, 4), kw={"axis": 1, "keepdims": True}, ref=np.median, dtype="float32", tag="int")
C("ptp", F(3, 4), kw={"axis": 1}, ref=np.ptp)
C("ptp", F(3, 4), ref=np.ptp, tag="all", none_dim=False)
C(
    "count_nonzero",
    F(3, 4, lo=-1, hi=2, kind="int"),
    ref=np.count_nonzero,
    dtype="int32",
    tag="all",
    none_dim=False,
)
C(
    "count_nonzero",
    I(3, 4, lo=0, hi=2),
    kw={"axis": 1},
    ref=np.count_nonzero,
    dtype="int32",
    tag="axis1",
)
C("logsumexp", F(3, 4), ref=_logsumexp, tag="all", none_dim=False)
C("logsumexp", F(3, 4, lo=-50, hi=50), kw={"axis": 1}, ref=_logsumexp, tag="axis1")
C("logsumexp", F(3, 4, dt="float16"), kw={"axis": -1, "keepdims": True}, ref=_logsumexp)
C("logsumexp", F(2, 3, dt="float64"), kw={"axis": 1}, ref=_logsumexp, grad=True)
_NAN_X = V([[1.0, np.nan, 3.0, 0.5], [np.nan, -1.0, 2.0, 4.0], [2.0, 2.0, np.nan, -3.0]])
for _name in ("nanmax", "nanmin", "nanmean", "nanmedian", "nanprod", "nanstd", "nansum", "nanvar"):
    C(_name, _NAN_X, kw={"axis": 1}, ref=getattr(np, _name), dtype="float32", tag="axis1")
    C(_name, _NAN_X, ref=getattr(np, _name), dtype="float32", tag="all", none_dim=False)
for _name in ("nancumsum", "nancumprod"):
    C(_name, _NAN_X, kw={"axis": 1}, ref=getattr(np, _name), dtype="float32", tag="axis1")
for _name in ("nanquantile", "nanpercentile"):
    _q = 0.3 if _name == "nanquantile" else 30.0
    C(_name, _NAN_X, _q, kw={"axis": 1}, ref=getattr(np, _name), dtype="float32", tag="axis1")
C(
    "quantile",
    F(3, 5),
    V([0.1, 0.5, 0.9]),
    kw={"axis": 1},
    ref=np.quantile,
    dtype="float32",
    none_dim=False,
)
C("quantile", F(3, 5), 0.25, ref=np.quantile, dtype="float32", tag="scalar", none_dim=False)
C(
    "quantile",
    F(3, 5),
    0.5,
    kw={"axis": 1, "method": "nearest", "keepdims": True},
    ref=np.quantile,
    dtype="float32",
    tag="nearest",
)
C(
    "percentile",
    F(3, 5),
    V([10.0, 50.0, 90.0]),
    kw={"axis": 1},
    ref=np.percentile,
    dtype="float32",
    none_dim=False,
)
C(
    "percentile",
    I(3, 5, lo=0, hi=100),
    40.0,
    kw={"axis": 1, "method": "lower"},
    ref=np.percentile,
    dtype="float32",
    tag="int-lower",
)
for _name in ("cumsum", "cumprod"):
    _ref = getattr(np, _name)
    C(_name, F(3, 4, lo=0.5, hi=1.5), kw={"axis": 1}, ref=_ref, tag="axis1")
    C(_name, F(3, 4, lo=0.5, hi=1.5), ref=_ref, tag="flat", none_dim=False)
    C(_name, F(3, 4, dt="float16", lo=0.5, hi=1.5), kw={"axis": 0}, ref=_ref, none_dim=False)
    C(_name, F(2, 3, dt="float64", lo=0.5, hi=1.5), kw={"axis": 1}, ref=_ref, grad=True)
    C(_name, I(3, 4, lo=0, hi=4), kw={"axis": 1}, ref=_ref, tag="int")
C(
    "cumsum",
    B(3, 4),
    kw={"axis": 1},
    ref=lambda x, axis: np.cumsum(x, axis=axis).astype(np.int32),
    dtype="int32",
    tag="bool",
)
C(
    "cumsum",
    I(3, 4),
    kw={"axis": 1, "dtype": "float32"},
    ref=lambda x, axis, dtype: np.cumsum(x, axis),
    dtype="float32",
    tag="dtype",
)
C("average", F(3, 4), 1, F(4, lo=0.1, hi=1.0), ref=lambda x, a, w: np.average(x, a, w))
C("average", F(3, 4), ref=np.average, tag="all", none_dim=False)
C(
    "average",
    F(3, 4, dt="float64"),
    0,
    ref=lambda x, a: np.average(x, a),
    tag="axis0",
    none_dim=False,
)

# =================================================================================================
# Shapes, indexing, joining
# =================================================================================================
C("reshape", F(2, 3, 4), (6, 4), ref=np.reshape, none_dim=False)
C("reshape", F(2, 3, 4), (-1, 12), ref=np.reshape, tag="minus1")
C("reshape", F(2, 3, 4, dt="float64"), (4, -1), ref=np.reshape, grad=True, none_dim=False)
C("reshape", I(6), (2, 3), ref=np.reshape, tag="int", none_dim=False)
C("transpose", F(2, 3, 4), ref=np.transpose, tag="default", none_dim=False)
C("transpose", F(2, 3, 4), (0, 2, 1), ref=np.transpose, tag="axes")
C(
    "transpose",
    F(2, 3, 4, dt="float64"),
    (1, 0, 2),
    ref=np.transpose,
    tag="axes2",
    grad=True,
    none_dim=False,
)
C("transpose", B(3, 2), ref=np.transpose, tag="bool", none_dim=False)
C("moveaxis", F(2, 3, 4), 1, -1, ref=np.moveaxis)
C("moveaxis", F(2, 3, 4), (0, 1), (2, 0), ref=np.moveaxis, tag="multi", none_dim=False)
C("swapaxes", F(2, 3, 4), 1, 2, ref=np.swapaxes)
C("concatenate", [F(2, 3), F(2, 3)], ref=np.concatenate, tag="axis0")
C("concatenate", [F(2, 3), F(2, 1), F(2, 2)], kw={"axis": 1}, ref=np.concatenate, tag="axis1")
C("concatenate", [F(2, 3), I(2, 3)], kw={"axis": -1}, ref=np.concatenate, tag="mixed")
C(
    "concatenate",
    [F(2, 3, dt="float64"), F(1, 3, dt="float64")],
    ref=np.concatenate,
    grad=True,
    tag="grad",
    none_dim=False,
)
C("append", F(2, 3), F(2, 3), kw={"axis": 0}, ref=np.append)
C("append", F(2, 3), F(4), ref=np.append, tag="flat", none_dim=False)
C("stack", [F(2, 3), F(2, 3), F(2, 3)], ref=np.stack, tag="axis0", none_dim=False)
C("stack", [F(2, 3), F(2, 3)], kw={"axis": -1}, ref=np.stack, tag="axis-1")
C(
    "stack",
    [F(2, 3, dt="float64"), F(2, 3, dt="float64")],
    kw={"axis": 1},
    ref=np.stack,
    grad=True,
    tag="grad",
)
C("hstack", [F(2, 3), F(2, 2)], ref=np.hstack)
C("vstack", [F(2, 3), F(1, 3)], ref=np.vstack, none_dim=False)
C("dstack", [F(2, 3), F(2, 3)], ref=np.dstack)
C("split", F(4, 6), 3, kw={"axis": 1}, ref=np.split, tag="sections")
C("split", F(6, 4), [1, 4], ref=np.split, tag="indices", none_dim=False)
C("array_split", F(4, 7), 3, kw={"axis": 1}, ref=np.array_split)
C("hsplit", F(2, 4), 2, ref=np.hsplit)
C("vsplit", F(4, 2), 2, ref=np.vsplit, none_dim=False)
C("dsplit", F(2, 2, 4), 2, ref=np.dsplit)
C(
    "unstack",
    F(3, 4),
    ref=lambda x, axis=0: list(np.moveaxis(x, axis, 0)),
    tag="axis0",
    none_dim=False,
)
C(
    "unstack",
    F(2, 3),
    kw={"axis": 1},
    ref=lambda x, axis=0: list(np.moveaxis(x, axis, 0)),
    tag="axis1",
)
C("squeeze", F(2, 1, 3, 1), ref=np.squeeze, tag="all", none_dim=False)
C("squeeze", F(2, 1, 3, 1), kw={"axis": 1}, ref=np.squeeze, tag="axis1")
C("squeeze", F(2, 1, 3, 1), kw={"axis": (1, 3)}, ref=np.squeeze, tag="axes")
C("expand_dims", F(2, 3), 0, ref=np.expand_dims, tag="axis0", none_dim=False)
C("expand_dims", F(2, 3), -1, ref=np.expand_dims, tag="axis-1")
C("expand_dims", B(2, 3), (1, 2), ref=np.expand_dims, tag="axes")
C("tile", F(2, 3), (2, 1), ref=np.tile, none_dim=False)
C("tile", F(2, 3), (1, 2, 2), ref=np.tile, tag="rank", none_dim=False)
C("tile", F(2, 3), (1, 3), ref=np.tile, tag="keepbatch")
C("repeat", F(2, 3), 2, kw={"axis": 1}, ref=np.repeat)
C("repeat", F(2, 3), 2, ref=np.repeat, tag="flat", none_dim=False)
C(
    "repeat",
    I(2, 3),
    V([1, 2, 0], "int32"),
    kw={"axis": 1},
    ref=np.repeat,
    tag="tensor",
    symbolic=False,
)
C(
    "repeat",
    F(2, 3, dt="float64"),
    2,
    kw={"axis": 0},
    ref=np.repeat,
    grad=True,
    tag="grad",
    none_dim=False,
)
C("broadcast_to", F(3), (2, 3), ref=np.broadcast_to, none_dim=False)
C("broadcast_to", F(2, 1), (2, 4), ref=np.broadcast_to, tag="expand", none_dim=False)
C("flip", F(2, 3), ref=np.flip, tag="all")
C("flip", F(2, 3, 4), kw={"axis": 1}, ref=np.flip, tag="axis1")
C("fliplr", F(2, 3), ref=np.fliplr)
C("flipud", F(2, 3), ref=np.flipud)
C("roll", F(2, 5), 2, kw={"axis": 1}, ref=np.roll)
C("roll", F(2, 5), -3, ref=np.roll, tag="flat")
C("rot90", F(2, 3), ref=np.rot90, none_dim=False)
C("rot90", F(2, 3, 4), kw={"k": 2, "axes": (1, 2)}, ref=np.rot90, tag="k2")
C("pad", F(2, 3), ((1, 1), (2, 0)), ref=np.pad, none_dim=False)
C("pad", F(2, 3), ((0, 0), (1, 2)), kw={"constant_values": 1.5}, ref=np.pad, tag="value")
C(
    "pad",
    F(3, 4),
    ((1, 1), (2, 2)),
    kw={"mode": "reflect"},
    ref=np.pad,
    tag="reflect",
    none_dim=False,
)
C(
    "pad",
    F(3, 4),
    ((1, 1), (2, 2)),
    kw={"mode": "symmetric"},
    ref=np.pad,
    tag="symmetric",
    none_dim=False,
)
C("pad", I(2, 3), ((0, 0), (1, 1)), ref=np.pad, tag="int")
C("pad", F(2, 3, dt="float64"), ((1, 0), (0, 2)), ref=np.pad, grad=True, tag="grad", none_dim=False)
C("take", F(5, 3), I(4, lo=0, hi=5), kw={"axis": 0}, ref=np.take, none_dim=False)
C("take", F(2, 5), I(2, 2, lo=0, hi=5), kw={"axis": 1}, ref=np.take, tag="axis1", none_args=(0,))
C("take", F(2, 5), I(3, lo=0, hi=10), ref=np.take, tag="flat", none_dim=False)
C("take", F(5, 2), V([-1, 0], "int32"), kw={"axis": 0}, ref=np.take, tag="negative", none_dim=False)
C(
    "take",
    F(5, 3, dt="float64"),
    I(4, lo=0, hi=5),
    kw={"axis": 0},
    ref=np.take,
    grad=True,
    grad_argnums=(0,),
    tag="grad",
    none_dim=False,
)
C("take_along_axis", F(3, 4), I(3, 2, lo=0, hi=4), kw={"axis": 1}, ref=np.take_along_axis)
C(
    "take_along_axis",
    F(3, 4),
    I(2, 4, lo=0, hi=3),
    kw={"axis": 0},
    ref=np.take_along_axis,
    tag="axis0",
    none_dim=False,
)
C(
    "take_along_axis",
    F(3, 4, dt="float64"),
    I(3, 2, lo=0, hi=4),
    kw={"axis": 1},
    ref=np.take_along_axis,
    grad=True,
    grad_argnums=(0,),
    tag="grad",
)
C("diag", F(3, 3), ref=np.diag, tag="extract", none_dim=False)
C("diag", F(3), kw={"k": 1}, ref=np.diag, tag="build", none_dim=False)
C("diagflat", F(2, 2), ref=np.diagflat, none_dim=False)
C("diagonal", F(3, 4), ref=np.diagonal, none_dim=False)
C("diagonal", F(2, 3, 3), 1, 1, 2, ref=np.diagonal, tag="batched")
C("trace", F(3, 4), ref=np.trace, none_dim=False)
C("trace", F(2, 3, 3), 0, 1, 2, ref=np.trace, tag="batched")
C("trace", I(3, 3), ref=np.trace, dtype="int32", tag="int", none_dim=False)
C("tril", F(3, 4), ref=np.tril, none_dim=False)
C("tril", F(2, 3, 3), kw={"k": -1}, ref=np.tril, tag="batched")
C("triu", F(3, 4), kw={"k": 1}, ref=np.triu, none_dim=False)
C("triu", F(2, 3, 3), ref=np.triu, tag="batched")
C("meshgrid", F(3), F(4), ref=np.meshgrid, none_dim=False)
C("meshgrid", F(3), F(4), kw={"indexing": "ij"}, ref=np.meshgrid, tag="ij", none_dim=False)
C("get_item", F(4, 3), 1, ref=lambda x, k: x[k], tag="int", none_dim=False)
C("get_item", F(4, 3), (slice(1, 3), 2), ref=lambda x, k: x[k], tag="slice", none_dim=False)
C(
    "get_item",
    F(4, 3),
    (slice(None), None, slice(None, None, -1)),
    ref=lambda x, k: x[k],
    tag="newaxis",
)
C("get_item", F(4, 3), (Ellipsis, 0), ref=lambda x, k: x[k], tag="ellipsis")
C(
    "slice",
    F(4, 5),
    (1, 2),
    (2, 3),
    ref=lambda x, s, z: x[s[0] : s[0] + z[0], s[1] : s[1] + z[1]],
    none_dim=False,
)
C(
    "slice_update",
    F(4, 5),
    (1, 2),
    F(2, 3),
    ref=lambda x, s, u: _slice_update(x, s, u),
    none_dim=False,
)


def _slice_update(x, start, update):
    x = x.copy()
    idx = tuple(slice(s, s + n) for s, n in zip(start, update.shape))
    x[idx] = update
    return x


def _scatter_update(x, indices, updates, reduction=None):
    x = x.copy()
    idx = tuple(np.moveaxis(indices, -1, 0))
    if reduction is None:
        x[idx] = updates
    else:
        {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}[reduction].at(
            x, idx, updates
        )
    return x


def _scatter(indices, values, shape):
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), values)
    return out


C("scatter", V([[0, 1], [2, 0], [0, 1]], "int32"), F(3), (3, 2), ref=_scatter, none_dim=False)
C("scatter", V([[1], [3]], "int32"), F(2, 4), (5, 4), ref=_scatter, tag="slices", none_dim=False)
C(
    "scatter_update",
    F(4, 3),
    V([[0, 1], [3, 2]], "int32"),
    F(2),
    ref=_scatter_update,
    none_dim=False,
)
C(
    "scatter_update",
    F(4, 3),
    V([[0], [2]], "int32"),
    F(2, 3),
    ref=_scatter_update,
    tag="rows",
    none_dim=False,
)
C(
    "scatter_update",
    F(4, 3),
    V([[0, 1], [0, 1], [2, 2]], "int32"),
    F(3),
    kw={"reduction": "add"},
    ref=_scatter_update,
    tag="add",
    none_dim=False,
)


def _segment(reduce, data, ids, num_segments=None, sorted=False):
    n = int(ids.max()) + 1 if num_segments is None else num_segments
    init = {"sum": 0.0, "prod": 1.0, "max": -np.inf, "min": np.inf}[reduce]
    out = np.full((n,) + data.shape[1:], init, dtype=np.float64)
    fn = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}[reduce]
    fn.at(out, ids, data)
    return out


for _red in ("sum", "max", "min", "prod"):
    _r = _red
    C(
        f"segment_{_red}",
        F(6, 2),
        V([0, 0, 1, 2, 2, 2], "int32"),
        kw={"num_segments": 3},
        ref=lambda d, i, num_segments=None, sorted=False, _r=_r: _segment(_r, d, i, num_segments),
        tag="num",
        none_dim=False,
    )
    C(
        f"segment_{_red}",
        F(5),
        V([0, 1, 1, 3, 3], "int32"),
        kw={"num_segments": 4, "sorted": True},
        ref=lambda d, i, num_segments=None, sorted=False, _r=_r: _segment(_r, d, i, num_segments),
        tag="sorted-empty",
        symbolic=True,
        none_dim=False,
    )
C(
    "segment_sum",
    F(6, 2, dt="float64"),
    V([0, 0, 1, 2, 2, 2], "int32"),
    kw={"num_segments": 3},
    ref=lambda d, i, num_segments=None: _segment("sum", d, i, num_segments),
    tag="grad",
    grad=True,
    grad_argnums=(0,),
    none_dim=False,
)

# -- sorting / searching --------------------------------------------------------------------------
C("sort", F(3, 5), ref=np.sort)
C("sort", F(3, 5), kw={"axis": 0}, ref=np.sort, tag="axis0")
C("sort", I(3, 5, lo=-9, hi=9), ref=np.sort, tag="int")
C("sort", F(2, 4, dt="float64", kind="distinct"), ref=np.sort, grad=True, tag="grad")
C("argsort", F(3, 5, kind="distinct"), ref=np.argsort, dtype="int32")
C(
    "argsort",
    F(4, 3, kind="distinct"),
    kw={"axis": 0},
    ref=lambda x, axis: np.argsort(x, axis=axis),
    dtype="int32",
    tag="axis0",
)
C("argsort", T((2, 6), "int32", 0, 12, "distinct"), ref=np.argsort, dtype="int32", tag="int")


def _top_k(x, k, sorted=True):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx


C("top_k", F(3, 6, kind="distinct"), 3, ref=_top_k, dtype=("same", "int32"))
C("top_k", T((2, 5), "int32", 0, 10, "distinct"), 2, ref=_top_k, dtype=("same", "int32"), tag="int")
C(
    "top_k",
    F(2, 5, dt="float64", kind="distinct"),
    2,
    ref=_top_k,
    dtype=("same", "int32"),
    tag="grad",
    grad=True,
)


def _check_argpartition(out, args):
    x, kth = args[0], args[1]
    part = np.take_along_axis(x, out, -1)
    want = np.sort(x, -1)[..., kth]
    np.testing.assert_allclose(part[..., kth], want, rtol=1e-6)
    assert np.all(part[..., :kth] <= want[..., None])
    assert np.all(part[..., kth + 1 :] >= want[..., None])


C("argpartition", F(3, 6, kind="distinct"), 2, check=_check_argpartition, ref=None, dtype="int32")
C("searchsorted", F(8, kind="sorted"), F(5), ref=np.searchsorted, dtype="int32", none_dim=False)
C(
    "searchsorted",
    F(8, kind="sorted"),
    F(5),
    kw={"side": "right"},
    ref=np.searchsorted,
    dtype="int32",
    tag="right",
    none_dim=False,
)
C("digitize", F(3, 4), V([-1.0, 0.0, 1.0]), ref=np.digitize, dtype="int32", none_args=(0,))
C("isin", I(3, 4, lo=0, hi=10), V([1, 3, 5], "int32"), ref=np.isin, dtype="bool", none_args=(0,))
C(
    "isin",
    I(3, 4, lo=0, hi=10),
    V([1, 3, 5], "int32"),
    kw={"invert": True},
    ref=np.isin,
    dtype="bool",
    tag="invert",
    none_args=(0,),
)
C(
    "nonzero",
    V([[0, 1, 0], [2, 0, 3]], "int32"),
    ref=lambda x: tuple(np.nonzero(x)),
    dtype="int32",
    symbolic=False,
)
C(
    "unravel_index",
    V([1, 5, 7], "int32"),
    (2, 4),
    ref=np.unravel_index,
    dtype="int32",
    symbolic=False,
)
C(
    "unique",
    V([3, 1, 2, 3, 1, 5], "int32"),
    ref=np.unique,
    dtype="int32",
    symbolic=False,
)
C(
    "unique",
    V([3, 1, 2, 3, 1, 5], "int32"),
    kw={"return_counts": True, "return_inverse": True},
    ref=lambda x, return_counts, return_inverse: np.unique(
        x, return_counts=True, return_inverse=True
    ),
    dtype=("int32", None, None),
    symbolic=False,
    tag="counts",
)
C(
    "unique",
    V([3.0, 1.0, 2.0, 3.0], "float32"),
    kw={"size": 5, "fill_value": -1.0},
    ref=lambda x, size, fill_value: np.array([1.0, 2.0, 3.0, -1.0, -1.0]),
    tag="size",
    none_dim=False,
)
C(
    "bincount",
    I(10, lo=0, hi=4),
    ref=lambda x, weights=None, minlength=0: np.bincount(x, weights, minlength),
    dtype="int32",
    symbolic=False,
)
C(
    "bincount",
    I(10, lo=0, hi=4),
    F(10),
    kw={"minlength": 6},
    ref=lambda x, w, minlength=0: np.bincount(x, w, minlength),
    dtype="float32",
    tag="weights",
    symbolic=False,  # the length depends on the values
)
C("histogram", F(20), ref=np.histogram, dtype=("int32", "float32"), none_dim=False)
C(
    "histogram",
    F(20),
    4,
    kw={"range": (-1.0, 1.0)},
    ref=np.histogram,
    dtype=("int32", "float32"),
    tag="range",
    none_dim=False,
)

# =================================================================================================
# Linear algebra-ish numpy ops
# =================================================================================================
C("matmul", F(3, 4), F(4, 5), ref=np.matmul)
C("matmul", F(2, 3, 4), F(4, 2), ref=np.matmul, tag="batched")
C("matmul", F(2, 1, 3, 4), F(3, 4, 2), ref=np.matmul, tag="broadcast")
C("matmul", F(4), F(4, 3), ref=np.matmul, tag="vec-mat", none_dim=False)
C("matmul", F(3, 4), F(4), ref=np.matmul, tag="mat-vec")
C("matmul", F(3, 4, dt="float16"), F(4, 2, dt="float16"), ref=np.matmul)
C("matmul", I(3, 4, lo=-3, hi=3), I(4, 2, lo=-3, hi=3), ref=np.matmul, tag="int")
C("matmul", I(3, 4, dt="int8"), I(4, 2, dt="int8"), ref=np.matmul, dtype="int32", tag="int8")
C("matmul", I(3, 4), F(4, 2, dt="float16"), ref=np.matmul, tag="int-float16")
C("matmul", F(2, 3, dt="float64"), F(3, 2, dt="float64"), ref=np.matmul, grad=True)
C("dot", F(3, 4), F(4, 2), ref=np.dot)
C("dot", F(4), F(4), ref=np.dot, tag="vec", none_dim=False)
C("dot", F(2, 3, dt="float64"), F(3, dt="float64"), ref=np.dot, grad=True)
C("vdot", F(4), F(4), ref=np.vdot, none_dim=False)
C("inner", F(2, 4), F(3, 4), ref=np.inner)
C("outer", F(3), F(4), ref=np.outer)
C("outer", F(3, dt="float64"), F(2, dt="float64"), ref=np.outer, grad=True, none_dim=False)
C("kron", F(2, 2), F(2, 3), ref=np.kron, none_dim=False)
C("cross", F(4, 3), F(4, 3), ref=np.cross)
C("cross", F(4, 3), F(3), ref=np.cross, tag="broadcast")
C("tensordot", F(2, 3, 4), F(3, 4, 5), ref=np.tensordot, tag="axes2")
C("tensordot", F(2, 3), F(3, 4), kw={"axes": 1}, ref=np.tensordot, tag="axes1")
C("tensordot", F(2, 3, 4), F(4, 3, 2), kw={"axes": ([1, 2], [1, 0])}, ref=np.tensordot, tag="pairs")
C(
    "tensordot",
    F(2, 3, dt="float64"),
    F(3, 2, dt="float64"),
    kw={"axes": 1},
    ref=np.tensordot,
    grad=True,
    tag="grad",
)
C("einsum", "ij,jk->ik", F(2, 3), F(3, 4), ref=np.einsum, tag="matmul")
C("einsum", "bij,bjk->bik", F(2, 3, 4), F(2, 4, 5), ref=np.einsum, tag="batched")
C("einsum", "ii->i", F(3, 3), ref=np.einsum, tag="diag", none_dim=False)
C("einsum", "ij->", F(3, 4), ref=np.einsum, tag="sum", none_dim=False)
C("einsum", "...ij,...jk->...ik", F(2, 3, 4), F(4, 2), ref=np.einsum, tag="ellipsis")
C("einsum", "i,j->ij", I(3), I(4), ref=np.einsum, tag="int")
C(
    "einsum",
    "bi,ij->bj",
    F(2, 3, dt="float64"),
    F(3, 2, dt="float64"),
    ref=np.einsum,
    grad=True,
    tag="grad",
)
C("correlate", F(5), F(3), ref=np.correlate, none_dim=False)
C("correlate", F(5), F(3), kw={"mode": "full"}, ref=np.correlate, tag="full", none_dim=False)
C("correlate", F(5), F(3), kw={"mode": "same"}, ref=np.correlate, tag="same", none_dim=False)
C("diff", F(3, 5), ref=np.diff)
C("diff", F(4, 3), kw={"n": 2, "axis": 0}, ref=np.diff, tag="n2", none_dim=False)
C("trapezoid", F(3, 5), ref=np.trapezoid)
C("trapezoid", F(3, 5), F(5, kind="sorted"), ref=np.trapezoid, tag="x")
C("trapezoid", F(3, 5), kw={"dx": 0.5, "axis": 0}, ref=np.trapezoid, tag="dx", none_dim=False)
C("vander", F(4), ref=np.vander, none_dim=False)
C("vander", F(4), 3, True, ref=np.vander, tag="inc")
C("corrcoef", F(3, 6), ref=np.corrcoef, none_dim=False)

# =================================================================================================
# Creation
# =================================================================================================
C("arange", 5, ref=lambda n: np.arange(n), dtype="int32", symbolic=False)
C("arange", 1, 7, 2, ref=np.arange, dtype="int32", symbolic=False, tag="step")
C("arange", 0.0, 1.0, 0.25, ref=np.arange, dtype="float32", symbolic=False, tag="float")
C(
    "arange",
    3,
    kw={"dtype": "float16"},
    ref=lambda n, dtype: np.arange(n),
    dtype="float16",
    symbolic=False,
    tag="dtype",
)
C("linspace", 0.0, 1.0, 5, ref=np.linspace, dtype="float32", symbolic=False)
C("linspace", 0.0, 2.0, 4, False, ref=np.linspace, dtype="float32", symbolic=False, tag="noend")
C("logspace", 0.0, 2.0, 3, ref=np.logspace, dtype="float32", symbolic=False)
C("geomspace", 1.0, 8.0, 4, ref=np.geomspace, dtype="float32", symbolic=False)
C("eye", 3, ref=np.eye, dtype="float32", symbolic=False)
C("eye", 3, 4, 1, ref=np.eye, dtype="float32", symbolic=False, tag="rect")
C(
    "eye",
    2,
    kw={"dtype": "int32"},
    ref=lambda n, dtype: np.eye(n),
    dtype="int32",
    symbolic=False,
    tag="int",
)
C("identity", 3, ref=np.identity, dtype="float32", symbolic=False)
C("tri", 3, 4, ref=np.tri, dtype="float32", symbolic=False)
C(
    "tri",
    3,
    kw={"k": -1, "dtype": "int32"},
    ref=lambda n, k, dtype: np.tri(n, k=k),
    dtype="int32",
    symbolic=False,
    tag="int",
)
C("zeros", (2, 3), ref=np.zeros, dtype="float32", symbolic=False)
C(
    "zeros",
    (2,),
    kw={"dtype": "int32"},
    ref=lambda s, dtype: np.zeros(s),
    dtype="int32",
    symbolic=False,
    tag="int",
)
C("ones", (2, 3), ref=np.ones, dtype="float32", symbolic=False)
C(
    "ones",
    (2,),
    kw={"dtype": "bool"},
    ref=lambda s, dtype: np.ones(s, bool),
    dtype="bool",
    symbolic=False,
    tag="bool",
)
C("full", (2, 3), 1.5, ref=np.full, dtype="float32", symbolic=False)
C(
    "full",
    (2,),
    3,
    kw={"dtype": "int32"},
    ref=lambda s, v, dtype: np.full(s, v),
    dtype="int32",
    symbolic=False,
    tag="int",
)
C("empty", (2, 3), ref=None, dtype="float32", symbolic=False, check=lambda out, args: None)
C("zeros_like", F(2, 3), ref=np.zeros_like)
C(
    "zeros_like",
    I(2, 3),
    kw={"dtype": "float16"},
    ref=lambda x, dtype: np.zeros(x.shape),
    dtype="float16",
    tag="dtype",
)
C("ones_like", F(2, 3, dt="float16"), ref=np.ones_like)
C("ones_like", B(2, 3), ref=np.ones_like, dtype="bool", tag="bool")
C("full_like", F(2, 3), 2.5, ref=np.full_like, dtype="float32")
C("full_like", I(2, 3), 7, ref=np.full_like, dtype="int32", tag="int")
C("empty_like", F(2, 3), ref=None, check=lambda out, args: None)
for _name in ("bartlett", "blackman", "hamming", "hanning"):
    C(_name, 6, ref=getattr(np, _name), dtype="float32", symbolic=False)
C("kaiser", 6, 3.0, ref=np.kaiser, dtype="float32", symbolic=False)

# -- dtype conversion -----------------------------------------------------------------------------
C("cast", F(2, 3), "float16", ref=lambda x, d: x.astype(np.float16), dtype="float16", upcast=False)
C(
    "cast",
    F(2, 3, lo=-5, hi=5),
    "int32",
    ref=lambda x, d: x.astype(np.int32),
    dtype="int32",
    upcast=False,
    tag="to-int",
)
C("cast", I(2, 3, lo=0, hi=3), "bool", ref=lambda x, d: x.astype(bool), dtype="bool", tag="to-bool")
C(
    "cast",
    B(2, 3),
    "float32",
    ref=lambda x, d: x.astype(np.float32),
    dtype="float32",
    tag="from-bool",
)
C(
    "cast",
    F(2, 3),
    "float64",
    ref=lambda x, d: x.astype(np.float64),
    dtype="float64",
    upcast=False,
    tag="to-float64",
)
C(
    "cast",
    I(2, 3, dt="int64"),
    "uint8",
    ref=lambda x, d: x.astype(np.uint8),
    dtype="uint8",
    tag="to-uint8",
)
C(
    "cast",
    F(2, 3, dt="float64"),
    "float32",
    ref=lambda x, d: x,
    dtype="float32",
    grad=True,
    tag="grad",
)
C("cast", F(2, 3), "bfloat16", ref=lambda x, d: x, dtype="bfloat16", tag="to-bfloat16")
C(
    "saturate_cast",
    V([-300.0, -1.5, 0.0, 100.4, 300.0]),
    "uint8",
    ref=lambda x, d: np.clip(x, 0, 255).astype(np.uint8),
    dtype="uint8",
    none_dim=False,
)
C(
    "saturate_cast",
    V([-70000, 5, 70000], "int32"),
    "int16",
    ref=lambda x, d: np.clip(x, -32768, 32767).astype(np.int16),
    dtype="int16",
    none_dim=False,
    tag="int16",
)
C("convert_to_tensor", F(2, 3), ref=lambda x: x)
C("convert_to_tensor", F(2, 3), "float16", ref=lambda x, d: x, dtype="float16", tag="dtype")
C("convert_to_tensor", I(2, 3, dt="int64"), ref=lambda x: x, tag="int64")
C(
    "convert_to_tensor",
    [[1.0, 2.0], [3.0, 4.0]],
    ref=lambda x: np.asarray(x),
    dtype="float32",
    symbolic=False,
    tag="pylist",
)
C(
    "convert_to_tensor",
    [1, 2, 3],
    ref=lambda x: np.asarray(x),
    dtype="int32",
    symbolic=False,
    tag="pyint",
)
C(
    "convert_to_tensor",
    True,
    ref=lambda x: np.asarray(x),
    dtype="bool",
    symbolic=False,
    tag="pybool",
)
C(
    "convert_to_tensor",
    2.5,
    ref=lambda x: np.asarray(x),
    dtype="float32",
    symbolic=False,
    tag="pyfloat",
)
C("array", F(2, 3), ref=lambda x: x)
C(
    "array",
    [[1, 2]],
    kw={"dtype": "float32"},
    ref=lambda x, dtype: np.asarray(x),
    dtype="float32",
    symbolic=False,
    tag="pylist",
)
C("view", F(2, 3), "int32", ref=lambda x, d: x.view(np.int32), dtype="int32", upcast=False)
C(
    "view",
    I(2, 4, dt="int32", lo=0, hi=1000),
    "uint8",
    ref=lambda x, d: x.view(np.uint8),
    dtype="uint8",
    tag="uint8",
    none_dim=True,
)
C("stop_gradient", F(2, 3), ref=lambda x: x)

# =================================================================================================
# nn
# =================================================================================================
C("one_hot", I(4, lo=0, hi=3), 3, ref=lambda x, n: np.eye(n)[x], dtype="float32")
C(
    "one_hot",
    I(2, 3, lo=0, hi=4),
    4,
    kw={"axis": 1},
    ref=lambda x, n, axis: np.moveaxis(np.eye(n)[x], -1, axis),
    dtype="float32",
    tag="axis1",
)
C(
    "one_hot",
    V([0, 2, -1, 5], "int32"),
    3,
    ref=lambda x, n: np.eye(n + 1)[np.where((x < 0) | (x >= n), n, x)][:, :n],
    dtype="float32",
    tag="outofrange",
    none_dim=False,
)
C(
    "one_hot",
    I(4, lo=0, hi=3),
    3,
    kw={"dtype": "int32"},
    ref=lambda x, n, dtype: np.eye(n)[x],
    dtype="int32",
    tag="dtype",
)


def _multi_hot(x, num_classes, axis=-1, dtype=None):
    out = np.zeros(x.shape[:-1] + (num_classes,))
    for idx in np.ndindex(x.shape[:-1]):
        out[idx][x[idx]] = 1.0
    return out


C("multi_hot", I(3, 2, lo=0, hi=5), 5, ref=_multi_hot, dtype="float32")


def _moments(x, axes, keepdims=False, synchronized=False):
    axes = tuple(axes)
    return np.mean(x, axis=axes, keepdims=keepdims), np.var(x, axis=axes, keepdims=keepdims)


C("moments", F(4, 3), [0], ref=_moments, none_dim=False)
C(
    "moments",
    F(2, 3, 4),
    [0, 1],
    kw={"keepdims": True},
    ref=_moments,
    tag="keepdims",
    none_dim=False,
)
C("moments", F(4, 3, dt="float16"), [1], ref=_moments, tag="axis1")
C("moments", F(3, 4, dt="float64"), [1], ref=_moments, grad=True, tag="grad")


def _batch_norm(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    out = (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        out = out * scale.reshape(shape)
    if offset is not None:
        out = out + offset.reshape(shape)
    return out


C("batch_normalization", F(4, 3), F(3), F(3, lo=0.5, hi=2), -1, F(3), F(3), ref=_batch_norm)
C(
    "batch_normalization",
    F(2, 3, 4),
    F(3),
    F(3, lo=0.5, hi=2),
    1,
    kw={"epsilon": 0.01},
    ref=_batch_norm,
    tag="axis1",
)
C(
    "batch_normalization",
    F(4, 3, dt="float16"),
    F(3, dt="float16"),
    F(3, dt="float16", lo=0.5, hi=2),
    -1,
    ref=_batch_norm,
)
C(
    "batch_normalization",
    F(4, 3, dt="float64"),
    F(3, dt="float64"),
    F(3, dt="float64", lo=0.5, hi=2),
    -1,
    F(3, dt="float64"),
    F(3, dt="float64"),
    ref=_batch_norm,
    grad=True,
    tag="grad",
)


def _layer_norm(x, gamma=None, beta=None, axis=-1, epsilon=1e-3):
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True)
    out = (x - mean) / np.sqrt(var + epsilon)
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out


C("layer_normalization", F(3, 4), F(4), F(4), kw={"epsilon": 1e-3}, ref=_layer_norm)
C("layer_normalization", F(3, 4), kw={"epsilon": 1e-3}, ref=_layer_norm, tag="plain")
C(
    "layer_normalization",
    F(2, 4, dt="float64"),
    F(4, dt="float64"),
    F(4, dt="float64"),
    kw={"epsilon": 1e-3},
    ref=_layer_norm,
    grad=True,
    tag="grad",
)


def _rms_norm(x, scale=None, axis=-1, epsilon=1e-7):
    out = x / np.sqrt(np.mean(x * x, axis=axis, keepdims=True) + epsilon)
    return out if scale is None else out * scale


C("rms_normalization", F(3, 4), F(4), kw={"epsilon": 1e-6}, ref=_rms_norm)
C(
    "rms_normalization",
    F(2, 4, dt="float64"),
    F(4, dt="float64"),
    kw={"epsilon": 1e-6},
    ref=_rms_norm,
    grad=True,
    tag="grad",
)


def _normalize(x, axis=-1, order=2, epsilon=1e-7):
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    return x / np.maximum(norm, epsilon)


C("normalize", F(3, 4), kw={"epsilon": 1e-7}, ref=_normalize)
C(
    "normalize",
    F(3, 4),
    kw={"axis": 0, "order": 1, "epsilon": 1e-7},
    ref=_normalize,
    tag="l1",
    none_dim=False,
)
_EPS = 1e-7


def _bce(target, output, from_logits=False):
    if from_logits:
        return np.maximum(output, 0) - output * target + np.log1p(np.exp(-np.abs(output)))
    output = np.clip(output, _EPS, 1 - _EPS)
    return -(target * np.log(output) + (1 - target) * np.log(1 - output))


def _cce(target, output, from_logits=False, axis=-1):
    if from_logits:
        return -np.sum(target * _log_softmax(output, axis), axis=axis)
    output = output / np.sum(output, axis=axis, keepdims=True)
    output = np.clip(output, _EPS, 1 - _EPS)
    return -np.sum(target * np.log(output), axis=axis)


def _scce(target, output, from_logits=False, axis=-1):
    onehot = np.moveaxis(np.eye(output.shape[axis])[target], -1, axis)
    return _cce(onehot, output, from_logits, axis)


C("binary_crossentropy", F(4, 3, lo=0, hi=1), F(4, 3, lo=0.05, hi=0.95), ref=_bce)
C(
    "binary_crossentropy",
    T((4, 3), "float32", 0, 2, "int"),
    F(4, 3, lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_bce,
    tag="logits",
)
C(
    "binary_crossentropy",
    F(4, 3, dt="float64", lo=0, hi=1),
    F(4, 3, dt="float64", lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_bce,
    grad=True,
    grad_argnums=(1,),
    tag="grad",
)
C(
    "binary_crossentropy",
    F(4, 3, dt="float16", lo=0, hi=1),
    F(4, 3, dt="float16", lo=0.05, hi=0.95),
    ref=_bce,
)
C("categorical_crossentropy", F(4, 3, kind="onehot"), F(4, 3, kind="probs"), ref=_cce)
C(
    "categorical_crossentropy",
    F(4, 3, kind="onehot"),
    F(4, 3, lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_cce,
    tag="logits",
)
C(
    "categorical_crossentropy",
    F(4, 3, kind="probs"),
    F(4, 3, lo=0.1, hi=1.0),
    ref=_cce,
    tag="unnormalized",
)
C(
    "categorical_crossentropy",
    F(2, 3, 4, kind="onehot"),
    F(2, 3, 4, kind="probs"),
    kw={"axis": -1},
    ref=_cce,
    tag="rank3",
)
C(
    "categorical_crossentropy",
    F(4, 3, dt="float64", kind="onehot"),
    F(4, 3, dt="float64", lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_cce,
    grad=True,
    grad_argnums=(1,),
    tag="grad",
)
C(
    "sparse_categorical_crossentropy",
    I(4, lo=0, hi=3),
    F(4, 3, kind="probs"),
    ref=_scce,
    dtype="float32",
)
C(
    "sparse_categorical_crossentropy",
    I(4, lo=0, hi=3),
    F(4, 3, lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_scce,
    dtype="float32",
    tag="logits",
)
C(
    "sparse_categorical_crossentropy",
    I(2, 3, lo=0, hi=4),
    F(2, 3, 4, lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_scce,
    dtype="float32",
    tag="rank3",
)
C(
    "sparse_categorical_crossentropy",
    I(4, lo=0, hi=3),
    F(4, 3, dt="float64", lo=-3, hi=3),
    kw={"from_logits": True},
    ref=_scce,
    dtype="float64",
    grad=True,
    grad_argnums=(1,),
    tag="grad",
)


# -- convolution & pooling references -------------------------------------------------------------
def _norm_tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _same_pads(size, k, s, d):
    eff = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def _pad_spatial(x, kernel, strides, dilation, padding, value=0.0):
    n = x.ndim - 2
    if padding == "valid":
        return x
    pads = [(0, 0)]
    for i in range(n):
        pads.append(_same_pads(x.shape[1 + i], kernel[i], strides[i], dilation[i]))
    pads.append((0, 0))
    return np.pad(x, pads, constant_values=value)


def _windows(x, kernel, strides, dilation):
    """(N, *out, *kernel, C) windows of channels-last ``x``."""
    n = x.ndim - 2
    out_shape = [
        (x.shape[1 + i] - ((kernel[i] - 1) * dilation[i] + 1)) // strides[i] + 1 for i in range(n)
    ]
    win = np.zeros((x.shape[0], *out_shape, *kernel, x.shape[-1]), x.dtype)
    for o in np.ndindex(*out_shape):
        for kk in np.ndindex(*kernel):
            src = tuple(o[i] * strides[i] + kk[i] * dilation[i] for i in range(n))
            win[(slice(None), *o, *kk)] = x[(slice(None), *src)]
    return win


def _conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    channels_first = data_format == "channels_first"
    x = np.moveaxis(inputs, 1, -1) if channels_first else inputs
    n = x.ndim - 2
    ks = kernel.shape[:n]
    s, d = _norm_tuple(strides, n), _norm_tuple(dilation_rate, n)
    x = _pad_spatial(x, ks, s, d, padding)
    win = _windows(x, ks, s, d)  # N, *out, *k, Cin
    groups = x.shape[-1] // kernel.shape[-2]
    cin_g, cout = kernel.shape[-2], kernel.shape[-1]
    outs = []
    for g in range(groups):
        w = win[..., g * cin_g : (g + 1) * cin_g]
        k = kernel[..., g * (cout // groups) : (g + 1) * (cout // groups)]
        axes = list(range(1 + n, 1 + 2 * n + 1))
        outs.append(np.tensordot(w, k, axes=(axes, list(range(n + 1)))))
    out = np.concatenate(outs, axis=-1)
    return np.moveaxis(out, -1, 1) if channels_first else out


def _depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    n = inputs.ndim - 2
    cin, mult = kernel.shape[-2], kernel.shape[-1]
    full = np.zeros(kernel.shape[:n] + (1, cin * mult))
    for c in range(cin):
        full[..., 0, c * mult : (c + 1) * mult] = kernel[..., c, :]
    return _conv(inputs, full, strides, padding, data_format, dilation_rate)


def _separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    mid = _depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return _conv(mid, pointwise_kernel, 1, "valid", data_format)


def _conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    # Only the unambiguous settings used below: dilation 1, "valid", or "same" with k == s.
    n = inputs.ndim - 2
    ks = kernel.shape[:n]
    s = _norm_tuple(strides, n)
    out_sp = [(inputs.shape[1 + i] - 1) * s[i] + ks[i] for i in range(n)]
    out = np.zeros((inputs.shape[0], *out_sp, kernel.shape[-2]))
    for pos in np.ndindex(*inputs.shape[1:-1]):
        contrib = np.tensordot(inputs[(slice(None), *pos)], kernel, axes=([-1], [-1]))
        region = tuple(slice(pos[i] * s[i], pos[i] * s[i] + ks[i]) for i in range(n))
        out[(slice(None), *region)] += contrib
    if padding == "same":
        crop = tuple(slice(0, inputs.shape[1 + i] * s[i]) for i in range(n))
        out = out[(slice(None), *crop)]
    return out


def _pool(inputs, pool_size, strides=None, padding="valid", data_format=None, mode="max"):
    channels_first = data_format == "channels_first"
    x = np.moveaxis(inputs, 1, -1) if channels_first else inputs
    n = x.ndim - 2
    ps = _norm_tuple(pool_size, n)
    s = _norm_tuple(strides if strides is not None else pool_size, n)
    x = _pad_spatial(x.astype(np.float64), ps, s, (1,) * n, padding, value=np.nan)
    win = _windows(x, ps, s, (1,) * n)
    axes = tuple(range(1 + n, 1 + 2 * n))
    out = np.nanmax(win, axis=axes) if mode == "max" else np.nanmean(win, axis=axes)
    return np.moveaxis(out, -1, 1) if channels_first else out


def _adaptive_pool(inputs, output_size, data_format=None, mode="max"):
    channels_first = data_format in (None, "channels_first") and False
    x = np.moveaxis(inputs, 1, -1) if channels_first else inputs
    n = x.ndim - 2
    osz = _norm_tuple(output_size, n)
    out = np.zeros((x.shape[0], *osz, x.shape[-1]))
    for o in np.ndindex(*osz):
        sl = []
        for i in range(n):
            size = x.shape[1 + i]
            start = (o[i] * size) // osz[i]
            end = -(-((o[i] + 1) * size) // osz[i])
            sl.append(slice(start, end))
        region = x[(slice(None), *sl)]
        red = np.max if mode == "max" else np.mean
        out[(slice(None), *o)] = red(region, axis=tuple(range(1, 1 + n)))
    return out


C("conv", F(2, 5, 3), F(3, 3, 4), ref=_conv, tag="1d")
C("conv", F(2, 5, 5, 3), F(3, 3, 3, 2), ref=_conv, tag="2d")
C(
    "conv",
    F(2, 6, 6, 3),
    F(3, 3, 3, 2),
    kw={"strides": 2, "padding": "same"},
    ref=_conv,
    tag="2d-same-stride2",
)
C("conv", F(1, 7, 6, 2), F(2, 3, 2, 2), kw={"padding": "same"}, ref=_conv, tag="2d-same-even")
C("conv", F(1, 7, 7, 2), F(3, 3, 2, 2), kw={"dilation_rate": 2}, ref=_conv, tag="2d-dilated")
C(
    "conv",
    F(2, 3, 5, 5),
    F(3, 3, 3, 2),
    kw={"data_format": "channels_first"},
    ref=_conv,
    tag="2d-cfirst",
)
C("conv", F(1, 4, 4, 4, 2), F(2, 2, 2, 2, 3), ref=_conv, tag="3d")
C("conv", F(2, 5, 5, 4), F(3, 3, 2, 4), ref=_conv, tag="2d-groups")
C(
    "conv",
    F(2, 5, 5, 3, dt="float16"),
    F(3, 3, 3, 2, dt="float16"),
    ref=_conv,
    tag="2d",
    tol=(2e-2, 2e-2),
)
C(
    "conv",
    F(1, 4, 4, 2, dt="float64"),
    F(3, 3, 2, 2, dt="float64"),
    kw={"padding": "same"},
    ref=_conv,
    grad=True,
    tag="grad",
)
C("depthwise_conv", F(2, 5, 5, 3), F(3, 3, 3, 2), ref=_depthwise_conv, tag="2d")
C(
    "depthwise_conv",
    F(2, 6, 6, 2),
    F(3, 3, 2, 1),
    kw={"strides": 2, "padding": "same"},
    ref=_depthwise_conv,
    tag="2d-same",
)
C("depthwise_conv", F(2, 7, 3), F(3, 3, 2), ref=_depthwise_conv, tag="1d")
C(
    "depthwise_conv",
    F(1, 4, 4, 2, dt="float64"),
    F(2, 2, 2, 2, dt="float64"),
    ref=_depthwise_conv,
    grad=True,
    tag="grad",
)
C("separable_conv", F(2, 5, 5, 3), F(3, 3, 3, 2), F(1, 1, 6, 4), ref=_separable_conv, tag="2d")
C(
    "separable_conv",
    F(2, 6, 6, 2),
    F(3, 3, 2, 1),
    F(1, 1, 2, 3),
    kw={"padding": "same"},
    ref=_separable_conv,
    tag="2d-same",
)
C("separable_conv", F(2, 7, 2), F(3, 2, 2), F(1, 4, 3), ref=_separable_conv, tag="1d")
C("conv_transpose", F(2, 3, 3, 2), F(3, 3, 4, 2), ref=_conv_transpose, tag="2d")
C(
    "conv_transpose",
    F(2, 3, 3, 2),
    F(3, 3, 4, 2),
    kw={"strides": 2},
    ref=_conv_transpose,
    tag="2d-stride2",
)
C(
    "conv_transpose",
    F(3, 3, 3, 2),
    F(2, 2, 3, 2),
    kw={"strides": 2, "padding": "same"},
    ref=_conv_transpose,
    tag="2d-same",
)
C("conv_transpose", F(2, 4, 2), F(3, 3, 2), kw={"strides": 2}, ref=_conv_transpose, tag="1d")
C(
    "conv_transpose",
    F(1, 2, 2, 2, dt="float64"),
    F(2, 2, 2, 2, dt="float64"),
    kw={"strides": 2},
    ref=_conv_transpose,
    grad=True,
    tag="grad",
)
for _mode in ("max", "average"):
    _p = _mode
    _ref = lambda x, pool_size, strides=None, padding="valid", data_format=None, _p=_p: _pool(  # noqa: E731
        x, pool_size, strides, padding, data_format, "max" if _p == "max" else "avg"
    )
    _op = f"{_mode}_pool"
    C(_op, F(2, 4, 4, 3), 2, ref=_ref, tag="2d")
    C(_op, F(2, 5, 5, 3), 3, 2, ref=_ref, tag="2d-stride2")
    C(_op, F(2, 5, 5, 3), 2, 2, "same", ref=_ref, tag="2d-same")
    C(_op, F(2, 6, 3), 2, ref=_ref, tag="1d")
    C(_op, F(2, 5, 2), 3, 1, "same", ref=_ref, tag="1d-same")
    C(_op, F(2, 3, 4, 4), (2, 2), kw={"data_format": "channels_first"}, ref=_ref, tag="2d-cfirst")
    C(_op, F(1, 4, 4, 4, 2), 2, ref=_ref, tag="3d")
    C(_op, F(2, 4, 4, 3, dt="float16"), 2, ref=_ref, tag="2d")
    C(_op, F(1, 4, 4, 2, dt="float64", kind="distinct"), 2, ref=_ref, grad=True, tag="grad")
    C(
        f"adaptive_{_mode}_pool",
        F(2, 5, 7, 3),
        (2, 3),
        kw={"data_format": "channels_last"},
        ref=lambda x, o, data_format=None, _p=_p: _adaptive_pool(
            x, o, None, "max" if _p == "max" else "avg"
        ),
        tag="2d",
    )


def _depth_to_space(x, block_size, data_format="channels_last"):
    n, h, w, c = x.shape
    b = block_size
    y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h * b, w * b, c // (b * b))


def _space_to_depth(x, block_size, data_format="channels_last"):
    n, h, w, c = x.shape
    b = block_size
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h // b, w // b, b * b * c)


C("depth_to_space", F(2, 2, 3, 8), 2, ref=_depth_to_space)
C("space_to_depth", F(2, 4, 6, 2), 2, ref=_space_to_depth)


def _attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False):
    q, k, v = query, key, value
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    if is_causal:
        t, s = logits.shape[-2:]
        mask = np.tril(np.ones((t, s), bool))
    if mask is not None:
        logits = np.where(mask, logits, -1e9)
    return np.einsum("bnts,bsnh->btnh", _softmax(logits, -1), v)


C("dot_product_attention", F(2, 4, 2, 3), F(2, 5, 2, 3), F(2, 5, 2, 3), ref=_attention)
C(
    "dot_product_attention",
    F(2, 4, 2, 3),
    F(2, 4, 2, 3),
    F(2, 4, 2, 3),
    kw={"is_causal": True},
    ref=_attention,
    tag="causal",
)
C(
    "dot_product_attention",
    F(2, 4, 2, 3),
    F(2, 5, 2, 3),
    F(2, 5, 2, 3),
    kw={"scale": 0.5},
    ref=_attention,
    tag="scale",
)
C(
    "dot_product_attention",
    F(1, 3, 1, 2, dt="float64"),
    F(1, 3, 1, 2, dt="float64"),
    F(1, 3, 1, 2, dt="float64"),
    ref=_attention,
    grad=True,
    tag="grad",
)
C(
    "psnr",
    F(2, 4, 4, 1, lo=0, hi=1),
    F(2, 4, 4, 1, lo=0, hi=1),
    1.0,
    ref=lambda a, b, m: 20 * np.log10(m) - 10 * np.log10(np.mean((a - b) ** 2)),
    none_dim=False,
)
C(
    "polar",
    F(3, lo=0.5, hi=2),
    F(3),
    ref=lambda r, t: r * np.exp(1j * t),
    dtype="complex64",
    needs=("complex",),
    none_dim=False,
)


def _extract_sequences(x, sequence_length, sequence_stride):
    n = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    return np.stack(
        [x[..., i * sequence_stride : i * sequence_stride + sequence_length] for i in range(n)],
        axis=-2,
    )


C("extract_sequences", F(2, 10), 4, 3, ref=_extract_sequences)


def _in_top_k(targets, predictions, k):
    rank = (predictions > np.take_along_axis(predictions, targets[:, None], 1)).sum(1)
    return rank < k


C("in_top_k", I(4, lo=0, hi=5), F(4, 5, kind="distinct"), 2, ref=_in_top_k, dtype="bool")
C("logdet", F(2, 3, 3, kind="spd"), ref=lambda x: np.linalg.slogdet(x)[1], dtype="float32")
C(
    "logdet",
    F(3, 3, dt="float64", kind="spd"),
    ref=lambda x: np.linalg.slogdet(x)[1],
    grad=True,
    tag="grad",
    none_dim=False,
    dtype="float64",
)


def _fft_pair(fn):
    def ref(x):
        out = fn(x[0] + 1j * x[1])
        return np.real(out), np.imag(out)

    return ref


C("fft", (F(2, 8), F(2, 8)), ref=_fft_pair(np.fft.fft), dtype=("float32", "float32"))
C("fft2", (F(2, 4, 4), F(2, 4, 4)), ref=_fft_pair(np.fft.fft2), dtype=("float32", "float32"))
C("ifft2", (F(2, 4, 4), F(2, 4, 4)), ref=_fft_pair(np.fft.ifft2), dtype=("float32", "float32"))
C(
    "rfft",
    F(2, 8),
    ref=lambda x, n=None: (np.real(np.fft.rfft(x, n)), np.imag(np.fft.rfft(x, n))),
    dtype=("float32", "float32"),
)
C(
    "rfft",
    F(2, 8),
    6,
    ref=lambda x, n=None: (np.real(np.fft.rfft(x, n)), np.imag(np.fft.rfft(x, n))),
    dtype=("float32", "float32"),
    tag="length",
)
C(
    "irfft",
    (F(2, 5), V(np.zeros((2, 5)), "float32")),
    ref=lambda x, n=None: np.fft.irfft(x[0] + 1j * x[1], n),
    dtype="float32",
)
C(
    "stft",
    F(2, 32),
    8,
    4,
    8,
    kw={"window": None, "center": False},
    ref=None,
    dtype=("float32", "float32"),
)
C("istft", (F(2, 9, 5), F(2, 9, 5)), 8, 4, 8, ref=None, dtype="float32")
C(
    "view_as_real",
    V(np.array([1 + 2j, 3 - 1j]), "complex64"),
    ref=lambda x: np.stack([x.real, x.imag], -1),
    dtype="float32",
    needs=("complex",),
    none_dim=False,
)
C(
    "view_as_complex",
    F(3, 2),
    ref=lambda x: x[..., 0] + 1j * x[..., 1],
    dtype="complex64",
    needs=("complex",),
)
C("angle", F(3, 4), ref=np.angle, dtype="float32")
C("cdist", F(3, 4), F(5, 4), ref=lambda a, b: np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1)))
C("rearrange", F(2, 3, 4), "b h w -> b w h", ref=lambda x, p: np.swapaxes(x, 1, 2))
C("rearrange", F(2, 3, 4), "b h w -> b (h w)", ref=lambda x, p: x.reshape(2, 12), tag="merge")
C(
    "rearrange",
    F(2, 6),
    "b (h w) -> b h w",
    kw={"h": 2},
    ref=lambda x, p, h: x.reshape(2, 2, 3),
    tag="split",
)
C(
    "ctc_loss",
    V([[1, 2, 0], [2, 2, 1]], "int32"),
    F(2, 6, 4, kind="normal"),
    V([2, 3], "int32"),
    V([6, 5], "int32"),
    ref=None,
    dtype="float32",
)
C(
    "ctc_decode",
    F(2, 5, 4, kind="distinct"),
    V([5, 4], "int32"),
    ref=None,
    dtype=None,
    symbolic=False,
)


def _unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    kh, kw_ = _norm_tuple(kernel_size, 2)
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, w = x.shape
    oh, ow = (
        (h - (kh - 1) * dilation - 1) // stride + 1,
        (w - (kw_ - 1) * dilation - 1) // stride + 1,
    )
    cols = np.zeros((n, c, kh, kw_, oh * ow))
    for i in range(kh):
        for j in range(kw_):
            patch = x[
                :,
                :,
                i * dilation : i * dilation + stride * oh : stride,
                j * dilation : j * dilation + stride * ow : stride,
            ]
            cols[:, :, i, j] = patch.reshape(n, c, -1)
    return cols.reshape(n, c * kh * kw_, oh * ow)


def _fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    kh, kw_ = _norm_tuple(kernel_size, 2)
    h, w = _norm_tuple(output_size, 2)
    n, ckk, _ = x.shape
    c = ckk // (kh * kw_)
    hp, wp = h + 2 * padding, w + 2 * padding
    oh, ow = (
        (hp - (kh - 1) * dilation - 1) // stride + 1,
        (wp - (kw_ - 1) * dilation - 1) // stride + 1,
    )
    out = np.zeros((n, c, hp, wp))
    cols = x.reshape(n, c, kh, kw_, oh, ow)
    for i in range(kh):
        for j in range(kw_):
            out[
                :,
                :,
                i * dilation : i * dilation + stride * oh : stride,
                j * dilation : j * dilation + stride * ow : stride,
            ] += cols[:, :, i, j]
    return out[:, :, padding : padding + h, padding : padding + w]


C("unfold", F(2, 3, 4, 5), 2, ref=_unfold)
C("unfold", F(1, 2, 5, 5), 3, kw={"padding": 1, "stride": 2}, ref=_unfold, tag="pad-stride")
C("fold", F(2, 12, 12), (4, 5), 2, ref=_fold)

# =================================================================================================
# linalg
# =================================================================================================
C("cholesky", F(3, 3, kind="spd"), ref=np.linalg.cholesky, none_dim=False)
C("cholesky", F(2, 3, 3, dt="float64", kind="spd"), ref=np.linalg.cholesky, tag="batched")
C(
    "cholesky",
    F(3, 3, kind="spd"),
    True,
    ref=lambda x, u: np.swapaxes(np.linalg.cholesky(x), -1, -2),
    tag="upper",
    none_dim=False,
)
C(
    "cholesky_inverse",
    V(np.linalg.cholesky(np.array([[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]]))),
    ref=lambda lo: np.linalg.inv(lo @ lo.T),
    none_dim=False,
)
C("det", F(3, 3), ref=np.linalg.det, none_dim=False)
C("det", F(2, 3, 3, dt="float64"), ref=np.linalg.det, tag="batched", grad=True)
C("inv", F(3, 3, kind="spd"), ref=np.linalg.inv, none_dim=False)
C("inv", F(2, 3, 3, dt="float64", kind="spd"), ref=np.linalg.inv, tag="batched", grad=True)
C("solve", F(3, 3, kind="spd"), F(3, 2), ref=np.linalg.solve, none_dim=False)
C(
    "solve",
    F(2, 3, 3, dt="float64", kind="spd"),
    F(2, 3, 1, dt="float64"),
    ref=np.linalg.solve,
    grad=True,
    tag="batched",
)
C(
    "solve_triangular",
    V(np.tril(np.arange(1.0, 10.0).reshape(3, 3)) + 2 * np.eye(3)),
    F(3, 2),
    True,
    ref=lambda a, b, lower: np.linalg.solve(a, b),
    none_dim=False,
)
C(
    "solve_triangular",
    V(np.triu(np.arange(1.0, 10.0).reshape(3, 3)) + 2 * np.eye(3)),
    F(3, 2),
    ref=lambda a, b: np.linalg.solve(a, b),
    tag="upper",
    none_dim=False,
)
C("norm", F(3, 4), ref=np.linalg.norm, tag="fro", none_dim=False)
C("norm", F(3, 4), kw={"axis": 1}, ref=np.linalg.norm, tag="axis1")
C("norm", F(3, 4), kw={"ord": 1, "axis": -1, "keepdims": True}, ref=np.linalg.norm, tag="l1")
C("norm", F(3, 4), kw={"ord": np.inf, "axis": 1}, ref=np.linalg.norm, tag="inf")
C(
    "norm",
    F(3, 4),
    kw={"ord": "fro", "axis": (0, 1)},
    ref=np.linalg.norm,
    tag="matrix",
    none_dim=False,
)
C(
    "norm",
    F(3, 4),
    kw={"ord": 1, "axis": (0, 1)},
    ref=np.linalg.norm,
    tag="matrix-l1",
    none_dim=False,
)
C("norm", I(3, 4, lo=-3, hi=3), kw={"axis": 1}, ref=np.linalg.norm, dtype="float32", tag="int")
C("norm", F(2, 3, dt="float64"), kw={"axis": 1}, ref=np.linalg.norm, grad=True, tag="grad")
C("pinv", F(4, 3), ref=np.linalg.pinv, none_dim=False, tol=(1e-3, 1e-4))
C(
    "matrix_rank",
    V([[1.0, 2.0], [2.0, 4.0]]),
    ref=lambda x: np.linalg.matrix_rank(x),
    dtype="int32",
    none_dim=False,
)
C(
    "matrix_rank",
    F(3, 3, kind="spd"),
    ref=lambda x: np.linalg.matrix_rank(x),
    dtype="int32",
    tag="full",
    none_dim=False,
)
C(
    "lstsq",
    F(5, 3),
    F(5, 2),
    ref=lambda a, b: np.linalg.lstsq(a, b)[0],
    none_dim=False,
    tol=(1e-3, 1e-4),
)
C("slogdet", F(3, 3), ref=lambda x: tuple(np.linalg.slogdet(x)), none_dim=False)
C("slogdet", F(2, 3, 3, dt="float64"), ref=lambda x: tuple(np.linalg.slogdet(x)), tag="batched")


def _check_qr(out, args, mode="reduced"):
    q, r = out
    a = args[0].astype(np.float64)
    np.testing.assert_allclose(q @ r, a, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.triu(r), r, atol=1e-5)
    k = q.shape[-1]
    eye = np.broadcast_to(np.eye(k), q.shape[:-2] + (k, k))
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, eye, atol=1e-4)


def _check_svd(out, args):
    u, s, vh = out
    a = args[0].astype(np.float64)
    k = s.shape[-1]
    recon = (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :]
    np.testing.assert_allclose(recon, a, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=1e-4, atol=1e-5)


def _check_eigh(out, args):
    w, v = out
    a = args[0].astype(np.float64)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(a @ v, v * w[..., None, :], rtol=1e-3, atol=1e-3)


def _check_eig(out, args):
    w, _ = out
    a = args[0].astype(np.float64)
    np.testing.assert_allclose(np.sort(np.real(w), -1), np.linalg.eigvalsh(a), rtol=1e-4, atol=1e-4)


def _check_lu(out, args):
    lu, piv = out
    a = args[0].astype(np.float64)
    n = a.shape[-1]
    lower = np.tril(lu, -1) + np.eye(n)
    upper = np.triu(lu)
    perm = np.arange(n)
    for i, p in enumerate(np.asarray(piv)):
        perm[[i, p]] = perm[[p, i]]
    np.testing.assert_allclose(lower @ upper, a[perm], rtol=1e-4, atol=1e-4)


C("qr", F(4, 3), ref=None, check=_check_qr, dtype=("same", "same"), none_dim=False)
C("qr", F(2, 4, 3), ref=None, check=_check_qr, dtype=("same", "same"), tag="batched")
C(
    "qr",
    F(4, 3),
    kw={"mode": "complete"},
    ref=None,
    check=_check_qr,
    dtype=("same", "same"),
    tag="complete",
    none_dim=False,
)
C("svd", F(4, 3), ref=None, check=_check_svd, dtype=("same", "same", "same"), none_dim=False)
C(
    "svd",
    F(2, 3, 4),
    kw={"full_matrices": False},
    ref=None,
    check=_check_svd,
    dtype=("same", "same", "same"),
    tag="reduced",
)
C(
    "svd",
    F(4, 3),
    kw={"compute_uv": False},
    ref=lambda x, compute_uv: np.linalg.svd(x, compute_uv=False),
    tag="values",
    none_dim=False,
)
C("eigh", F(3, 3, kind="spd"), ref=None, check=_check_eigh, dtype=("same", "same"), none_dim=False)
C(
    "eig",
    F(3, 3, kind="spd"),
    ref=None,
    check=_check_eig,
    dtype=None,
    needs=("complex",),
    none_dim=False,
)
C("lu_factor", F(3, 3), ref=None, check=_check_lu, dtype=("same", "int32"), none_dim=False)

# =================================================================================================
# Control flow and higher-order ops (callables use kcore.ops; references are NumPy)
# =================================================================================================


def _ops():
    from kcore import ops

    return ops


def _k_add_one(x):
    return _ops().add(x, 1.0)


def _k_double(x):
    return _ops().multiply(x, 2.0)


def _k_sum_rows(x):
    return _ops().sum(x, axis=-1)


C(
    "cond",
    True,
    lambda: _ops().ones((2,)),
    lambda: _ops().zeros((2,)),
    ref=lambda p, a, b: np.ones(2),
    dtype="float32",
    symbolic=False,
)
C(
    "cond",
    V(False, "bool"),
    lambda: _ops().ones((2,)),
    lambda: _ops().zeros((2,)),
    ref=lambda p, a, b: np.zeros(2),
    dtype="float32",
    tag="tensor",
    none_dim=False,
)
C(
    "switch",
    V(1, "int32"),
    [_k_add_one, _k_double],
    F(2, 3),
    ref=lambda i, b, x: x * 2,
    tag="index1",
)
C(
    "fori_loop",
    0,
    4,
    lambda i, x: _ops().add(x, _ops().cast(i, "float32")),
    F(2, 3),
    ref=lambda lo, hi, f, x: x + 6,
)
C(
    "while_loop",
    lambda i, x: _ops().less(i, 3),
    lambda i, x: (_ops().add(i, 1), _ops().multiply(x, 2.0)),
    (V(0, "int32"), F(2)),
    ref=lambda c, b, v: (np.array(3), v[1] * 8),
    dtype=("int32", "float32"),
    none_dim=False,
)
C(
    "while_loop",
    lambda x: _ops().less(_ops().sum(x), 100.0),
    lambda x: _ops().add(x, 10.0),
    F(3, lo=0, hi=1),
    kw={"maximum_iterations": 2},
    ref=lambda c, b, x, maximum_iterations: x + 20,
    dtype="float32",
    tag="max_iter",
    none_dim=False,
)
C(
    "scan",
    lambda c, x: (_ops().add(c, x), _ops().multiply(c, 2.0)),
    F(3),
    F(4, 3),
    ref=lambda f, c, xs: (
        c + xs.sum(0),
        2 * (c + np.concatenate([np.zeros((1, 3)), np.cumsum(xs, 0)[:-1]])),
    ),
    dtype=("float32", "float32"),
    none_dim=False,
)
C(
    "scan",
    lambda c, x: (_ops().add(c, x), c),
    F(3),
    F(4, 3),
    kw={"reverse": True},
    ref=lambda f, c, xs, reverse: (
        c + xs.sum(0),
        c + np.concatenate([np.cumsum(xs[::-1], 0)[::-1][1:], np.zeros((1, 3))]),
    ),
    dtype=("float32", "float32"),
    tag="reverse",
    none_dim=False,
)
C("map", _k_sum_rows, F(4, 3, 2), ref=lambda f, x: x.sum(-1))
C("vectorized_map", _k_sum_rows, F(4, 3, 2), ref=lambda f, x: x.sum(-1))
C(
    "associative_scan",
    lambda a, b: _ops().add(a, b),
    F(5, 2),
    ref=lambda f, x: np.cumsum(x, 0),
    none_dim=False,
)
C(
    "associative_scan",
    lambda a, b: _ops().maximum(a, b),
    F(2, 5),
    kw={"axis": 1, "reverse": True},
    ref=lambda f, x, axis, reverse: np.flip(np.maximum.accumulate(np.flip(x, 1), 1), 1),
    tag="reverse",
)

# =================================================================================================
# image
# =================================================================================================


def _grayscale(images, data_format=None):
    return np.tensordot(images, np.array([0.2989, 0.5870, 0.1140]), axes=([-1], [0]))[..., None]


def _pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    h, w = images.shape[-3:-1]
    bottom = bottom_padding if bottom_padding is not None else target_height - h - top_padding
    right = right_padding if right_padding is not None else target_width - w - left_padding
    pads = [(0, 0)] * (images.ndim - 3) + [(top_padding, bottom), (left_padding, right), (0, 0)]
    return np.pad(images, pads)


def _crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    h, w = images.shape[-3:-1]
    th = target_height if target_height is not None else h - top_cropping - bottom_cropping
    tw = target_width if target_width is not None else w - left_cropping - right_cropping
    return images[..., top_cropping : top_cropping + th, left_cropping : left_cropping + tw, :]


def _extract_patches(
    images, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    kh, kw_ = _norm_tuple(size, 2)
    sh, sw = _norm_tuple(strides if strides is not None else size, 2)
    n, h, w, c = images.shape
    oh, ow = (h - kh) // sh + 1, (w - kw_) // sw + 1
    out = np.zeros((n, oh, ow, kh * kw_ * c))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = images[:, i * sh : i * sh + kh, j * sw : j * sw + kw_, :].reshape(n, -1)
    return out


def _resize_nearest_2x(images, size, interpolation="nearest", **kwargs):
    return images.repeat(2, axis=-3).repeat(2, axis=-2)


def _resize_bilinear(images, size, interpolation="bilinear", **kwargs):
    # Half-pixel centres, no antialiasing, edge-clamped.
    def axis_weights(in_size, out_size):
        coords = (np.arange(out_size) + 0.5) * in_size / out_size - 0.5
        coords = np.clip(coords, 0, in_size - 1)
        lo = np.floor(coords).astype(int)
        hi = np.minimum(lo + 1, in_size - 1)
        frac = coords - lo
        m = np.zeros((out_size, in_size))
        m[np.arange(out_size), lo] += 1 - frac
        m[np.arange(out_size), hi] += frac
        return m

    h, w = images.shape[-3:-1]
    mh, mw = axis_weights(h, size[0]), axis_weights(w, size[1])
    return np.einsum("oh,...hwc,pw->...opc", mh, images, mw)


def _rgb_to_hsv(images, data_format=None):
    import colorsys

    flat = images.reshape(-1, 3)
    out = np.array([colorsys.rgb_to_hsv(*p) for p in flat])
    return out.reshape(images.shape)


def _hsv_to_rgb(images, data_format=None):
    import colorsys

    flat = images.reshape(-1, 3)
    out = np.array([colorsys.hsv_to_rgb(*p) for p in flat])
    return out.reshape(images.shape)


C("rgb_to_grayscale", F(2, 4, 4, 3, lo=0, hi=1), ref=_grayscale)
C("rgb_to_grayscale", F(4, 4, 3, lo=0, hi=255), ref=_grayscale, tag="unbatched", none_dim=False)
C("rgb_to_hsv", F(2, 3, 3, 3, lo=0, hi=1), ref=_rgb_to_hsv, tol=(1e-4, 1e-4))
C("hsv_to_rgb", F(2, 3, 3, 3, lo=0, hi=1), ref=_hsv_to_rgb, tol=(1e-4, 1e-4))
C("pad_images", F(2, 3, 4, 1), 1, 2, kw={"target_height": 6, "target_width": 7}, ref=_pad_images)
C(
    "pad_images",
    F(3, 4, 2),
    kw={"top_padding": 1, "left_padding": 0, "bottom_padding": 2, "right_padding": 1},
    ref=_pad_images,
    tag="explicit",
    none_dim=False,
)
C("crop_images", F(2, 5, 6, 1), 1, 2, kw={"target_height": 3, "target_width": 3}, ref=_crop_images)
C(
    "crop_images",
    F(5, 6, 2),
    kw={"top_cropping": 1, "left_cropping": 1, "bottom_cropping": 2, "right_cropping": 0},
    ref=_crop_images,
    tag="explicit",
    none_dim=False,
)
C("extract_patches", F(2, 4, 6, 2), 2, ref=_extract_patches)
C("extract_patches", F(1, 5, 5, 1), (3, 3), (2, 2), ref=_extract_patches, tag="strides")
C(
    "resize",
    F(2, 3, 4, 2),
    (6, 8),
    kw={"interpolation": "nearest"},
    ref=_resize_nearest_2x,
    tag="nearest",
)
C("resize", F(2, 3, 4, 2), (6, 8), ref=_resize_bilinear, tag="bilinear")
C("resize", F(1, 4, 4, 1), (3, 5), ref=_resize_bilinear, tag="bilinear-odd")
C(
    "affine_transform",
    F(2, 4, 5, 3),
    V(np.tile([1.0, 0, 0, 0, 1.0, 0, 0, 0], (2, 1))),
    ref=lambda images, t: images,
    tag="identity",
)
_RAMP = V(np.broadcast_to(np.arange(6.0)[None, None, :, None], (2, 6, 6, 2)).copy())


def _check_blur_ramp(out, args):
    # A symmetric normalised kernel keeps a linear ramp unchanged away from the border.
    np.testing.assert_allclose(out[:, 1:-1, 1:-1], args[0][:, 1:-1, 1:-1], rtol=1e-4, atol=1e-4)


def _check_sobel_ramp(out, args):
    # Horizontal ramp of slope 1: one gradient channel is +-8, the other 0, inside the border.
    inner = np.asarray(out)[:, 1:-1, 1:-1]
    mags = sorted(float(np.abs(inner[..., k]).mean()) for k in range(inner.shape[-1]))
    np.testing.assert_allclose(mags, [0.0, 8.0], atol=1e-3)


def _no_check(out, args):
    return None


# Keras 3.15's NumPy and JAX backends disagree on these, so they are checked by property only.
C("gaussian_blur", _RAMP, ref=None, check=_check_blur_ramp, keras=False, tag="ramp")
C(
    "gaussian_blur",
    F(2, 5, 5, 3),
    kw={"kernel_size": (5, 5), "sigma": (2.0, 2.0)},
    ref=None,
    check=_no_check,
    keras=False,
)
C("sobel_edges", _RAMP, ref=None, check=_check_sobel_ramp, keras=False, tag="ramp")
C("elastic_transform", F(2, 6, 6, 3), kw={"seed": 1}, ref=None, check=lambda out, args: None)
C(
    "map_coordinates",
    F(4, 5),
    V(np.stack(np.meshgrid(np.arange(4.0), np.arange(5.0), indexing="ij"))),
    0,
    ref=lambda x, c, o: x,
    tag="identity",
    none_dim=False,
)
C(
    "map_coordinates",
    F(4, 5),
    V([[0.5, 1.5, 3.0], [1.0, 2.5, 4.0]]),
    1,
    ref=None,
    tag="linear",
    none_dim=False,
)
C(
    "perspective_transform",
    F(2, 4, 4, 3),
    V(np.tile([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 3.0]], (2, 1, 1))),
    V(np.tile([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 3.0]], (2, 1, 1))),
    ref=lambda images, s, e: images,
    tag="identity",
)
C(
    "ssim",
    F(2, 12, 12, 1, lo=0, hi=1),
    F(2, 12, 12, 1, lo=0, hi=1),
    ref=None,
    none_dim=False,
    kw={"filter_size": 5},
)
C("extract_patches_3d", F(1, 4, 4, 4, 2), 2, ref=None)
C(
    "scale_and_translate",
    F(2, 4, 4, 3),
    (2, 8, 8, 3),
    V([2.0, 2.0]),
    V([0.0, 0.0]),
    (1, 2),
    "linear",
    ref=None,
    none_dim=False,
)

# -- linalg.jvp -----------------------------------------------------------------------------------
C(
    "jvp",
    lambda x: _ops().multiply(x, x),
    (F(3),),
    (F(3),),
    ref=lambda f, p, t: (p[0] ** 2, 2 * p[0] * t[0]),
    dtype=("float32", "float32"),
    symbolic=False,
)


# =================================================================================================
# Ids and the gradient subset
# =================================================================================================
def _main_dtype(case: Case) -> str:
    specs = case.input_specs()
    if specs:
        return specs[0].dtype
    return "none"


def _assign_ids(cases: list[Case]) -> None:
    seen: dict[str, int] = {}
    for case in cases:
        base = f"{case.op}-{_main_dtype(case)}"
        if case.tag:
            base += f"-{case.tag}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        case.id = base if n == 0 else f"{base}-{n + 1}"


#: ops whose every variant runs by default (the rest run one case per op unless ``full``).
CORE_OPS = frozenset(
    {
        "add", "multiply", "divide", "sum", "mean", "matmul", "where", "cast",
    }
)  # fmt: skip
#: ops whose gradient cases run by default.
CORE_GRAD_OPS = frozenset(
    {
        "add", "multiply", "matmul", "sum", "mean", "exp", "log", "tanh", "sigmoid", "relu",
        "softmax", "log_softmax", "logsumexp", "conv", "categorical_crossentropy", "take",
        "where",
    }
)  # fmt: skip


def _assign_tiers(cases: list[Case]) -> None:
    seen: set[str] = set()
    for case in cases:
        if not case.tier:
            first = case.op not in seen
            case.tier = "core" if first or case.op in CORE_OPS else "full"
        seen.add(case.op)


_assign_ids(CASES)
_assign_tiers(CASES)
CASES_BY_ID = {case.id: case for case in CASES}
GRAD_CASES = [case for case in CASES if case.grad]

# =================================================================================================
# Dtype promotion: (op, input dtypes or Python scalars, expected dtype) -- Keras 3's rules.
# =================================================================================================
PROMOTION_CASES = [
    ("add", ("int32", "float16"), "float16"),
    ("add", ("int8", "uint8"), "int16"),
    ("add", ("float16", 1.5), "float16"),
    ("add", ("int32", 1.5), "float32"),
    ("add", ("uint8", 3), "uint8"),
    ("add", ("int8", 3), "int8"),
    ("add", ("bool", "bool"), "bool"),
    ("add", ("bool", "int8"), "int8"),
    ("add", ("bool", 1.5), "float32"),
    ("add", ("bfloat16", "float16"), "float32"),
    ("add", ("float32", "float64"), "float64"),
    ("add", ("int64", "float16"), "float16"),
    ("add", ("uint32", "int32"), "int64"),
    ("add", ("uint8", "int32"), "int32"),
    ("add", ("int16", "uint16"), "int32"),
    ("add", ("bfloat16", "int32"), "bfloat16"),
    ("multiply", ("int32", "int64"), "int64"),
    ("subtract", ("float16", "float32"), "float32"),
    ("maximum", ("int8", "float16"), "float16"),
    ("divide", ("int32", "int32"), "float32"),
    ("divide", ("int64", "int64"), "float32"),
    ("divide", ("float16", "int32"), "float16"),
    ("true_divide", ("int8", "int8"), "float32"),
    ("power", ("int32", 2), "int32"),
    ("power", ("float16", 2), "float16"),
    ("mean", ("int32",), "float32"),
    ("mean", ("float16",), "float16"),
    ("sqrt", ("int32",), "float32"),
    ("sqrt", ("float16",), "float16"),
    ("exp", ("bool",), "float32"),
    ("sum", ("bool",), "int32"),
    ("sum", ("int8",), "int32"),
    ("sum", ("uint8",), "uint32"),
    ("sum", ("float16",), "float16"),
    ("matmul", ("int32", "float16"), "float16"),
    ("matmul", ("int8", "int8"), "int32"),
    ("where", ("bool", "int32", "float16"), "float16"),
    ("argmax", ("float32",), "int32"),
    ("abs", ("int8",), "int8"),
    ("negative", ("uint8",), "uint8"),
]


# =================================================================================================
# Running cases through Keras 3 (``python -m kcore.testing.ops_cases --keras IDS.json OUT.npz``)
# =================================================================================================
def _keras_main(ids_path: str, out_path: str) -> int:
    """Run the named cases with ``keras.ops`` (whatever ``KERAS_BACKEND`` says); save results."""
    import json
    import warnings

    warnings.simplefilter("ignore")
    try:
        import keras
    except ImportError:
        return 3
    with open(ids_path) as f:
        ids = json.load(f)
    arrays, meta = {}, {}
    for cid in ids:
        case = CASES_BY_ID[cid]
        fn = None
        for mod in (keras.ops, keras.ops.image, keras.ops.nn, keras.ops.linalg, keras.ops.numpy):
            fn = getattr(mod, case.op, None)
            if fn is not None:
                break
        if fn is None:
            meta[cid] = {"status": "error", "message": f"keras.ops has no {case.op}"}
            continue
        try:
            with np.errstate(all="ignore"):
                out = fn(*build_args(case), **case.kwargs)
            leaves = flatten(out)
            dtypes = [keras.backend.standardize_dtype(getattr(x, "dtype", type(x))) for x in leaves]
            for i, leaf in enumerate(leaves):
                value = np.asarray(keras.ops.convert_to_numpy(leaf))
                if dtypes[i] == "bfloat16":
                    value = value.astype(np.float32)
                arrays[f"{cid}::{i}"] = value
            meta[cid] = {"status": "ok", "dtypes": dtypes}
        except Exception as exc:  # noqa: BLE001 - reported per case
            meta[cid] = {"status": "error", "message": f"{type(exc).__name__}: {exc}"[:300]}
    np.savez(out_path, __meta__=np.asarray(json.dumps(meta)), **arrays)
    return 0


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 4 and sys.argv[1] == "--keras":
        sys.exit(_keras_main(sys.argv[2], sys.argv[3]))
    print("usage: python -m kcore.testing.ops_cases --keras IDS.json OUT.npz", file=sys.stderr)
    sys.exit(2)
