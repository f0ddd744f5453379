"""The shared ``kcore.ops`` conformance suite.

A backend plugin runs it with a test module containing::

    from kcore.testing.ops_suite import *  # noqa: F403

The tests run on the active backend (``kcore.backend.backend()``; choose it with
``KCORE_BACKEND``) and never switch backends. They skip on ``Capabilities`` flags only. Checks:

- ``test_op_value``: eager result vs the NumPy reference of :mod:`kcore.testing.ops_cases`.
- ``test_op_dtype``: result dtype vs Keras 3's promotion rules.
- ``test_op_symbolic`` / ``test_op_symbolic_none_dim``: shape inference on ``KerasTensor``.
- ``test_op_gradient``: ``backend.gradient`` vs central finite differences.
- ``test_dtype_promotion*``, ``test_random_*``, ``test_error_*`` and ``test_keras_crosscheck``.

Environment:

- ``KCORE_OPS_SUITE=full`` runs every case of the table (about 4,100 tests). By default one case
  per op runs, plus every case of the ops in ``ops_cases.CORE_OPS`` and the gradients of
  ``ops_cases.CORE_GRAD_OPS`` (about 1,700 tests): JAX compiles each new (op, shape, dtype), which
  costs ~0.1 s per case on a small CPU. A persistent compilation cache
  (``JAX_COMPILATION_CACHE_DIR`` with ``JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0``) makes
  repeated JAX runs several times faster.
- ``KCORE_OPS_SUITE_STRICT=1`` fails (instead of skipping) cases whose op the backend does not
  implement.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing import ops_cases
from kcore.testing.ops_cases import (
    CASES,
    GRAD_CASES,
    PROMOTION_CASES,
    TOLERANCES,
    build_args,
    expected_dtypes,
    flatten,
    reference,
)

__all__ = [
    "test_dtype_promotion",
    "test_dtype_promotion_matrix",
    "test_error_conv_kernel_rank",
    "test_error_matmul_shapes",
    "test_error_reshape_size",
    "test_every_table_op_implemented",
    "test_keras_crosscheck",
    "test_op_dtype",
    "test_op_gradient",
    "test_op_symbolic",
    "test_op_symbolic_none_dim",
    "test_op_value",
    "test_custom_gradient",
    "test_vectorize",
    "test_random_categorical",
    "test_random_dropout_rate",
    "test_random_int_seed_reproducible",
    "test_random_normal_moments",
    "test_random_randint_bounds",
    "test_random_seed_generator_advances",
    "test_random_shapes_and_dtypes",
    "test_random_shuffle_is_permutation",
    "test_random_truncated_normal_bounds",
    "test_random_uniform_bounds",
    "test_tensor_introspection",
]

_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}


# -------------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------------
def _backend():
    return kcore.backend.get_backend()


def _caps():
    return _backend().capabilities


_SIGNED_STORAGE = {"uint16": "int32", "uint32": "int64", "uint64": "int64"}


def _effective(dtype):
    """The dtype a backend produces for ``dtype`` given its capabilities (float64, unsigned)."""
    if dtype is None:
        return dtype
    caps = _caps()
    if not caps.wide_unsigned:
        dtype = _SIGNED_STORAGE.get(dtype, dtype)
    if caps.float64:
        return dtype
    return _NARROW.get(dtype, dtype)


def _require(case) -> None:
    backend = _backend()
    if case.op not in backend.ops:
        message = f"kcore.ops.{case.op} is not implemented by the {backend.name!r} backend"
        if os.environ.get("KCORE_OPS_SUITE_STRICT"):
            pytest.fail(message)
        pytest.skip(message)
    for flag in case.needs:
        if not getattr(backend.capabilities, flag, False):
            pytest.skip(f"the backend lacks capability {flag!r}")


def _map(fn, value):
    if isinstance(value, list):
        return [_map(fn, v) for v in value]
    if isinstance(value, tuple):
        return tuple(_map(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: _map(fn, v) for k, v in value.items()}
    return fn(value)


def _to_tensors(args):
    """NumPy arrays in ``args`` -> backend tensors (other values unchanged)."""
    return _map(lambda v: ops.convert_to_tensor(v) if isinstance(v, np.ndarray) else v, args)


def _to_numpy(out):
    def convert(x):
        if isinstance(x, (bool, int, float, complex, np.generic, np.ndarray)):
            return np.asarray(x)
        return np.asarray(ops.convert_to_numpy(x))

    return _map(convert, out)


def _dtype_of(x):
    if isinstance(x, (bool, int, float, complex)):
        return None
    return ops.dtype(x)


def _op(name):
    return getattr(ops, name)


def _std(dtype_name):
    return kcore.backend.standardize_dtype(dtype_name)


def _assert_close(actual, expected, dtype, tol, what=""):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (
        f"{what}shape {actual.shape} != expected {expected.shape}"
    )
    if dtype is None and actual.dtype.kind in "fc":
        dtype = actual.dtype.name
    if dtype in TOLERANCES or actual.dtype.kind in "fc":
        rtol, atol = tol or TOLERANCES.get(dtype, TOLERANCES["float32"])
        kind = np.complex128 if (actual.dtype.kind == "c" or expected.dtype.kind == "c") else None
        target = kind or np.float64
        np.testing.assert_allclose(
            actual.astype(target),
            expected.astype(target),
            rtol=rtol,
            atol=atol,
            equal_nan=True,
            err_msg=what,
        )
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=what)


_EAGER_CACHE: dict = {}


def _eager(case):
    """(numpy outputs, output dtypes) of the case on the active backend, cached."""
    key = (_backend().name, case.id)
    if key not in _EAGER_CACHE:
        args = build_args(case)
        try:
            out = _op(case.op)(*_to_tensors(args), **case.kwargs)
            leaves = flatten(out)
            result = (_to_numpy(out), [_dtype_of(leaf) for leaf in leaves], None)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - re-raised by every test of the case
            result = (None, None, exc)
        _EAGER_CACHE[key] = result
    out, dtypes, exc = _EAGER_CACHE[key]
    if exc is not None:
        raise exc
    return out, dtypes


def _expected_per_output(case, n_outputs):
    expected = [_effective(d) for d in expected_dtypes(case, kcore.config.floatx())]
    if len(expected) == 1:
        return expected * n_outputs
    return expected


def _case_params(cases):
    return [pytest.param(case, id=case.id) for case in cases]


# -------------------------------------------------------------------------------------------------
# per-case checks
# -------------------------------------------------------------------------------------------------
#: ``KCORE_OPS_SUITE=full`` runs every case; by default one case per op plus every case of
#: :data:`kcore.testing.ops_cases.CORE_OPS` (JAX compiles each new op / shape, so keep it small).
_FULL = os.environ.get("KCORE_OPS_SUITE", "").strip().lower() == "full"
_SELECTED = [c for c in CASES if _FULL or c.tier == "core"]
_VALUE_CASES = [c for c in _SELECTED if c.ref is not None or c.check is not None]


@pytest.mark.parametrize("case", _case_params(_VALUE_CASES))
def test_op_value(case):
    """The eager result equals the NumPy reference (within the result dtype's tolerance)."""
    _require(case)
    out, dtypes = _eager(case)
    args = build_args(case)
    if case.check is not None:
        case.check(out, args)
        return
    want = reference(case, args)
    got_leaves, want_leaves = flatten(out), flatten(want)
    assert len(got_leaves) == len(want_leaves), (
        f"{case.op} returned {len(got_leaves)} outputs, expected {len(want_leaves)}"
    )
    expected = _expected_per_output(case, len(got_leaves))
    for i, (got, ref) in enumerate(zip(got_leaves, want_leaves)):
        dtype = expected[i] if i < len(expected) else None
        _assert_close(got, ref, dtype or dtypes[i], case.tol, what=f"{case.id} output {i}: ")


@pytest.mark.parametrize("case", _case_params([c for c in _SELECTED if c.dtype is not None]))
def test_op_dtype(case):
    """The result dtype follows Keras 3 (promotion, weak Python scalars, int -> floatx)."""
    _require(case)
    _, dtypes = _eager(case)
    expected = _expected_per_output(case, len(dtypes))
    got = [d for d, e in zip(dtypes, expected) if e is not None]
    want = [e for e in expected if e is not None]
    assert got == want, f"{case.id}: dtypes {dtypes} != expected {expected}"


def _with_leaves(structure, replace):
    """``structure`` with its ``i``-th leaf replaced by ``replace(i, leaf)``."""
    counter = iter(range(10**9))
    return _map(lambda leaf: replace(next(counter), leaf), structure)


def _none_positions(case, args):
    leaves = flatten(args)
    tensors = [i for i, leaf in enumerate(leaves) if isinstance(leaf, np.ndarray)]
    if case.none_args is not None:
        return {tensors[k] for k in case.none_args}
    first = next((leaves[i] for i in tensors if leaves[i].ndim > 0), None)
    if first is None:
        return set()
    return {i for i in tensors if leaves[i].ndim > 0 and leaves[i].shape[0] == first.shape[0]}


def _symbolic_args(case, args, none_dim):
    positions = _none_positions(case, args) if none_dim else set()

    def make(i, value):
        if not isinstance(value, np.ndarray):
            return value
        shape = list(value.shape)
        if i in positions:
            shape[0] = None
        return kcore.KerasTensor(tuple(shape), dtype=_effective(_std(value.dtype)))

    return _with_leaves(args, make)


def _check_symbolic(case, none_dim):
    _require(case)
    eager_out, eager_dtypes = _eager(case)
    args = build_args(case)
    if none_dim and not _none_positions(case, args):
        pytest.skip("no tensor input has a leading dim")
    sym = _op(case.op)(*_symbolic_args(case, args, none_dim), **case.kwargs)
    sym_leaves, eager_leaves = flatten(sym), flatten(eager_out)
    assert len(sym_leaves) == len(eager_leaves), (
        f"{case.id}: symbolic call returned {len(sym_leaves)} outputs, eager {len(eager_leaves)}"
    )
    for i, (s, e) in enumerate(zip(sym_leaves, eager_leaves)):
        assert isinstance(s, kcore.KerasTensor), f"{case.id} output {i}: got {type(s).__name__}"
        want = tuple(np.shape(e))
        if none_dim and want:
            want = (None, *want[1:])
        assert tuple(s.shape) == want, f"{case.id} output {i}: symbolic shape {s.shape} != {want}"
        if eager_dtypes[i] is not None:
            assert _effective(s.dtype) == _effective(eager_dtypes[i]), (
                f"{case.id} output {i}: symbolic dtype {s.dtype} != eager {eager_dtypes[i]}"
            )


@pytest.mark.parametrize("case", _case_params([c for c in _SELECTED if c.symbolic]))
def test_op_symbolic(case):
    """On ``KerasTensor`` inputs the op returns ``KerasTensor``s of the eager shape and dtype."""
    _check_symbolic(case, none_dim=False)


@pytest.mark.parametrize("case", _case_params([c for c in _SELECTED if c.symbolic and c.none_dim]))
def test_op_symbolic_none_dim(case):
    """With an unknown (``None``) leading dim the outputs keep ``None`` there."""
    _check_symbolic(case, none_dim=True)


def _float_sum(values) -> float:
    total = 0.0
    for leaf in flatten(values):
        leaf = np.asarray(leaf)
        if leaf.dtype.kind in "fc":
            total += float(np.sum(np.real(leaf)))
    return total


def _numeric_grad(case, args, index, eps=1e-5):
    """Central differences of ``sum(reference(...))`` w.r.t. the ``index``-th leaf of ``args``."""

    def upcast(i, leaf):
        if isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f":
            return leaf.astype(np.float64)
        return leaf

    base = _with_leaves(args, upcast)
    x = flatten(base)[index]
    grad = np.zeros_like(x)

    def at(value):
        return _float_sum(
            reference(case, _with_leaves(base, lambda i, v: value if i == index else v))
        )

    for pos in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[pos] += eps
        minus[pos] -= eps
        grad[pos] = (at(plus) - at(minus)) / (2 * eps)
    return grad


def _grad_params():
    full = _FULL
    return _case_params([c for c in GRAD_CASES if full or c.op in ops_cases.CORE_GRAD_OPS])


@pytest.mark.parametrize("case", _grad_params())
def test_op_gradient(case):
    """``backend.gradient`` of ``sum(op(...))`` matches central finite differences."""
    _require(case)
    backend = _backend()
    args = build_args(case)
    leaves = flatten(args)
    argnums = case.grad_argnums or tuple(
        i for i, a in enumerate(leaves) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
    )
    float_dtype = "float64" if backend.capabilities.float64 else "float32"
    diff = [ops.convert_to_tensor(leaves[i], dtype=float_dtype) for i in argnums]
    slots = dict(zip(argnums, range(len(argnums))))
    fixed = _with_leaves(
        args, lambda i, v: ops.convert_to_tensor(v) if isinstance(v, np.ndarray) else v
    )
    op = _op(case.op)

    def fn(*xs):
        full = _with_leaves(fixed, lambda i, v: xs[slots[i]] if i in slots else v)
        total = None
        for leaf in flatten(op(*full, **case.kwargs)):
            if not str(ops.dtype(leaf)).startswith("float"):
                continue
            s = ops.sum(leaf)
            total = s if total is None else ops.add(total, s)
        return total

    try:
        grads = backend.gradient(fn, *diff)
    except NotImplementedError as exc:
        pytest.skip(f"gradient not available: {exc}")
    assert len(grads) == len(argnums)
    rtol, atol = (1e-4, 1e-6) if float_dtype == "float64" else (2e-3, 2e-4)
    for i, g in zip(argnums, grads):
        numeric = _numeric_grad(case, args, i)
        _assert_close(
            _to_numpy(g), numeric, float_dtype, (rtol, atol), what=f"{case.id} d/darg{i}: "
        )


def test_every_table_op_implemented():
    """Every ``kcore.ops`` name has an implementation in ``backend.ops``."""
    backend = _backend()
    missing = sorted(set(ops.SIGNATURES) - set(backend.ops))
    assert not missing, f"{len(missing)} ops missing on {backend.name!r}: {', '.join(missing)}"


def test_tensor_introspection():
    """``shape`` / ``ndim`` / ``size`` / ``dtype`` / ``is_tensor`` / ``convert_to_numpy``."""
    x = ops.convert_to_tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert tuple(ops.shape(x)) == (2, 3)
    assert ops.ndim(x) == 2
    assert (
        int(
            np.asarray(ops.convert_to_numpy(ops.size(x)))
            if not isinstance(ops.size(x), int)
            else ops.size(x)
        )
        == 6
    )
    assert ops.dtype(x) == "float32"
    assert ops.is_tensor(x) is True
    assert ops.is_tensor(np.ones(2)) is False
    np.testing.assert_array_equal(ops.convert_to_numpy(x), np.arange(6).reshape(2, 3))
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)
    s = kcore.KerasTensor((None, 3))
    assert ops.shape(s) == (None, 3)
    assert ops.ndim(s) == 2


