"""Focused tests of the jax backend: Variables, StatelessScope under jit, symbolic shapes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from kcore_backend_jax.backend import JaxBackend
from kcore_backend_jax.variable import JaxVariable

import kcore
from kcore import ops


@pytest.fixture(scope="module")
def backend():
    b = kcore.backend.get_backend()
    assert isinstance(b, JaxBackend)
    return b


# -- the backend object -----------------------------------------------------------------------
def test_capabilities(backend):
    caps = backend.capabilities
    assert backend.name == "jax"
    assert caps.jit and caps.stateless and caps.complex and caps.thread_safe
    assert not caps.sparse
    assert caps.float64 == bool(jax.config.jax_enable_x64)


def test_every_table_op_is_implemented(backend):
    assert set(ops.SIGNATURES) <= set(backend.ops)


def test_convert_to_tensor_conventions(backend):
    assert backend.convert_to_tensor(1.5).dtype == jnp.float32
    assert backend.convert_to_tensor(3).dtype == jnp.int32
    assert backend.convert_to_tensor(True).dtype == jnp.bool_
    assert backend.convert_to_tensor([1, 2]).dtype == jnp.int32
    assert backend.convert_to_tensor([1, 2.0]).dtype == jnp.float32
    assert backend.convert_to_tensor(np.arange(3, dtype="int8")).dtype == jnp.int8
    assert backend.convert_to_tensor(np.ones(2), dtype="float16").dtype == jnp.float16
    x = jnp.ones(3)
    assert backend.convert_to_tensor(x) is x  # no copy, no conversion


def test_float64_requests_narrow_silently_without_x64(backend):
    if backend.capabilities.float64:
        pytest.skip("x64 is enabled")
    assert ops.cast(jnp.ones(2), "float64").dtype == jnp.float32
    assert ops.zeros((2,), dtype="int64").dtype == jnp.int32


# -- Variables --------------------------------------------------------------------------------
def test_variable_is_a_jax_variable():
    v = kcore.Variable(np.ones((2, 3), "float32"), name="v")
    assert isinstance(v, JaxVariable)
    assert isinstance(v.value, jax.Array)
    assert v.shape == (2, 3) and v.dtype == "float32"


def test_variable_in_ops_and_jnp():
    v = kcore.Variable(np.arange(4, dtype="float32"))
    np.testing.assert_allclose(ops.add(v, 1.0), np.arange(4) + 1.0)
    np.testing.assert_allclose(ops.matmul(v, v), 14.0)
    np.testing.assert_allclose(ops.sum(v), 6.0)
    np.testing.assert_allclose(jnp.asarray(v), np.arange(4))
    np.testing.assert_allclose(v * 2, np.arange(4) * 2)
    np.testing.assert_allclose(ops.concatenate([v, v]), np.tile(np.arange(4), 2))


def test_variable_assign():
    v = kcore.Variable(np.zeros(3, "float32"))
    v.assign(np.ones(3))
    np.testing.assert_allclose(v.numpy(), np.ones(3))
    v.assign_add(np.ones(3))
    np.testing.assert_allclose(v.numpy(), 2 * np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.ones(4))


def test_stateless_scope_under_jit():
    v = kcore.Variable(np.ones(3, "float32"), name="w")

    @jax.jit
    def step(value):
        with kcore.StatelessScope([(v, value)]) as scope:
            y = ops.multiply(v, 2.0)  # reads the substituted (traced) value
            v.assign(ops.add(v, 1.0))
        return y, scope.get_current_value(v)

    y, new = step(jnp.full((3,), 5.0))
    np.testing.assert_allclose(y, 10.0 * np.ones(3))
    np.testing.assert_allclose(new, 6.0 * np.ones(3))
    np.testing.assert_allclose(v.numpy(), np.ones(3))  # the variable itself is untouched


def test_stateless_scope_records_assignments():
    a = kcore.Variable(np.zeros(2, "float32"), name="a")
    b = kcore.Variable(np.zeros(2, "float32"), name="b")
    with kcore.StatelessScope([(a, np.ones(2))]) as scope:
        b.assign(ops.add(a, 1.0))
    assigned = dict((var.name, val) for var, val in scope.assigned())
    assert set(assigned) == {"b"}
    np.testing.assert_allclose(assigned["b"], 2.0 * np.ones(2))
    np.testing.assert_allclose(b.numpy(), np.zeros(2))


# -- symbolic shapes --------------------------------------------------------------------------
def test_compute_output_spec_none_dims(backend):
    x = kcore.KerasTensor((None, 8, 3))
    k = kcore.KerasTensor((3, 3, 4))
    out = ops.conv(x, k, strides=2, padding="same")
    assert out.shape == (None, 4, 4) and out.dtype == "float32"
    y = ops.reshape(kcore.KerasTensor((None, 6)), (-1, 3))
    assert y.shape == (None, 3)


def test_compute_output_spec_nested_and_static_args(backend):
    a = kcore.KerasTensor((None, 4), "int32")
    b = kcore.KerasTensor((2, 4), "float32")

    def fn(pair, scale, mapping):
        x, y = pair
        return {"sum": jnp.sum(x * scale, axis=0), "cat": jnp.concatenate([x, mapping["y"]])}

    out = backend.compute_output_spec(fn, (a, b), 3, {"y": b})
    assert out["sum"].shape == (4,) and out["sum"].dtype == "int32"
    assert out["cat"].shape == (None, 4) and out["cat"].dtype == "float32"


def test_symbolic_value_dependent_shape(backend):
    idx = ops.nonzero(kcore.KerasTensor((3, 4), "int32"))
    assert [t.shape for t in idx] == [(None,), (None,)]
    counts = ops.bincount(kcore.KerasTensor((5,), "int32"))
    assert counts.shape == (None,)


def test_symbolic_multi_output(backend):
    values, indices = ops.top_k(kcore.KerasTensor((None, 10)), 3)
    assert values.shape == (None, 3) and indices.dtype == "int32"


# -- gradients and control flow ---------------------------------------------------------------
def test_gradient(backend):
    gx, gy = backend.gradient(lambda x, y: ops.sum(ops.multiply(x, y)), [1.0, 2.0], [3.0, 4.0])
    np.testing.assert_allclose(gx, [3.0, 4.0])
    np.testing.assert_allclose(gy, [1.0, 2.0])


def test_custom_gradient():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return ops.clip(upstream, -0.5, 0.5)

        return x, grad

    g = jax.grad(lambda x: jnp.sum(clipped_identity(x) * 3.0))(jnp.ones(2))
    np.testing.assert_allclose(g, [0.5, 0.5])


def test_control_flow_eager_and_jit():
    assert int(ops.cond(True, lambda: 1, lambda: 2)) == 1
    out = jax.jit(lambda p: ops.cond(p, lambda: jnp.ones(2), lambda: jnp.zeros(2)))(False)
    np.testing.assert_allclose(out, np.zeros(2))
    i, total = ops.while_loop(lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (0, 0))
    assert int(i) == 5 and int(total) == 10
    (j,) = ops.while_loop(lambda j: j < 100, lambda j: (j + 1,), (0,), maximum_iterations=7)
    assert int(j) == 7
    assert int(ops.fori_loop(0, 4, lambda k, acc: acc + k, 0)) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, jnp.arange(4.0))
    assert float(carry) == 6.0 and ys.shape == (4,)
    assert (
        int(
            ops.switch(
                5,
                [lambda: 0, lambda: 1],
            )
        )
        == 1
    )  # index clamps


# -- random -----------------------------------------------------------------------------------
def test_random_int_seed_is_deterministic():
    a = kcore.random.normal((4,), seed=3)
    b = kcore.random.normal((4,), seed=3)
    c = kcore.random.normal((4,), seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_seed_generator_advances_and_reproduces():
    g1 = kcore.random.SeedGenerator(42)
    g2 = kcore.random.SeedGenerator(42)
    a1, a2 = kcore.random.uniform((3,), seed=g1), kcore.random.uniform((3,), seed=g1)
    b1 = kcore.random.uniform((3,), seed=g2)
    assert not np.allclose(a1, a2)
    np.testing.assert_array_equal(a1, b1)


def test_random_under_jit_with_seed_generator_state():
    gen = kcore.random.SeedGenerator(0)

    @jax.jit
    def draw(state):
        with kcore.StatelessScope([(gen.state, state)]) as scope:
            x = kcore.random.normal((2,), seed=gen)
        return x, scope.get_current_value(gen.state)

    x1, s1 = draw(gen.state.value)
    x2, _ = draw(s1)
    assert not np.allclose(x1, x2)
    np.testing.assert_array_equal(np.asarray(s1), [0, 1])


# -- a few ops against NumPy ------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, args, ref",
    [
        ("mean", (np.arange(6).reshape(2, 3),), lambda x: np.mean(x).astype("float32")),
        ("sqrt", (np.array([1, 4, 9], "int32"),), lambda x: np.sqrt(x).astype("float32")),
        ("cumsum", (np.arange(5, dtype="float32"),), np.cumsum),
        ("tril", (np.ones((3, 3), "float32"),), np.tril),
        ("logsumexp", (np.array([1.0, 2.0, 3.0], "float32"),), lambda x: np.log(np.sum(np.exp(x)))),
        ("take", (np.arange(5.0, dtype="float32"), np.array([0, -1])), lambda x, i: x[i]),
    ],
)
def test_ops_vs_numpy(name, args, ref):
    out = getattr(ops, name)(*args)
    expected = ref(*args)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)
    assert kcore.backend.standardize_dtype(out.dtype) == kcore.backend.standardize_dtype(
        np.asarray(expected).dtype
    )


def test_errors_name_the_op():
    with pytest.raises(ValueError, match="matmul"):
        ops.matmul(jnp.ones((2, 3)), jnp.ones((4, 5)))
    with pytest.raises(ValueError, match="conv"):
        ops.conv(jnp.ones((1, 5, 3)), jnp.ones((3, 2, 4)))
    with pytest.raises(ValueError, match="squeeze"):
        ops.squeeze(jnp.ones((2, 3)), axis=0)
