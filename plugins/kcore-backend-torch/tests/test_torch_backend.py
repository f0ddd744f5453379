"""Focused tests of the torch backend: Variables, shape inference, gradients, random, ops."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import kcore
from kcore import ops
from kcore.backend import get_backend


def test_backend_is_torch_and_complete():
    backend = get_backend()
    assert backend.name == "torch"
    assert len(backend.ops) == len(ops.SIGNATURES)
    assert set(backend.random) >= {"normal", "uniform", "dropout", "beta", "binomial"}


# -- Variable --------------------------------------------------------------------------------------
def test_float_variable_is_a_parameter():
    v = kcore.Variable(np.ones((2, 3), "float32"), name="w")
    assert isinstance(v.value, torch.nn.Parameter)
    assert v.value.requires_grad
    frozen = kcore.Variable(np.ones((2,), "float32"), trainable=False)
    assert isinstance(frozen.value, torch.nn.Parameter)
    assert not frozen.value.requires_grad
    frozen.trainable = True
    assert frozen.value.requires_grad


def test_int_variable_is_a_plain_tensor():
    v = kcore.Variable([1, 2, 3], dtype="int32", trainable=False)
    assert type(v.value) is torch.Tensor
    assert v.value.dtype == torch.int32


def test_assign_keeps_parameter_identity_and_does_not_alias_numpy():
    source = np.zeros((3,), "float32")
    v = kcore.Variable(source)
    param = v.value
    v.assign(np.array([1.0, 2.0, 3.0], "float32"))
    v.assign_add(np.ones((3,), "float32"))
    assert v.value is param
    np.testing.assert_allclose(v.numpy(), [2.0, 3.0, 4.0])
    np.testing.assert_allclose(source, 0.0)  # the caller's array is untouched


def test_assign_wrong_shape_raises():
    v = kcore.Variable(np.zeros((3,), "float32"))
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros((4,), "float32"))


def test_variable_in_native_torch_ops_and_kcore_ops():
    v = kcore.Variable(np.eye(2, dtype="float32"))
    x = torch.tensor([[1.0, 2.0]])
    np.testing.assert_allclose(torch.matmul(x, v).detach().numpy(), [[1.0, 2.0]])
    np.testing.assert_allclose((x + v).detach().numpy(), [[2.0, 2.0], [1.0, 3.0]])
    np.testing.assert_allclose(ops.convert_to_numpy(ops.add(v, 1)), np.eye(2) + 1)
    assert ops.dtype(ops.add(v, 1)) == "float32"


def test_variable_gradient_flows_through_torch_autograd():
    v = kcore.Variable(np.array([1.0, 2.0], "float32"))
    loss = ops.sum(ops.square(v))
    loss.backward()
    np.testing.assert_allclose(v.value.grad.numpy(), [2.0, 4.0])


# -- conversion and dtypes -------------------------------------------------------------------------
def test_convert_to_tensor_conventions():
    assert ops.dtype(ops.convert_to_tensor(1.5)) == "float32"
    assert ops.dtype(ops.convert_to_tensor(3)) == "int32"
    assert ops.dtype(ops.convert_to_tensor(True)) == "bool"
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.dtype(ops.convert_to_tensor([1, 2.5])) == "float32"
    assert ops.dtype(ops.convert_to_tensor(np.zeros(2, "float64"))) == "float64"
    assert ops.dtype(ops.convert_to_tensor(np.zeros(2), dtype="float16")) == "float16"


def test_promotion_and_int_to_float():
    i = ops.convert_to_tensor(np.array([1, 4], "int32"))
    assert ops.dtype(ops.add(i, 1.5)) == "float32"
    assert ops.dtype(ops.add(i, 1)) == "int32"
    assert ops.dtype(ops.sqrt(i)) == "float32"
    assert ops.dtype(ops.mean(i)) == "float32"
    h = ops.convert_to_tensor(np.ones(2, "float16"))
    assert ops.dtype(ops.multiply(h, 2.0)) == "float16"
    assert ops.dtype(ops.add(np.ones(2, "int8"), np.ones(2, "uint8"))) == "int16"


# -- symbolic --------------------------------------------------------------------------------------
def test_compute_output_spec_with_none_dims():
    x = kcore.KerasTensor((None, 8, 8, 3))
    y = ops.conv(x, np.ones((3, 3, 3, 4), "float32"), strides=2, padding="same")
    assert y.shape == (None, 4, 4, 4)
    z = ops.reshape(kcore.KerasTensor((None, 6)), (-1, 2, 3))
    assert z.shape == (None, 2, 3)
    parts = ops.split(kcore.KerasTensor((None, 6)), 3, axis=1)
    assert [p.shape for p in parts] == [(None, 2)] * 3


def test_compute_output_spec_nested_and_non_tensor_outputs():
    backend = get_backend()
    a = kcore.KerasTensor((None, 3))
    b = kcore.KerasTensor((3,), dtype="int32")
    out = backend.compute_output_spec(
        lambda d: {"s": d["x"] + 1, "n": 7, "t": (d["y"],)}, {"x": a, "y": b}
    )
    assert out["s"].shape == (None, 3)
    assert out["n"] == 7
    assert out["t"][0].shape == (3,) and out["t"][0].dtype == "int32"


def test_compute_output_spec_value_dependent_shape_is_unknown():
    idx = ops.nonzero(kcore.KerasTensor((4,)))
    assert idx[0].shape == (None,)


def test_none_dims_are_wildcards():
    y = ops.matmul(kcore.KerasTensor((None, 4)), kcore.KerasTensor((None, 5)))
    assert y.shape == (None, 5)


# -- gradient --------------------------------------------------------------------------------------
def test_gradient_matches_analytic():
    backend = get_backend()
    (g,) = backend.gradient(lambda x: ops.sum(ops.sin(x)), np.array([0.0, 1.0]))
    np.testing.assert_allclose(ops.convert_to_numpy(g), np.cos([0.0, 1.0]), rtol=1e-6)
    ga, gb = backend.gradient(lambda a, b: ops.sum(a * 2.0), np.ones(2), np.ones(3))
    np.testing.assert_allclose(ops.convert_to_numpy(gb), 0.0)
    assert backend.gradient(lambda: ops.convert_to_tensor(1.0)) == ()


def test_custom_gradient():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return ops.multiply(upstream, 0.5)

        return ops.copy(x), grad

    (g,) = get_backend().gradient(lambda x: ops.sum(clipped_identity(x)), np.ones(3))
    np.testing.assert_allclose(ops.convert_to_numpy(g), 0.5)


# -- random ----------------------------------------------------------------------------------------
def test_random_int_seed_is_deterministic_and_global_rng_untouched():
    torch.manual_seed(0)
    before = torch.rand(1)
    torch.manual_seed(0)
    a = kcore.random.normal((4,), seed=3)
    b = kcore.random.normal((4,), seed=3)
    after = torch.rand(1)
    np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    assert before.item() == after.item()


def test_seed_generator_advances_and_reproduces():
    g1 = kcore.random.SeedGenerator(42)
    g2 = kcore.random.SeedGenerator(42)
    a1 = ops.convert_to_numpy(kcore.random.uniform((5,), seed=g1))
    a2 = ops.convert_to_numpy(kcore.random.uniform((5,), seed=g1))
    b1 = ops.convert_to_numpy(kcore.random.uniform((5,), seed=g2))
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(a1, b1)


def test_random_distributions_are_plausible():
    x = ops.convert_to_numpy(kcore.random.gamma((20000,), 2.0, seed=1))
    assert abs(x.mean() - 2.0) < 0.1
    y = ops.convert_to_numpy(kcore.random.beta((20000,), 2.0, 2.0, seed=1))
    assert abs(y.mean() - 0.5) < 0.02
    z = ops.convert_to_numpy(kcore.random.truncated_normal((5000,), seed=1))
    assert np.abs(z).max() <= 2.0


# -- ops vs NumPy ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,args,ref",
    [
        ("matmul", (np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)), np.matmul),
        ("cumsum", (np.arange(6).reshape(2, 3),), lambda x: np.cumsum(x)),
        ("pad", (np.arange(6.0).reshape(2, 3), ((1, 1), (2, 0)), "reflect"), np.pad),
        ("take", (np.arange(10.0), np.array([[0, -1], [3, 4]])), np.take),
        ("quantile", (np.arange(10.0), 0.3), np.quantile),
        ("einsum", ("ij,jk->ik", np.ones((2, 3)), np.ones((3, 2))), np.einsum),
        (
            "get_item",
            (np.arange(12.0).reshape(3, 4), (slice(None, None, -2), 1)),
            lambda x, k: x[k],
        ),
    ],
)
def test_ops_match_numpy(name, args, ref):
    out = getattr(ops, name)(*args)
    np.testing.assert_allclose(ops.convert_to_numpy(out), ref(*args), rtol=1e-6)


def test_conv_matches_manual_correlation():
    x = np.random.RandomState(0).rand(1, 5, 5, 2).astype("float32")
    k = np.random.RandomState(1).rand(3, 3, 2, 4).astype("float32")
    out = ops.convert_to_numpy(ops.conv(x, k))
    expected = np.zeros((1, 3, 3, 4), "float32")
    for i in range(3):
        for j in range(3):
            expected[0, i, j] = np.tensordot(x[0, i : i + 3, j : j + 3], k, axes=3)
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_errors_name_the_op():
    with pytest.raises(ValueError, match="matmul"):
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match="squeeze"):
        ops.squeeze(np.ones((2, 3)), axis=0)