def test_custom_gradient():
    """``custom_gradient`` replaces the gradient: here d/dx is forced to ``3 * upstream``."""
    backend = _backend()

    @ops.custom_gradient
    def f(x):
        def grad(*args, upstream=None):
            upstream = args[-1] if upstream is None else upstream
            return ops.multiply(upstream, 3.0)

        return ops.square(x), grad

    x = ops.convert_to_tensor(np.array([1.0, -2.0, 0.5], dtype=np.float32))
    np.testing.assert_allclose(_to_numpy(f(x)), [1.0, 4.0, 0.25], rtol=1e-6)
    (g,) = backend.gradient(lambda v: ops.sum(f(v)), x)
    np.testing.assert_allclose(_to_numpy(g), [3.0, 3.0, 3.0], rtol=1e-6)


def test_vectorize():
    """``vectorize`` maps a tensor function over leading dims (NumPy's semantics)."""
    fn = ops.vectorize(lambda a, b: ops.add(ops.multiply(a, 2.0), b))
    x = ops.convert_to_tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = ops.convert_to_tensor(np.ones(3, dtype=np.float32))
    np.testing.assert_allclose(_to_numpy(fn(x, y)), np.arange(6).reshape(2, 3) * 2 + 1)
    rows = ops.vectorize(lambda v: ops.sum(v), signature="(n)->()")
    np.testing.assert_allclose(_to_numpy(rows(x)), [3.0, 12.0])


