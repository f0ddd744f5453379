"""kcore.losses against Keras 3 (NumPy backend), on the active kcore backend.

Every loss class runs on the same random data in both libraries, plain and with sample weights,
under every reduction; every loss function is compared directly; configs round-trip through
kcore and through Keras.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import kcore
from kcore import ops

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

RTOL = ATOL = 1e-5
BATCH, CLASSES = 8, 5
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def make_data(kind, seed=0):
    """``(y_true, y_pred)`` float32 arrays (int32 labels for sparse kinds)."""
    rng = np.random.default_rng(seed)
    shape = (BATCH, CLASSES)
    labels = rng.integers(0, CLASSES, BATCH)
    one_hot = np.eye(CLASSES, dtype="float32")[labels]
    logits = (rng.normal(size=shape) * 2).astype("float32")
    binary = rng.integers(0, 2, shape).astype("float32")
    y_true, y_pred = {
        "regression": (rng.normal(size=shape), rng.normal(size=shape)),
        "positive": (rng.uniform(0.1, 3.0, shape), rng.uniform(0.1, 3.0, shape)),
        "binary": (binary, rng.uniform(0.02, 0.98, shape)),
        "logits": (binary, logits),
        "categorical": (one_hot, _softmax(logits)),
        "categorical_logits": (one_hot, logits),
        "sparse": (labels.astype("int32"), _softmax(logits)),
        "sparse_logits": (labels.astype("int32"), logits),
        "probs": (_softmax(rng.normal(size=shape)), _softmax(logits)),
        "hinge": (binary * 2 - 1, rng.normal(size=shape)),
    }[kind]
    y_true = y_true if y_true.dtype == np.int32 else y_true.astype("float32")
    return y_true, y_pred.astype("float32")


def sample_weights(seed=1):
    return np.random.default_rng(seed).uniform(0.0, 2.0, BATCH).astype("float32")


def to_numpy(x):
    return np.asarray(ops.convert_to_numpy(x)) if not isinstance(x, np.ndarray) else x


# (id, class name, constructor arguments, data kind)
CASES = [
    ("mse", "MeanSquaredError", {}, "regression"),
    ("mae", "MeanAbsoluteError", {}, "regression"),
    ("mape", "MeanAbsolutePercentageError", {}, "regression"),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive"),
    ("huber", "Huber", {}, "regression"),
    ("huber_delta", "Huber", {"delta": 0.5}, "regression"),
    ("log_cosh", "LogCosh", {}, "regression"),
    ("cosine", "CosineSimilarity", {}, "regression"),
    ("cce", "CategoricalCrossentropy", {}, "categorical"),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True}, "categorical_logits"),
    ("cce_smooth", "CategoricalCrossentropy", {"label_smoothing": 0.1}, "categorical"),
    (
        "cce_logits_smooth",
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "categorical_logits",
    ),
    ("scce", "SparseCategoricalCrossentropy", {}, "sparse"),
    ("scce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    (
        "scce_ignore",
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 1},
        "sparse_logits",
    ),
    ("bce", "BinaryCrossentropy", {}, "binary"),
    ("bce_logits", "BinaryCrossentropy", {"from_logits": True}, "logits"),
    ("bce_smooth", "BinaryCrossentropy", {"label_smoothing": 0.1}, "binary"),
    (
        "bce_logits_smooth",
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "logits",
    ),
    ("bfce", "BinaryFocalCrossentropy", {}, "binary"),
    (
        "bfce_balanced",
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5},
        "binary",
    ),
    (
        "bfce_logits",
        "BinaryFocalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        "logits",
    ),
    ("cfce", "CategoricalFocalCrossentropy", {}, "categorical"),
    (
        "cfce_logits",
        "CategoricalFocalCrossentropy",
        {"from_logits": True, "alpha": 0.5, "gamma": 1.0, "label_smoothing": 0.1},
        "categorical_logits",
    ),
    ("kld", "KLDivergence", {}, "probs"),
    ("poisson", "Poisson", {}, "positive"),
    ("hinge", "Hinge", {}, "hinge"),
    ("hinge_01_labels", "Hinge", {}, "binary"),
    ("squared_hinge", "SquaredHinge", {}, "hinge"),
    ("categorical_hinge", "CategoricalHinge", {}, "categorical"),
    ("dice", "Dice", {}, "binary"),
    ("dice_axis", "Dice", {"axis": (1,)}, "binary"),
    ("tversky", "Tversky", {"alpha": 0.3, "beta": 0.7}, "binary"),
    ("tversky_axis", "Tversky", {"axis": (1,)}, "binary"),
]
CASE_IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("reduction", REDUCTIONS, ids=[str(r) for r in REDUCTIONS])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_loss_class_matches_keras(case, reduction, weighted):
    _, class_name, kwargs, kind = case
    y_true, y_pred = make_data(kind)
    sw = sample_weights() if weighted else None
    expected = getattr(keras.losses, class_name)(reduction=reduction, **kwargs)(y_true, y_pred, sw)
    loss = getattr(kcore.losses, class_name)(reduction=reduction, **kwargs)
    got = loss(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=RTOL, atol=ATOL)


def test_per_element_sample_weights_match_keras():
    y_true, y_pred = make_data("regression")
    sw = np.random.default_rng(3).uniform(0, 1, (BATCH, 1)).astype("float32")
    expected = keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=sw)
    got = kcore.losses.MeanSquaredError()(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=RTOL)


def test_rank_one_targets_against_column_predictions():
    rng = np.random.default_rng(5)
    y_true = rng.normal(size=(BATCH,)).astype("float32")
    y_pred = rng.normal(size=(BATCH, 1)).astype("float32")
    for name in ("MeanSquaredError", "MeanAbsoluteError", "Huber"):
        expected = getattr(keras.losses, name)()(y_true, y_pred)
        got = getattr(kcore.losses, name)()(y_true, y_pred)
        np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=RTOL, err_msg=name)


def test_cosine_similarity_along_axis_0():
    # Keras's NumPy backend normalizes along -1 whatever the axis (its `axis or -1`), so the
    # reference here is NumPy.
    y_true, y_pred = make_data("regression")
    unit_true = y_true / np.linalg.norm(y_true, axis=0, keepdims=True)
    unit_pred = y_pred / np.linalg.norm(y_pred, axis=0, keepdims=True)
    expected = -(unit_true * unit_pred).sum(0)
    got = kcore.losses.CosineSimilarity(axis=0, reduction="none")(y_true, y_pred)
    np.testing.assert_allclose(to_numpy(got), expected, rtol=RTOL, atol=ATOL)


def test_sparse_labels_with_trailing_axis():
    y_true, y_pred = make_data("sparse_logits")
    y_true = y_true[:, None]
    loss = kcore.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, y_pred)
    np.testing.assert_allclose(to_numpy(loss(y_true, y_pred)), np.asarray(expected), rtol=RTOL)


def test_sparse_ignore_class_on_segmentation_maps():
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 4, (2, 3, 3)).astype("int32")
    y_pred = rng.normal(size=(2, 3, 3, 4)).astype("float32")
    for reduction in ("sum_over_batch_size", "sum", "none"):
        kwargs = {"from_logits": True, "ignore_class": 0, "reduction": reduction}
        expected = keras.losses.SparseCategoricalCrossentropy(**kwargs)(y_true, y_pred)
        got = kcore.losses.SparseCategoricalCrossentropy(**kwargs)(y_true, y_pred)
        np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=RTOL, atol=ATOL)


def test_ctc_matches_keras():
    rng = np.random.default_rng(11)
    y_true = np.array([[1, 2, 2, 0], [3, 1, 0, 0]], dtype="int32")
    y_pred = rng.normal(size=(2, 7, 5)).astype("float32")
    expected = keras.losses.CTC()(y_true, y_pred)
    got = kcore.losses.CTC()(y_true, y_pred)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=1e-4)
    with pytest.raises(ValueError, match="y_true.shape"):
        kcore.losses.ctc(y_true[0], y_pred)


# (function name, keyword arguments, data kind)
FUNCTIONS = [
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression"),
    ("mean_absolute_percentage_error", {}, "regression"),
    ("mean_squared_logarithmic_error", {}, "positive"),
    ("huber", {"delta": 2.0}, "regression"),
    ("log_cosh", {}, "regression"),
    ("cosine_similarity", {"axis": -1}, "regression"),
    ("categorical_crossentropy", {}, "categorical"),
    (
        "categorical_crossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        "categorical_logits",
    ),
    ("sparse_categorical_crossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_logits"),
    ("binary_crossentropy", {}, "binary"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("binary_focal_crossentropy", {"apply_class_balancing": True}, "binary"),
    ("categorical_focal_crossentropy", {"from_logits": True}, "categorical_logits"),
    ("kl_divergence", {}, "probs"),
    ("poisson", {}, "positive"),
    ("hinge", {}, "hinge"),
    ("squared_hinge", {}, "binary"),
    ("categorical_hinge", {}, "categorical"),
    ("dice", {}, "binary"),
    ("tversky", {"alpha": 0.2, "beta": 0.8}, "binary"),
]


@pytest.mark.parametrize(
    "name, kwargs, kind", FUNCTIONS, ids=[f"{f[0]}-{i}" for i, f in enumerate(FUNCTIONS)]
)
def test_loss_function_matches_keras(name, kwargs, kind):
    y_true, y_pred = make_data(kind)
    expected = getattr(keras.losses, name)(y_true, y_pred, **kwargs)
    got = getattr(kcore.losses, name)(y_true, y_pred, **kwargs)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    "alias, target",
    [
        ("mse", "mean_squared_error"),
        ("MSE", "mean_squared_error"),
        ("mae", "mean_absolute_error"),
        ("mape", "mean_absolute_percentage_error"),
        ("msle", "mean_squared_logarithmic_error"),
        ("kld", "kl_divergence"),
        ("bce", "binary_crossentropy"),
    ],
)
def test_aliases_resolve_like_keras(alias, target):
    assert getattr(kcore.losses, alias) is getattr(kcore.losses, target)
    assert kcore.losses.get(alias) is getattr(kcore.losses, target)
    assert keras.losses.get(alias).__name__ == target


def test_get_resolves_classes_configs_and_callables():
    assert isinstance(kcore.losses.get("CategoricalCrossentropy"), kcore.losses.Loss)
    loss = kcore.losses.get(
        {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}
    )
    assert loss.from_logits is True
    assert kcore.losses.get(None) is None
    assert kcore.losses.get(kcore.losses.hinge) is kcore.losses.hinge


def _json(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_config_round_trips(case):
    _, class_name, kwargs, _ = case
    loss = getattr(kcore.losses, class_name)(reduction="sum", name="my_loss", **kwargs)
    config = _json(loss.get_config())
    assert _json(type(loss).from_config(config).get_config()) == config
    serialized = _json(kcore.losses.serialize(loss))
    assert serialized["module"] == "keras.losses"
    assert serialized["class_name"] == class_name
    assert _json(kcore.losses.deserialize(serialized).get_config()) == config
    # Keras reads kcore's config and kcore reads Keras's. (Keras's Huber / CosineSimilarity
    # configs omit `delta` / `axis`; kcore writes them so they survive a round trip.)
    keras_loss = keras.losses.deserialize(serialized)
    assert type(keras_loss).__name__ == class_name
    keras_config = _json(keras_loss.get_config())
    assert keras_config.items() <= config.items()
    from_keras = _json(kcore.losses.deserialize(keras.losses.serialize(keras_loss)).get_config())
    assert {k: from_keras[k] for k in keras_config} == keras_config


def test_function_serializes_by_name():
    assert kcore.losses.serialize(kcore.losses.mean_squared_error) == "mean_squared_error"
    assert kcore.losses.deserialize("mean_squared_error") is kcore.losses.mean_squared_error


def test_loss_function_wrapper_round_trip():
    wrapper = kcore.losses.LossFunctionWrapper(kcore.losses.huber, name="h", delta=0.5)
    y_true, y_pred = make_data("regression")
    expected = keras.losses.Huber(delta=0.5)(y_true, y_pred)
    np.testing.assert_allclose(to_numpy(wrapper(y_true, y_pred)), np.asarray(expected), rtol=RTOL)
    config = wrapper.get_config()
    assert config["fn"] == "huber" and config["delta"] == 0.5
    rebuilt = kcore.losses.LossFunctionWrapper.from_config(config)
    assert rebuilt.fn is kcore.losses.huber


def test_custom_subclass_gets_weighting_and_reduction():
    class MeanError(kcore.losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.subtract(y_pred, y_true), axis=-1)

    loss = MeanError()
    assert loss.name == "mean_error"
    y_true, y_pred = make_data("regression")
    sw = sample_weights()
    expected = (y_pred - y_true).mean(-1) * sw
    np.testing.assert_allclose(
        to_numpy(loss(y_true, y_pred, sample_weight=sw)), expected.mean(), rtol=RTOL, atol=ATOL
    )


def test_dtype_argument_sets_the_compute_dtype():
    y_true, y_pred = make_data("regression")
    loss = kcore.losses.MeanSquaredError(dtype="float16")
    assert loss.dtype == "float16"
    assert ops.dtype(loss(y_true, y_pred)) == "float16"


def test_mismatched_shapes_name_both_shapes():
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\).*y_pred.shape=\(4, 5\)"):
        kcore.losses.MeanSquaredError()(np.ones((4, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(4, 5\)"):
        kcore.losses.CategoricalCrossentropy()(np.ones((4, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"y_true.shape=\(3,\).*y_pred.shape=\(4, 5\)"):
        kcore.losses.SparseCategoricalCrossentropy()(np.zeros(3, "int32"), np.ones((4, 5)))


def test_invalid_reduction_is_rejected():
    with pytest.raises(ValueError, match="reduction"):
        kcore.losses.MeanSquaredError(reduction="average")


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchLoss"):
        kcore.losses.NoSuchLoss  # noqa: B018
    with pytest.raises(ValueError, match="no_such_loss"):
        kcore.losses.get("no_such_loss")


def test_every_registered_loss_resolves():
    for name in dir(kcore.losses):
        assert callable(getattr(kcore.losses, name)), name


def test_mask_on_predictions_drops_entries_from_the_mean():
    y_true, y_pred = make_data("regression")
    y_pred_tensor = ops.convert_to_tensor(y_pred)
    mask = np.arange(BATCH) % 2 == 0
    try:
        y_pred_tensor._keras_mask = ops.convert_to_tensor(mask)
    except AttributeError:
        pytest.skip("this backend's tensors cannot carry a mask attribute")
    got = kcore.losses.MeanSquaredError()(y_true, y_pred_tensor)
    per_sample = ((y_true - y_pred) ** 2).mean(-1)
    np.testing.assert_allclose(to_numpy(got), per_sample[mask].mean(), rtol=RTOL)
