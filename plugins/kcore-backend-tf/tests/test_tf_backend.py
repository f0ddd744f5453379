"""Focused tests of the TensorFlow backend: variables, tracing, gradients, seeds, dtypes."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from kcore_backend_tf.variable import TFVariable

import kcore
from kcore import ops
from kcore.backend import get_backend


@pytest.fixture(scope="module")
def backend():
    b = get_backend()
    assert b.name == "tensorflow"
    return b


# -- Variable ------------------------------------------------------------------------------------
def test_variable_wraps_tf_variable(backend):
    v = kcore.Variable(np.ones((2, 3), "float32"), trainable=False, name="w")
    assert isinstance(v, TFVariable)
    assert isinstance(v.value, tf.Variable)
    assert v.value.trainable is False
    assert v.shape == (2, 3) and v.dtype == "float32"
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))


def test_variable_converts_in_native_tf_ops(backend):
    v = kcore.Variable(np.eye(2, dtype="float32"))
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(tf.matmul(v, x).numpy(), x.numpy())
    np.testing.assert_allclose(tf.convert_to_tensor(v).numpy(), np.eye(2))
    np.testing.assert_allclose(ops.convert_to_numpy(ops.add(v, 1.0)), np.eye(2) + 1)


def test_variable_assign_in_place_and_in_tf_function(backend):
    v = kcore.Variable(np.zeros((3,), "float32"))
    handle = v.value
    v.assign(np.ones(3))
    assert v.value is handle
    np.testing.assert_array_equal(v.numpy(), np.ones(3))

    @tf.function
    def step():
        v.assign_add(tf.constant([1.0, 2.0, 3.0]))

    step()
    step()
    np.testing.assert_array_equal(v.numpy(), [3.0, 5.0, 7.0])
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros((2,)))


def test_variable_callable_initializer_and_dtype(backend):
    v = kcore.Variable(lambda shape, dtype: np.full(shape, 2.0), shape=(2,), dtype="float16")
    assert v.value.dtype == tf.float16
    np.testing.assert_array_equal(v.numpy(), [2.0, 2.0])


def test_gradient_tape_tracks_variables(backend):
    v = kcore.Variable(np.array([1.0, 2.0], "float32"))
    with tf.GradientTape() as tape:
        loss = ops.sum(ops.square(v.value))
    (grad,) = tape.gradient(loss, [v.value])
    np.testing.assert_allclose(grad.numpy(), [2.0, 4.0])


# -- compute_output_spec -------------------------------------------------------------------------
def test_compute_output_spec_keeps_none_dims(backend):
    x = kcore.KerasTensor((None, 4), "float32")
    out = backend.compute_output_spec(lambda a, b: ops.matmul(a, b), x, np.ones((4, 3), "float32"))
    assert isinstance(out, kcore.KerasTensor)
    assert out.shape == (None, 3) and out.dtype == "float32"


def test_compute_output_spec_nested_structures(backend):
    x = kcore.KerasTensor((None, 5), "int32")
    out = backend.compute_output_spec(
        lambda d: {"sum": ops.sum(d["x"], axis=1), "pair": (d["x"] * 2, ops.mean(d["x"]))},
        {"x": x},
    )
    assert out["sum"].shape == (None,) and out["sum"].dtype == "int32"
    assert out["pair"][0].shape == (None, 5)
    assert out["pair"][1].shape == () and out["pair"][1].dtype == "float32"


def test_symbolic_front_end_calls(backend):
    x = kcore.KerasTensor((None, 8, 8, 3))
    y = ops.conv(x, np.ones((3, 3, 3, 4), "float32"), padding="same")
    assert y.shape == (None, 8, 8, 4)
    assert ops.reshape(x, (-1, 64, 3)).shape == (None, 64, 3)
    assert ops.fft((kcore.KerasTensor((None, 8)), kcore.KerasTensor((None, 8))))[0].shape == (
        None,
        8,
    )


# -- gradient ------------------------------------------------------------------------------------
def test_gradient(backend):
    x = np.array([1.0, 2.0, 3.0], "float32")
    y = np.array([0.5, 0.5, 0.5], "float32")
    gx, gy = backend.gradient(lambda a, b: ops.sum(a * a * b), x, y)
    np.testing.assert_allclose(gx.numpy(), 2 * x * y)
    np.testing.assert_allclose(gy.numpy(), x * x)


def test_gradient_of_gather_is_dense(backend):
    (g,) = backend.gradient(lambda a: ops.sum(ops.take(a, [0, 0, 2])), np.ones(4, "float32"))
    np.testing.assert_allclose(g.numpy(), [2.0, 0.0, 1.0, 0.0])


# -- random --------------------------------------------------------------------------------------
def test_random_int_seed_is_deterministic(backend):
    a = kcore.random.normal((3, 2), seed=42)
    b = kcore.random.normal((3, 2), seed=42)
    c = kcore.random.normal((3, 2), seed=43)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())


def test_seed_generator_advances_and_replays(backend):
    g1 = kcore.random.SeedGenerator(7)
    g2 = kcore.random.SeedGenerator(7)
    first = [kcore.random.uniform((4,), seed=g1).numpy() for _ in range(2)]
    second = [kcore.random.uniform((4,), seed=g2).numpy() for _ in range(2)]
    assert not np.array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize(
    "fn,args",
    [
        ("truncated_normal", ((1000,),)),
        ("randint", ((1000,), 0, 5)),
        ("gamma", ((1000,), 2.0)),
        ("beta", ((1000,), 2.0, 3.0)),
        ("binomial", ((1000,), 10, 0.3)),
    ],
)
def test_random_distributions_are_sane(backend, fn, args):
    out = getattr(kcore.random, fn)(*args, seed=1).numpy()
    assert out.shape == (1000,)
    if fn == "truncated_normal":
        assert np.all(np.abs(out) <= 2.0)
    elif fn == "randint":
        assert out.min() >= 0 and out.max() < 5 and out.dtype == np.int32
    elif fn == "beta":
        assert np.all((out > 0) & (out < 1))
        assert abs(out.mean() - 0.4) < 0.05
    elif fn == "binomial":
        assert abs(out.mean() - 3.0) < 0.3


def test_dropout_and_shuffle(backend):
    x = np.ones((1000,), "float32")
    out = kcore.random.dropout(x, 0.25, seed=3).numpy()
    assert set(np.unique(out).tolist()) <= {0.0, float(np.float32(1.0) / np.float32(0.75))}
    perm = kcore.random.shuffle(np.arange(10), seed=3).numpy()
    assert sorted(perm.tolist()) == list(range(10))


# -- dtypes --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "a,b,want",
    [
        ("int32", "float16", "float16"),
        ("int8", "uint8", "int16"),
        ("bool", "int8", "int8"),
        ("bfloat16", "float16", "float32"),
        ("uint32", "int32", "int64"),
    ],
)
def test_dtype_promotion(backend, a, b, want):
    x = ops.cast(ops.ones((2,)), a)
    y = ops.cast(ops.ones((2,)), b)
    assert ops.dtype(ops.add(x, y)) == want
    assert ops.dtype(ops.multiply(y, x)) == want


def test_python_scalars_are_weak(backend):
    h = ops.cast(ops.ones((2,)), "float16")
    i = ops.cast(ops.ones((2,)), "int8")
    assert ops.dtype(ops.add(h, 1.5)) == "float16"
    assert ops.dtype(ops.add(i, 3)) == "int8"
    assert ops.dtype(ops.add(i, 1.5)) == "float32"
    assert ops.dtype(ops.convert_to_tensor(1.5)) == "float32"
    assert ops.dtype(ops.convert_to_tensor(3)) == "int32"
    assert ops.dtype(ops.convert_to_tensor(np.float64(1.0))) == "float64"


def test_int_inputs_to_float_ops_give_floatx(backend):
    x = np.array([1, 4, 9], "int32")
    assert ops.dtype(ops.mean(x)) == "float32"
    assert ops.dtype(ops.sqrt(x)) == "float32"
    np.testing.assert_allclose(ops.sqrt(x).numpy(), [1, 2, 3])


# -- ops vs NumPy --------------------------------------------------------------------------------
RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype("float32")
B = RNG.standard_normal((4, 5)).astype("float32")


@pytest.mark.parametrize(
    "name,args,ref",
    [
        ("matmul", (A, B), lambda a, b: a @ b),
        ("einsum", ("ij,jk->ik", A, B), lambda s, a, b: np.einsum(s, a, b)),
        ("cumsum", (A, 1), lambda a, ax: np.cumsum(a, ax)),
        ("sort", (A, 0), lambda a, ax: np.sort(a, ax)),
        ("quantile", (A, 0.3, 1), lambda a, q, ax: np.quantile(a, q, axis=ax)),
        ("pad", (A, ((1, 0), (2, 1)), "reflect"), lambda a, p, m: np.pad(a, p, mode=m)),
        ("tile", (A, (2, 1, 2)), np.tile),
        ("take_along_axis", (A, np.argsort(A, 1), 1), np.take_along_axis),
        ("correlate", (A[0], A[1, :3], "full"), np.correlate),
        ("kron", (A[:2, :2], B[:2, :3]), np.kron),
        ("cross", (A[:, :3], B[:3, :3]), np.cross),
        ("trapezoid", (A,), np.trapezoid if hasattr(np, "trapezoid") else np.trapz),
    ],
)
def test_ops_match_numpy(backend, name, args, ref):
    out = getattr(ops, name)(*args)
    np.testing.assert_allclose(ops.convert_to_numpy(out), ref(*args), rtol=1e-5, atol=1e-5)


def test_get_item_numpy_indexing(backend):
    x = np.arange(24).reshape(2, 3, 4)
    t = ops.convert_to_tensor(x)
    np.testing.assert_array_equal(ops.get_item(t, (1, slice(None), 2)).numpy(), x[1, :, 2])
    np.testing.assert_array_equal(ops.get_item(t, x > 10).numpy(), x[x > 10])
    np.testing.assert_array_equal(ops.get_item(t, np.array([1, 0])).numpy(), x[[1, 0]])
    np.testing.assert_array_equal(ops.get_item(t, (Ellipsis, None, 1)).numpy(), x[..., None, 1])


# -- control flow --------------------------------------------------------------------------------
def test_control_flow_eager_and_traced(backend):
    def body(x):
        carry, ys = ops.scan(lambda c, v: (c + v, c * v), ops.zeros(()), x)
        total = ops.fori_loop(0, 3, lambda i, v: v + ops.cast(i, "float32"), carry)
        n = ops.while_loop(lambda i: i < 10, lambda i: i + 3, ops.convert_to_tensor(0))
        return total, ys, n

    x = np.array([1.0, 2.0, 3.0], "float32")
    eager = body(x)
    traced = tf.function(body)(tf.constant(x))
    for e, t in zip(eager, traced):
        np.testing.assert_allclose(ops.convert_to_numpy(e), t.numpy())
    assert float(eager[0]) == 9.0 and int(eager[2]) == 12
    np.testing.assert_allclose(eager[1].numpy(), [0.0, 2.0, 9.0])


def test_associative_scan_matches_cumsum(backend):
    x = RNG.standard_normal((7, 3)).astype("float32")
    out = ops.associative_scan(lambda a, b: a + b, x, axis=0)
    np.testing.assert_allclose(out.numpy(), np.cumsum(x, 0), rtol=1e-5, atol=1e-5)
    rev = ops.associative_scan(lambda a, b: a + b, x, reverse=True, axis=0)
    np.testing.assert_allclose(rev.numpy(), np.cumsum(x[::-1], 0)[::-1], rtol=1e-5, atol=1e-5)


# -- errors --------------------------------------------------------------------------------------
def test_tf_errors_become_value_errors(backend):
    with pytest.raises(ValueError, match="add"):
        ops.add(np.ones((2, 3)), np.ones((4,)))
    with pytest.raises(ValueError, match="cholesky"):
        ops.cholesky(-np.eye(2, dtype="float32"))
    with pytest.raises((ValueError, IndexError), match="take"):
        ops.take(np.ones(3), np.array([7]))


def test_value_and_grad_with_aux(backend):
    w = kcore.Variable(np.array([1.0, -2.0], "float32"))
    unused = kcore.Variable(np.zeros((3,), "float32"))

    def loss_fn():
        pred = ops.multiply(w.value, 3.0)
        return ops.sum(ops.square(pred)), pred

    (loss, pred), grads = backend.value_and_grad(loss_fn, [w, unused], has_aux=True)
    assert float(loss) == pytest.approx(45.0)
    np.testing.assert_allclose(pred.numpy(), [3.0, -6.0])
    np.testing.assert_allclose(grads[0].numpy(), 18.0 * np.array([1.0, -2.0]))
    np.testing.assert_array_equal(grads[1].numpy(), np.zeros(3))