# -------------------------------------------------------------------------------------------------
# dtype promotion
# -------------------------------------------------------------------------------------------------
def _typed_input(dtype, shape=(2,)):
    if not isinstance(dtype, str):
        return dtype  # a Python scalar (weakly typed)
    if dtype == "bool":
        return ops.convert_to_tensor(np.ones(shape, dtype=bool))
    if dtype == "bfloat16":
        return ops.cast(ops.convert_to_tensor(np.ones(shape, dtype=np.float32)), "bfloat16")
    return ops.convert_to_tensor(np.ones(shape, dtype=dtype))


def _promotion_id(entry):
    op, dtypes, _ = entry
    return f"{op}-" + "-".join(d if isinstance(d, str) else f"py{type(d).__name__}" for d in dtypes)


@pytest.mark.parametrize(
    "op,dtypes,expected", [pytest.param(*e, id=_promotion_id(e)) for e in PROMOTION_CASES]
)
def test_dtype_promotion(op, dtypes, expected):
    """Named Keras 3 promotion facts (weak Python scalars, int8 + uint8 -> int16, ...)."""
    if op not in _backend().ops:
        pytest.skip(f"{op} not implemented")
    inputs = [_typed_input(d) for d in dtypes]
    if op == "where":
        inputs = [_typed_input(dtypes[0])] + inputs[1:]
    if op == "matmul":
        inputs = [_typed_input(d, (2, 2)) for d in dtypes]
    out = _op(op)(*inputs)
    assert ops.dtype(out) == _effective(expected)


