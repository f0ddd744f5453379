"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot and
their functional forms (add, subtract, ..., dot)."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.testing.layer_test import run_layer_test

layers = kcore.layers

R = np.random.default_rng(0)
X1 = R.standard_normal((2, 3, 4)).astype("float32")
X2 = R.standard_normal((2, 3, 4)).astype("float32")
X3 = R.standard_normal((2, 3, 4)).astype("float32")

ELEMENTWISE = {
    "Add": lambda xs: sum(xs[1:], xs[0]),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: np.prod(np.stack(xs), axis=0),
    "Average": lambda xs: np.mean(np.stack(xs), axis=0),
    "Maximum": lambda xs: np.max(np.stack(xs), axis=0),
    "Minimum": lambda xs: np.min(np.stack(xs), axis=0),
}


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _normalize(value):
    """Tuples as lists and floats rounded, as a JSON round trip would see them."""
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items() if k != "name"}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


# -- element-wise merges ------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_layer_test(name):
    run_layer_test(
        getattr(layers, name),
        {},
        input_data=[X1, X2],
        expected_output_shape=(2, 3, 4),
        expected_output_dtype="float32",
        expected_output=ELEMENTWISE[name]([X1, X2]),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


@pytest.mark.parametrize("name", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_elementwise_three_inputs_and_functional_form(name):
    expected = ELEMENTWISE[name]([X1, X2, X3])
    np.testing.assert_allclose(_np(getattr(layers, name)()([X1, X2, X3])), expected, rtol=1e-6)
    fn = getattr(layers, name.lower())
    np.testing.assert_allclose(_np(fn([X1, X2, X3])), expected, rtol=1e-6)
    a, b = kcore.Input((3, 4)), kcore.Input((3, 4))
    out = fn([a, b], name=f"my_{name.lower()}")
    assert out.shape == (None, 3, 4)
    model = kcore.Model([a, b], out)
    assert model.layers[-1].name == f"my_{name.lower()}"
    np.testing.assert_allclose(_np(model([X1, X2])), ELEMENTWISE[name]([X1, X2]), rtol=1e-6)


def test_subtract_functional_form():
    np.testing.assert_allclose(_np(layers.subtract([X1, X2])), X1 - X2, rtol=1e-6)


def test_broadcasting_of_ranks_and_unit_dims():
    y = R.standard_normal((2, 4)).astype("float32")
    np.testing.assert_allclose(_np(layers.Add()([X1, y])), X1 + y[:, None, :], rtol=1e-6)
    np.testing.assert_allclose(_np(layers.Maximum()([y, X1])), np.maximum(y[:, None], X1))
    z = R.standard_normal((2, 1, 4)).astype("float32")
    np.testing.assert_allclose(_np(layers.Multiply()([X1, z])), X1 * z, rtol=1e-6)
    # Symbolic shapes: broadcasting, unknown dims filled from known ones, batch size kept.
    assert layers.Add()([kcore.Input((3, 4)), kcore.Input((4,))]).shape == (None, 3, 4)
    assert layers.Add()([kcore.Input((None, 4)), kcore.Input((3, 1))]).shape == (None, 3, 4)
    assert layers.Add()([kcore.Input((None, 4)), kcore.Input((1, 4))]).shape == (None, None, 4)
    a = kcore.Input(batch_shape=(5, 3))
    assert layers.Subtract()([a, kcore.Input((3,))]).shape == (5, 3)
    assert layers.Add().compute_output_shape([(None, 1, 4), (2, 3, 1)]) == (2, 3, 4)


def test_output_dtypes():
    ints = [np.arange(6, dtype="int32").reshape(2, 3)] * 2
    assert ops.dtype(layers.Add()(ints)) == "int32"
    assert layers.Add()([kcore.Input((3,), dtype="int32")] * 2).dtype == "int32"
    average = layers.Average()(ints)
    symbolic = layers.Average()([kcore.Input((3,), dtype="int32")] * 2)
    assert ops.dtype(average) == symbolic.dtype and symbolic.dtype.startswith("float")
    np.testing.assert_allclose(_np(average), ints[0])


def test_merge_validation_errors():
    with pytest.raises(ValueError, match="list of at least 1 tensors"):
        layers.Add()(X1)
    with pytest.raises(ValueError, match="list of at least 1 tensors"):
        layers.Add()(kcore.Input((3,)))
    with pytest.raises(ValueError, match="exactly 2"):
        layers.Subtract()([X1, X2, X3])
    with pytest.raises(ValueError, match="exactly 2"):
        layers.Subtract()([kcore.Input((3,))])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([kcore.Input((3, 4)), kcore.Input((3, 5))])
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([np.zeros((2, 3), "float32"), np.zeros((3, 3), "float32")])
    with pytest.raises(ValueError, match="list of"):
        layers.Add()([])


# -- masks --------------------------------------------------------------------------------------
def test_merge_compute_mask_is_or_of_masks():
    m1 = np.array([[True, False, False], [True, True, False]])
    m2 = np.array([[False, False, True], [True, False, False]])
    for name in ELEMENTWISE:
        layer = getattr(layers, name)()
        got = _np(layer.compute_mask([X1, X2], [m1, m2]))
        np.testing.assert_array_equal(got, m1 | m2)
        assert layer.compute_mask([X1, X2], [m1, None]) is None
        assert layer.compute_mask([X1, X2], None) is None
    assert layers.Dot(axes=2).compute_mask([X1, X2], [m1, m2]) is None


def test_masked_multiply_maximum_minimum_eager():
    m1 = np.array([[True, False, True], [True, True, False]])
    m2 = np.array([[True, True, False], [False, True, False]])
    b1, b2 = m1[..., None], m2[..., None]
    # Multiply: masked entries count as 1; zero where every input is masked.
    expected = np.where(b1, X1, 1.0) * np.where(b2, X2, 1.0)
    expected = np.where(b1 | b2, expected, 0.0)
    np.testing.assert_allclose(_np(layers.Multiply()([X1, X2], mask=[m1, m2])), expected)
    # Only one masked input: its masked entries count as 1, nothing zeroed.
    got = _np(layers.Multiply()([X1, X2], mask=[m1, None]))
    np.testing.assert_allclose(got, np.where(b1, X1, 1.0) * X2, rtol=1e-6)
    # Maximum: a masked entry does not take part (masked in both: the first input's value).
    got = _np(layers.Maximum()([X1, X2], mask=[m1, m2]))
    expected = np.where(b1 & b2, np.maximum(X1, X2), np.where(b2 & ~b1, X2, X1))
    np.testing.assert_allclose(got, expected)
    got = _np(layers.Minimum()([X1, X2], mask=[m1, None]))
    np.testing.assert_allclose(got, np.where(b1, np.minimum(X1, X2), X2))


def _masked_model(lib, name, kwargs=None):
    a, b = lib.Input((3, 4)), lib.Input((3, 4))
    out = getattr(lib.layers, name)(**(kwargs or {}))([lib.layers.Masking()(a), b])
    out2 = getattr(lib.layers, name)(**(kwargs or {}))(
        [lib.layers.Masking()(a), lib.layers.Masking()(b)]
    )
    return lib.Model([a, b], [out, out2])


@pytest.mark.parametrize(
    "name, kwargs",
    [("Multiply", {}), ("Maximum", {}), ("Minimum", {}), ("Add", {}), ("Concatenate", {})],
)
def test_masked_merge_in_functional_model_matches_keras(keras, name, kwargs):
    x, y = X1.copy(), X2.copy()
    x[0, 1] = 0.0  # masked timesteps (all features 0)
    x[1, 2] = 0.0
    y[1, 2] = 0.0
    y[0, 0] = 0.0
    ours = _masked_model(kcore, name, kwargs)([x, y])
    theirs = _masked_model(keras, name, kwargs)([x, y])
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(_np(o), np.asarray(t), rtol=1e-6, atol=1e-6)


def test_masks_propagate_through_merges_symbolically():
    a, b = kcore.Input((3, 4)), kcore.Input((3, 4))
    ma, mb = layers.Masking()(a), layers.Masking()(b)
    assert layers.Add()([ma, mb])._mask is not None
    assert layers.Add()([ma, b])._mask is None
    concat = layers.Concatenate(axis=1)([ma, b])
    assert concat._mask is not None and tuple(concat._mask.shape) == (None, 6)
    assert layers.Dot(axes=2)([ma, mb])._mask is None


def test_concatenate_mask():
    m1 = np.array([[True, False, True], [False, False, True]])
    layer = layers.Concatenate(axis=1)
    got = _np(layer.compute_mask([X1, X2], [m1, None]))
    np.testing.assert_array_equal(got, np.concatenate([m1, np.ones_like(m1)], axis=1))
    got = _np(layers.Concatenate().compute_mask([X1, X2], [m1, None]))
    np.testing.assert_array_equal(got, np.ones_like(m1))  # features of X2 are never masked
    assert layer.compute_mask([X1, X2], [None, None]) is None


# -- Concatenate --------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 1])
def test_concatenate_layer_test(axis):
    y = R.standard_normal((2, 5, 4) if axis == 1 else (2, 3, 2)).astype("float32")
    expected = np.concatenate([X1, y], axis=axis)
    run_layer_test(
        layers.Concatenate,
        {"axis": axis},
        input_data=[X1, y],
        expected_output_shape=expected.shape,
        expected_output=expected,
        supports_masking=True,
    )


def test_concatenate_shapes_and_errors():
    out = layers.concatenate([kcore.Input((None, 4)), kcore.Input((3, 2))])
    assert out.shape == (None, 3, 6)
    assert layers.Concatenate(axis=1)([kcore.Input((None, 4)), kcore.Input((3, 4))]).shape == (
        None,
        None,
        4,
    )
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([kcore.Input((3, 4)), kcore.Input((5, 4))])
    with pytest.raises(ValueError, match="same rank"):
        layers.Concatenate()([kcore.Input((3, 4)), kcore.Input((4,))])
    with pytest.raises(ValueError, match="out of range"):
        layers.Concatenate(axis=3)([kcore.Input((3, 4)), kcore.Input((3, 4))])
    with pytest.raises(ValueError, match="`axis` must be an integer"):
        layers.Concatenate(axis="last")


# -- Dot ----------------------------------------------------------------------------------------
def test_dot_layer_test():
    x, y = R.standard_normal((2, 3, 5)).astype("float32"), R.standard_normal((2, 6, 3))
    y = y.astype("float32")
    run_layer_test(
        layers.Dot,
        {"axes": (1, 2)},
        input_data=[x, y],
        expected_output_shape=(2, 5, 6),
        expected_output=np.einsum("bki,bjk->bij", x, y),
        supports_masking=True,
    )


def test_dot_2d_normalize_and_mixed_ranks():
    x, y = R.standard_normal((4, 5)).astype("float32"), R.standard_normal((4, 5)).astype("float32")
    got = _np(layers.Dot(axes=1, normalize=True)([x, y]))
    cos = np.sum(x * y, 1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(got, cos[:, None], rtol=1e-5)
    z = R.standard_normal((4, 5, 3)).astype("float32")
    np.testing.assert_allclose(
        _np(layers.dot([x, z], axes=(1, 1))), np.einsum("bk,bkj->bj", x, z), rtol=1e-5
    )
    np.testing.assert_allclose(
        _np(layers.dot([z, x], axes=(-2, -1))), np.einsum("bkj,bk->bj", z, x), rtol=1e-5
    )
    assert layers.Dot(axes=-1)([kcore.Input((5,)), kcore.Input((5,))]).shape == (None, 1)
    assert layers.Dot(axes=(1, 2))([kcore.Input((None, 4)), kcore.Input((2, None))]).shape == (
        None,
        4,
        2,
    )


def test_dot_errors():
    with pytest.raises(TypeError, match="`axes`"):
        layers.Dot(axes="1")
    with pytest.raises(ValueError, match="two integers"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="non-batch axis"):
        layers.Dot(axes=0)([kcore.Input((3,)), kcore.Input((3,))])
    with pytest.raises(ValueError, match="same size"):
        layers.Dot(axes=1)([kcore.Input((3,)), kcore.Input((4,))])
    with pytest.raises(ValueError, match="exactly 2"):
        layers.Dot(axes=1)([kcore.Input((3,))] * 3)
    with pytest.raises(ValueError, match="rank >= 2"):
        layers.Dot(axes=1)([np.zeros((3,), "float32"), np.zeros((3,), "float32")])


def test_functional_forms_are_registered_functions():
    for name in ("add", "subtract", "multiply", "average", "maximum", "minimum"):
        fn = getattr(layers, name)
        assert callable(fn) and not isinstance(fn, type)
        assert fn.__module__ == f"kcore_layers.merging.{name}"
    out = layers.concatenate([X1, X2], axis=1)
    np.testing.assert_allclose(_np(out), np.concatenate([X1, X2], axis=1))
    assert layers.dot.__module__ == "kcore_layers.merging.dot"


# -- Keras parity -------------------------------------------------------------------------------
PARITY = {
    "add": ("Add", {}, [(2, 3, 4), (2, 3, 4)]),
    "add_broadcast": ("Add", {}, [(2, 3, 4), (2, 4)]),
    "subtract": ("Subtract", {}, [(2, 5), (2, 5)]),
    "multiply3": ("Multiply", {}, [(2, 5), (2, 5), (2, 5)]),
    "average": ("Average", {}, [(2, 3, 4), (2, 1, 4)]),
    "maximum": ("Maximum", {}, [(2, 5), (2, 5)]),
    "minimum": ("Minimum", {}, [(2, 5), (2, 5)]),
    "concatenate": ("Concatenate", {}, [(2, 3, 4), (2, 3, 2)]),
    "concatenate_axis1": ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 2, 4)]),
    "dot_2d": ("Dot", {"axes": 1}, [(3, 5), (3, 5)]),
    "dot_normalize": ("Dot", {"axes": (2, 2), "normalize": True}, [(2, 3, 5), (2, 4, 5)]),
    "dot_mixed": ("Dot", {"axes": (1, 2)}, [(2, 4), (2, 3, 4)]),
    "dot_rank4": ("Dot", {"axes": -1}, [(2, 3, 2, 4), (2, 5, 4)]),
}


