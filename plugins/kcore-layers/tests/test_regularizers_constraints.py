"""kcore.regularizers and kcore.constraints against NumPy formulas (and Keras 3's numbers)."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops

EPS = 1e-7  # kcore.config.epsilon(), as in Keras


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


@pytest.fixture
def w(rng):
    return rng.standard_normal((6, 4)).astype("float32")


# -- regularizers -------------------------------------------------------------------------------
def _orthogonal_penalty(x, factor, mode):
    x = x.astype("float64")
    if mode == "columns":
        x = x.T
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    product = x @ x.T
    n = product.shape[0]
    off = np.abs(product * (1 - np.eye(n))).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


@pytest.mark.parametrize(
    "make, reference",
    [
        (lambda: kcore.regularizers.L1(), lambda x: 0.01 * np.abs(x).sum()),
        (lambda: kcore.regularizers.L1(0.3), lambda x: 0.3 * np.abs(x).sum()),
        (lambda: kcore.regularizers.L2(), lambda x: 0.01 * np.square(x).sum()),
        (lambda: kcore.regularizers.L2(0.2), lambda x: 0.2 * np.square(x).sum()),
        (lambda: kcore.regularizers.L1L2(), lambda x: 0.0),
        (
            lambda: kcore.regularizers.L1L2(l1=0.1, l2=0.2),
            lambda x: 0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum(),
        ),
        (
            lambda: kcore.regularizers.OrthogonalRegularizer(),
            lambda x: _orthogonal_penalty(x, 0.01, "rows"),
        ),
        (
            lambda: kcore.regularizers.OrthogonalRegularizer(0.5, mode="columns"),
            lambda x: _orthogonal_penalty(x, 0.5, "columns"),
        ),
    ],
)
def test_regularizer_values(make, reference, w):
    reg = make()
    value = reg(ops.convert_to_tensor(w))
    np.testing.assert_allclose(_np(value), reference(w), rtol=1e-5, atol=1e-7)
    revived = kcore.saving.deserialize_keras_object(
        kcore.saving.serialize_keras_object(reg), kind="regularizers"
    )
    assert type(revived) is type(reg) and revived.get_config() == reg.get_config()


@pytest.mark.parametrize(
    "name, cls",
    [("l1", "L1"), ("l2", "L2"), ("l1_l2", "L1L2"), ("l1l2", "L1L2"),
     ("orthogonal_regularizer", "OrthogonalRegularizer")],
)  # fmt: skip
def test_regularizer_aliases(name, cls):
    obj = kcore.saving.deserialize_keras_object(name, kind="regularizers")
    assert type(obj).__name__ == cls


def test_regularizer_defaults_and_validation():
    assert kcore.regularizers.L1().get_config() == {"l1": 0.01}
    assert kcore.regularizers.L2().get_config() == {"l2": 0.01}
    assert kcore.regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert kcore.regularizers.OrthogonalRegularizer().get_config() == {
        "factor": 0.01,
        "mode": "rows",
    }
    with pytest.raises(ValueError, match="`l1`.*non-negative"):
        kcore.regularizers.L1(-1.0)
    with pytest.raises(ValueError, match="`l2`"):
        kcore.regularizers.L2(float("nan"))
    with pytest.raises(ValueError, match="mode"):
        kcore.regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="rank 2"):
        kcore.regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))


def test_regularizers_match_keras(keras, w):
    pairs = [
        ("L1", {"l1": 0.2}),
        ("L2", {"l2": 0.3}),
        ("L1L2", {"l1": 0.1, "l2": 0.05}),
        ("OrthogonalRegularizer", {"factor": 0.4, "mode": "rows"}),
        # mode="columns" is left out: Keras's NumPy-array path normalizes along axis -1 instead
        # of 0 (`axis or -1`), so its value is wrong there; the NumPy reference above covers it.
    ]
    for name, kwargs in pairs:
        ours = getattr(kcore.regularizers, name)(**kwargs)
        theirs = getattr(keras.regularizers, name)(**kwargs)
        np.testing.assert_allclose(
            _np(ours(ops.convert_to_tensor(w))), np.asarray(theirs(w)), rtol=1e-5, err_msg=name
        )
        ours_config = kcore.saving.serialize_keras_object(ours)
        theirs_config = keras.saving.serialize_keras_object(theirs)
        assert ours_config["class_name"] == theirs_config["class_name"]
        assert ours_config["module"] == theirs_config["module"] == "keras.regularizers"
        # Keras stores L1's factor as a float32 tensor, so its config reads 0.2000000029...
        for key, value in ours_config["config"].items():
            expected = theirs_config["config"][key]
            if isinstance(value, float):
                expected = pytest.approx(expected, rel=1e-6)
            assert value == expected, key
        revived = kcore.saving.deserialize_keras_object(theirs_config, kind="regularizers")
        assert type(revived) is type(ours)


# -- constraints --------------------------------------------------------------------------------
def _norms(x, axis):
    return np.sqrt(np.square(x).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize(
    "make, reference",
    [
        (
            lambda: kcore.constraints.MaxNorm(),
            lambda x: x * np.clip(_norms(x, 0), 0, 2) / (EPS + _norms(x, 0)),
        ),
        (
            lambda: kcore.constraints.MaxNorm(max_value=1.5, axis=1),
            lambda x: x * np.clip(_norms(x, 1), 0, 1.5) / (EPS + _norms(x, 1)),
        ),
        (
            lambda: kcore.constraints.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5),
            lambda x: (
                x
                * (0.5 * np.clip(_norms(x, 0), 1.0, 2.0) + 0.5 * _norms(x, 0))
                / (EPS + _norms(x, 0))
            ),
        ),
        (lambda: kcore.constraints.NonNeg(), lambda x: np.maximum(x, 0)),
        (lambda: kcore.constraints.UnitNorm(), lambda x: x / (EPS + _norms(x, 0))),
        (lambda: kcore.constraints.UnitNorm(axis=[0, 1]), lambda x: x / (EPS + _norms(x, (0, 1)))),
    ],
)
def test_constraint_values(make, reference, w):
    constraint = make()
    got = _np(constraint(ops.convert_to_tensor(w)))
    np.testing.assert_allclose(got, reference(w.astype("float64")), rtol=1e-5, atol=1e-6)
    revived = kcore.saving.deserialize_keras_object(
        kcore.saving.serialize_keras_object(constraint), kind="constraints"
    )
    assert type(revived) is type(constraint)
    assert revived.get_config() == constraint.get_config()


@pytest.mark.parametrize(
    "name, cls",
    [("max_norm", "MaxNorm"), ("min_max_norm", "MinMaxNorm"), ("non_neg", "NonNeg"),
     ("unit_norm", "UnitNorm")],
)  # fmt: skip
def test_constraint_aliases(name, cls):
    obj = kcore.saving.deserialize_keras_object(name, kind="constraints")
    assert type(obj).__name__ == cls


def test_constraint_defaults():
    assert kcore.constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert kcore.constraints.MinMaxNorm().get_config() == {
        "min_value": 0.0,
        "max_value": 1.0,
        "rate": 1.0,
        "axis": 0,
    }
    assert kcore.constraints.UnitNorm().get_config() == {"axis": 0}
    assert kcore.constraints.NonNeg().get_config() == {}


def test_constraints_match_keras(keras, w):
    for name, kwargs in [
        ("MaxNorm", {"max_value": 1.2}),
        ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.5, "rate": 0.7, "axis": 1}),
        ("NonNeg", {}),
        ("UnitNorm", {"axis": 1}),
    ]:
        ours = getattr(kcore.constraints, name)(**kwargs)
        theirs = getattr(keras.constraints, name)(**kwargs)
        np.testing.assert_allclose(
            _np(ours(ops.convert_to_tensor(w))), np.asarray(theirs(w)), rtol=1e-5, err_msg=name
        )
        assert kcore.saving.serialize_keras_object(ours) == keras.saving.serialize_keras_object(
            theirs
        )