_MATRIX_DTYPES = (
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "bfloat16",
    "float16",
    "float32",
    "float64",
)


_MATRIX = _MATRIX_DTYPES if _FULL else ("bool", "uint8", "int8", "int32", "float16", "float32")


@pytest.mark.parametrize("left", _MATRIX)
@pytest.mark.parametrize("right", _MATRIX)
def test_dtype_promotion_matrix(left, right):
    """``add`` of every dtype pair gives :func:`kcore.backend.result_type` of the pair."""
    out = ops.add(_typed_input(left), _typed_input(right))
    want = kcore.backend.result_type(_effective(left), _effective(right))
    assert ops.dtype(out) == _effective(want)


# -------------------------------------------------------------------------------------------------
# errors: the front end makes the text identical on every backend
# -------------------------------------------------------------------------------------------------
def test_error_matmul_shapes():
    """Incompatible matmul shapes raise a ValueError naming ``matmul``."""
    with pytest.raises(ValueError, match="matmul"):
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="matmul"):
        ops.matmul(ops.convert_to_tensor(np.ones((2, 3))), ops.convert_to_tensor(np.ones((4, 5))))


def test_error_reshape_size():
    """Reshaping to an incompatible size raises a ValueError naming ``reshape``."""
    with pytest.raises(ValueError, match="reshape"):
        ops.reshape(ops.convert_to_tensor(np.ones((2, 3))), (4, 2))
    with pytest.raises(ValueError, match="reshape"):
        ops.reshape(np.ones((2, 3)), (-1, 4))