@pytest.mark.parametrize("case", sorted(PARITY))
def test_merge_matches_keras(case, keras):
    cls_name, kwargs, shapes = PARITY[case]
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal(s).astype("float32") for s in shapes]
    ours, theirs = getattr(layers, cls_name)(**kwargs), getattr(keras.layers, cls_name)(**kwargs)
    expected = np.asarray(theirs(xs))
    got = _np(ours(xs))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # Symbolic shapes (kcore may fill a dim Keras leaves unknown).
    ours_sym = getattr(layers, cls_name)(**kwargs)([kcore.Input(batch_shape=s) for s in shapes])
    theirs_sym = getattr(keras.layers, cls_name)(**kwargs)(
        [keras.Input(batch_shape=s) for s in shapes]
    )
    assert len(ours_sym.shape) == len(theirs_sym.shape)
    assert all(t is None or o == t for o, t in zip(ours_sym.shape, theirs_sym.shape))
    # Configs key by key; each library rebuilds the other's.
    assert _normalize(ours.get_config()) == _normalize(theirs.get_config())
    rebuilt = getattr(layers, cls_name).from_config(theirs.get_config())
    assert _normalize(rebuilt.get_config()) == _normalize(ours.get_config())
    getattr(keras.layers, cls_name).from_config(ours.get_config())