def test_error_conv_kernel_rank():
    """A kernel of the wrong rank raises a ValueError mentioning ``kernel``."""
    x = ops.convert_to_tensor(np.ones((1, 5, 5, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="kernel"):
        ops.conv(x, ops.convert_to_tensor(np.ones((3, 3), dtype=np.float32)))


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: ops.add(np.ones((2, 3)), np.ones((4,))), id="add-broadcast"),
        pytest.param(
            lambda: ops.concatenate([np.ones((2, 3)), np.ones((2, 3, 1))]), id="concatenate-rank"
        ),
    ],
)
def test_error_names_op(call):
    """Shape errors are ValueErrors naming the op."""
    with pytest.raises(ValueError):
        call()


__all__.append("test_error_names_op")


# -------------------------------------------------------------------------------------------------
# random
# -------------------------------------------------------------------------------------------------
def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _require_random(name):
    backend = _backend()
    if name not in backend.random:
        pytest.skip(f"kcore.random.{name} is not implemented by {backend.name!r}")


_RANDOM_CALLS = {
    "normal": lambda dtype, seed: kcore.random.normal((3, 4), dtype=dtype, seed=seed),
    "uniform": lambda dtype, seed: kcore.random.uniform((3, 4), dtype=dtype, seed=seed),
    "truncated_normal": lambda dtype, seed: kcore.random.truncated_normal(
        (3, 4), dtype=dtype, seed=seed
    ),
    "gamma": lambda dtype, seed: kcore.random.gamma((3, 4), 2.0, dtype=dtype, seed=seed),
    "beta": lambda dtype, seed: kcore.random.beta((3, 4), 2.0, 3.0, dtype=dtype, seed=seed),
    "binomial": lambda dtype, seed: kcore.random.binomial((3, 4), 5, 0.5, dtype=dtype, seed=seed),
}


def _random_params():
    params = []
    for name in sorted(_RANDOM_CALLS):
        for dtype in ("float16", "float32", "float64"):
            if _FULL or dtype == "float32" or name in ("normal", "uniform"):
                params.append(pytest.param(name, dtype, id=f"{name}-{dtype}"))
    return params


@pytest.mark.parametrize("name,dtype", _random_params())
def test_random_shapes_and_dtypes(name, dtype):
    """Random float draws have the requested shape and dtype."""
    _require_random(name)
    out = _RANDOM_CALLS[name](dtype, 7)
    assert tuple(ops.shape(out)) == (3, 4)
    assert ops.dtype(out) == _effective(dtype)
    assert np.all(np.isfinite(_np(out).astype(np.float64)))


@pytest.mark.parametrize("name", sorted(_RANDOM_CALLS))
def test_random_int_seed_reproducible(name):
    """The same int seed gives the same values; a different seed different ones."""
    _require_random(name)
    a = _np(_RANDOM_CALLS[name]("float32", 42))
    b = _np(_RANDOM_CALLS[name]("float32", 42))
    c = _np(_RANDOM_CALLS[name]("float32", 43))
    np.testing.assert_array_equal(a, b)
    if name != "binomial":
        assert not np.array_equal(a, c)


def test_random_seed_generator_advances():
    """A SeedGenerator gives new values per call, reproducible from its seed."""
    _require_random("normal")
    gen = kcore.random.SeedGenerator(1337)
    a = _np(kcore.random.normal((5,), seed=gen))
    b = _np(kcore.random.normal((5,), seed=gen))
    assert not np.array_equal(a, b)
    gen2 = kcore.random.SeedGenerator(1337)
    np.testing.assert_array_equal(_np(kcore.random.normal((5,), seed=gen2)), a)
    np.testing.assert_array_equal(_np(kcore.random.normal((5,), seed=gen2)), b)


def test_random_uniform_bounds():
    """Uniform samples lie in [minval, maxval) with roughly the right mean."""
    _require_random("uniform")
    x = _np(kcore.random.uniform((10000,), minval=-2.0, maxval=3.0, seed=1))
    assert x.min() >= -2.0 and x.max() < 3.0
    assert abs(x.mean() - 0.5) < 0.1


def test_random_normal_moments():
    """Normal samples have roughly the requested mean and standard deviation."""
    _require_random("normal")
    x = _np(kcore.random.normal((10000,), mean=1.0, stddev=2.0, seed=2)).astype(np.float64)
    assert abs(x.mean() - 1.0) < 0.1
    assert abs(x.std() - 2.0) < 0.1


def test_random_truncated_normal_bounds():
    """Truncated normal samples stay within two standard deviations."""
    _require_random("truncated_normal")
    x = _np(kcore.random.truncated_normal((10000,), mean=0.0, stddev=1.5, seed=3))
    assert np.all(np.abs(x) <= 3.0 + 1e-5)
    assert 0.8 < x.std() < 1.5


def test_random_randint_bounds():
    """randint draws integers in [minval, maxval) of the requested dtype."""
    _require_random("randint")
    x = kcore.random.randint((2000,), 3, 7, seed=4)
    assert ops.dtype(x) == "int32"
    v = _np(x)
    assert v.min() == 3 and v.max() == 6


def test_random_dropout_rate():
    """Dropout zeroes about ``rate`` of the entries and scales the rest by 1 / (1 - rate)."""
    _require_random("dropout")
    x = ops.ones((10000,))
    y = _np(kcore.random.dropout(x, 0.3, seed=5))
    assert abs((y == 0).mean() - 0.3) < 0.03
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-5)
    assert tuple(
        ops.shape(kcore.random.dropout(ops.ones((3, 4)), 0.5, noise_shape=(3, 1), seed=6))
    ) == (3, 4)


def test_random_shuffle_is_permutation():
    """shuffle permutes along the axis."""
    _require_random("shuffle")
    x = ops.convert_to_tensor(np.arange(20, dtype=np.int32).reshape(10, 2))
    y = _np(kcore.random.shuffle(x, seed=7))
    assert sorted(y[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(y[:, 1] - y[:, 0], np.ones(10))


def test_random_categorical():
    """categorical draws indices in range, following the logits."""
    _require_random("categorical")
    logits = ops.convert_to_tensor(np.log(np.array([[0.9, 0.1, 1e-9], [1e-9, 1e-9, 1.0]])))
    out = kcore.random.categorical(logits, 2000, seed=8)
    assert tuple(ops.shape(out)) == (2, 2000)
    assert ops.dtype(out) == "int32"
    v = _np(out)
    assert abs((v[0] == 0).mean() - 0.9) < 0.05
    assert np.all(v[1] == 2)


# -------------------------------------------------------------------------------------------------
# cross-check against Keras 3's NumPy backend (one subprocess per session)
# -------------------------------------------------------------------------------------------------
def _keras_sample():
    picked = []
    for i, case in enumerate(_SELECTED):
        if not case.keras or any(callable(a) for a in flatten(case.args)):
            continue
        if case.ref is None or i % 5 == 0:
            picked.append(case)
    return picked


_KERAS_CASES = _keras_sample()


def run_keras_numpy(case_ids):
    """Run cases through Keras 3's ``keras.ops`` with ``KERAS_BACKEND=numpy`` (a subprocess).

    Returns ``{case_id: ("ok", [arrays], [dtypes]) | ("error", message)}``, or ``None`` when
    keras is not importable.
    """
    with tempfile.TemporaryDirectory() as tmp:
        ids_path = os.path.join(tmp, "ids.json")
        out_path = os.path.join(tmp, "out.npz")
        with open(ids_path, "w") as f:
            json.dump(list(case_ids), f)
        env = dict(os.environ, KERAS_BACKEND="numpy")
        env.pop("KCORE_BACKEND", None)
        proc = subprocess.run(
            [sys.executable, "-m", "kcore.testing.ops_cases", "--keras", ids_path, out_path],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        if proc.returncode == 3:
            return None
        if proc.returncode != 0:
            raise RuntimeError(f"keras subprocess failed:\n{proc.stderr[-2000:]}")
        data = np.load(out_path, allow_pickle=False)
        meta = json.loads(str(data["__meta__"]))
        result = {}
        for cid, info in meta.items():
            if info["status"] != "ok":
                result[cid] = ("error", info["message"])
            else:
                arrays = [data[f"{cid}::{i}"] for i in range(len(info["dtypes"]))]
                result[cid] = ("ok", arrays, info["dtypes"])
        return result


@functools.cache
def _keras_results():
    import importlib.util

    if importlib.util.find_spec("keras") is None:
        return None
    return run_keras_numpy([c.id for c in _KERAS_CASES])


@pytest.mark.parametrize("case", _case_params(_KERAS_CASES))
def test_keras_crosscheck(case):
    """The eager result (value and dtype) equals Keras 3's on its NumPy backend."""
    results = _keras_results()
    if results is None:
        pytest.skip("keras is not installed")
    entry = results.get(case.id)
    if entry is None or entry[0] != "ok":
        pytest.skip(f"Keras' NumPy backend cannot run this case: {entry and entry[1]}")
    _require(case)
    out, dtypes = _eager(case)
    _, arrays, keras_dtypes = entry
    leaves = flatten(out)
    assert len(leaves) == len(arrays)
    # Keras narrows 64-bit results to 32 bits outside TensorFlow; compare narrowed names.
    narrow = [_NARROW.get(d, d) for d in dtypes]
    expected = expected_dtypes(case, kcore.config.floatx())
    if case.dtype is not None and None not in expected:
        assert narrow == [_NARROW.get(d, d) for d in keras_dtypes]
    if case.check is not None and case.ref is None:
        return  # e.g. qr / svd: not unique, checked by test_op_value
    for i, (got, ref) in enumerate(zip(leaves, arrays)):
        tol = case.tol
        if tol is None and narrow[i] in TOLERANCES:
            rtol, atol = TOLERANCES[narrow[i]]
            tol = (max(rtol, 1e-4), max(atol, 1e-5))
        _assert_close(got, ref, narrow[i], tol, what=f"{case.id} output {i}: ")
