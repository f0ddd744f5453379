"""kcore.metrics against Keras 3 (NumPy backend), on the active kcore backend.

Each metric sees the same batches in both libraries (plain and with sample weights), then
``result()`` is compared; ``reset_state`` and one more batch are compared too. The stateless API
must agree with the stateful one, configs must round-trip, and metric functions must match.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import kcore
from kcore import ops

keras = pytest.importorskip("keras")

pytestmark = [
    pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning"),
    # Keras's NumPy backend divides by zero inside its own divide_no_nan / AUC code.
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:divide by zero encountered:RuntimeWarning"),
]

BACKEND = kcore.backend.backend()
RTOL = ATOL = 1e-5
BATCH, CLASSES = 16, 4


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def make_batch(kind, seed):
    """One ``(y_true, y_pred)`` batch of the given kind."""
    rng = np.random.default_rng(seed)
    shape = (BATCH, CLASSES)
    labels = rng.integers(0, CLASSES, BATCH).astype("int32")
    one_hot = np.eye(CLASSES, dtype="float32")[labels]
    logits = (rng.normal(size=shape) * 2).astype("float32")
    binary = rng.integers(0, 2, shape).astype("float32")
    batches = {
        "values": lambda: (rng.normal(size=shape).astype("float32"), None),
        "equal": lambda: (labels, np.where(rng.uniform(size=BATCH) < 0.6, labels, 0)),
        "binary": lambda: (binary, rng.uniform(0.0, 1.0, shape)),
        "binary_1d": lambda: (binary[:, 0], rng.uniform(0.0, 1.0, BATCH)),
        "logits": lambda: (binary, logits),
        "categorical": lambda: (one_hot, _softmax(logits)),
        "categorical_logits": lambda: (one_hot, logits),
        "sparse": lambda: (labels, _softmax(logits)),
        "sparse_logits": lambda: (labels, logits),
        "regression": lambda: (rng.normal(size=shape), rng.normal(size=shape)),
        "positive": lambda: (rng.uniform(0.1, 3.0, shape), rng.uniform(0.1, 3.0, shape)),
        "probs": lambda: (_softmax(rng.normal(size=shape)), _softmax(logits)),
        "hinge": lambda: (binary * 2 - 1, rng.normal(size=shape)),
        "class_ids": lambda: (labels, rng.integers(0, CLASSES, BATCH)),
    }
    y_true, y_pred = batches[kind]()
    if y_pred is not None and y_pred.dtype != np.int64:
        y_pred = y_pred.astype("float32")
    if y_true.dtype == np.float64:
        y_true = y_true.astype("float32")
    return y_true, y_pred


def sample_weights(seed, integer=False):
    rng = np.random.default_rng(seed + 100)
    if integer:
        return rng.integers(0, 3, BATCH).astype("int32")
    return rng.uniform(0.0, 2.0, BATCH).astype("float32")


def to_numpy(x):
    return np.asarray(ops.convert_to_numpy(x)) if not isinstance(x, np.ndarray) else x


# (id, class name, constructor arguments, data kind)
CASES = [
    ("mean", "Mean", {}, "values"),
    ("sum", "Sum", {}, "values"),
    ("accuracy", "Accuracy", {}, "equal"),
    ("binary_accuracy", "BinaryAccuracy", {}, "binary"),
    ("binary_accuracy_threshold", "BinaryAccuracy", {"threshold": 0.7}, "binary"),
    ("categorical_accuracy", "CategoricalAccuracy", {}, "categorical"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, "sparse"),
    ("top_k", "TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("auc", "AUC", {}, "binary"),
    ("auc_pr", "AUC", {"curve": "PR"}, "binary"),
    ("auc_pr_majoring", "AUC", {"curve": "PR", "summation_method": "majoring"}, "binary"),
    ("auc_minoring", "AUC", {"summation_method": "minoring", "num_thresholds": 50}, "binary"),
    ("auc_prgain", "AUC", {"curve": "PRGAIN"}, "binary"),
    ("auc_multi_label", "AUC", {"multi_label": True, "num_labels": CLASSES}, "binary"),
    ("auc_multi_label_lazy", "AUC", {"multi_label": True, "curve": "PR"}, "binary"),
    (
        "auc_multi_label_weights",
        "AUC",
        {"multi_label": True, "label_weights": [0.1, 0.2, 0.3, 0.4]},
        "binary",
    ),
    ("auc_label_weights", "AUC", {"label_weights": [0.5, 1.0, 1.5, 2.0]}, "binary"),
    ("auc_thresholds", "AUC", {"thresholds": [0.2, 0.5, 0.7]}, "binary"),
    ("auc_even_thresholds", "AUC", {"thresholds": [0.25, 0.5, 0.75]}, "binary"),
    ("auc_logits", "AUC", {"from_logits": True}, "logits"),
    ("auc_1d", "AUC", {"num_thresholds": 20}, "binary_1d"),
    ("precision", "Precision", {}, "binary"),
    ("precision_thresholds", "Precision", {"thresholds": [0.3, 0.5, 0.8]}, "binary"),
    ("precision_top_k", "Precision", {"top_k": 2}, "binary"),
    ("precision_class_id", "Precision", {"class_id": 1, "thresholds": 0.4}, "binary"),
    ("recall", "Recall", {}, "binary"),
    ("recall_even", "Recall", {"thresholds": [0.0, 0.5, 1.0]}, "binary"),
    ("recall_top_k_class", "Recall", {"top_k": 2, "class_id": 3}, "binary"),
    ("true_positives", "TruePositives", {}, "binary"),
    ("true_negatives", "TrueNegatives", {"thresholds": [0.25, 0.5, 0.75]}, "binary"),
    ("false_positives", "FalsePositives", {"thresholds": [0.0, 0.5, 1.0]}, "binary"),
    ("false_negatives", "FalseNegatives", {"thresholds": [0.1, 0.9]}, "binary"),
    ("precision_at_recall", "PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("recall_at_precision", "RecallAtPrecision", {"precision": 0.6}, "binary"),
    (
        "sensitivity_at_specificity",
        "SensitivityAtSpecificity",
        {"specificity": 0.5, "num_thresholds": 50},
        "binary",
    ),
    (
        "specificity_at_sensitivity",
        "SpecificityAtSensitivity",
        {"sensitivity": 0.5, "class_id": 2},
        "binary",
    ),
    (
        "sensitivity_one_threshold",
        "SensitivityAtSpecificity",
        {"specificity": 0.4, "num_thresholds": 1},
        "binary",
    ),
    ("f1", "F1Score", {}, "categorical"),
    ("f1_macro", "F1Score", {"average": "macro", "threshold": 0.5}, "binary"),
    ("f1_micro", "F1Score", {"average": "micro", "threshold": 0.3}, "binary"),
    ("fbeta_weighted", "FBetaScore", {"beta": 2.0, "average": "weighted"}, "categorical"),
    ("mse", "MeanSquaredError", {}, "regression"),
    ("rmse", "RootMeanSquaredError", {}, "regression"),
    ("mae", "MeanAbsoluteError", {}, "regression"),
    ("mape", "MeanAbsolutePercentageError", {}, "regression"),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive"),
    ("cosine", "CosineSimilarity", {}, "regression"),
    ("logcosh", "LogCoshError", {}, "regression"),
    ("r2", "R2Score", {}, "regression"),
    ("r2_variance", "R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("r2_raw", "R2Score", {"class_aggregation": None}, "regression"),
    ("r2_adjusted", "R2Score", {"num_regressors": 2}, "regression"),
    ("bce", "BinaryCrossentropy", {}, "binary"),
    ("bce_logits", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("cce", "CategoricalCrossentropy", {}, "categorical"),
    (
        "cce_logits",
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "categorical_logits",
    ),
    ("scce", "SparseCategoricalCrossentropy", {}, "sparse"),
    (
        "scce_ignore",
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 0},
        "sparse_logits",
    ),
    ("kld", "KLDivergence", {}, "probs"),
    ("poisson", "Poisson", {}, "positive"),
    ("hinge", "Hinge", {}, "hinge"),
    ("squared_hinge", "SquaredHinge", {}, "binary"),
    ("categorical_hinge", "CategoricalHinge", {}, "categorical"),
    ("iou", "IoU", {"num_classes": CLASSES, "target_class_ids": [0, 2]}, "class_ids"),
    ("mean_iou", "MeanIoU", {"num_classes": CLASSES}, "class_ids"),
    ("mean_iou_ignore", "MeanIoU", {"num_classes": CLASSES, "ignore_class": 1}, "class_ids"),
    ("mean_iou_float", "MeanIoU", {"num_classes": CLASSES, "dtype": "float32"}, "class_ids"),
    ("binary_iou", "BinaryIoU", {"threshold": 0.3}, "binary_1d"),
    (
        "one_hot_iou",
        "OneHotIoU",
        {"num_classes": CLASSES, "target_class_ids": [1, 3]},
        "categorical",
    ),
    ("one_hot_mean_iou", "OneHotMeanIoU", {"num_classes": CLASSES}, "categorical"),
]
CASE_IDS = [case[0] for case in CASES]
AUC_LIKE = ("AUC", "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAt", "SpecificityAt")
INT_WEIGHTED = ("IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU")


def _update(metric, batch, sample_weight):
    y_true, y_pred = batch
    if y_pred is None:
        metric.update_state(y_true, sample_weight=sample_weight)
    else:
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)


def _weights(case, seed):
    _, class_name, kwargs, _ = case
    integer = class_name in INT_WEIGHTED and kwargs.get("dtype") is None
    return sample_weights(seed, integer)


def _tolerance(class_name):
    return 1e-4 if class_name.startswith(AUC_LIKE) else RTOL


def _check(got, expected, class_name):
    tol = _tolerance(class_name)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=tol, atol=tol)


@pytest.mark.parametrize("weighted", [False, True], ids=["plain", "weighted"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_metric_matches_keras(case, weighted):
    _, class_name, kwargs, kind = case
    ours = getattr(kcore.metrics, class_name)(**kwargs)
    theirs = getattr(keras.metrics, class_name)(**kwargs)
    for seed in range(3):
        batch = make_batch(kind, seed)
        sw = _weights(case, seed) if weighted else None
        _update(ours, batch, sw)
        _update(theirs, batch, sw)
    _check(ours.result(), theirs.result(), class_name)
    ours.reset_state()
    theirs.reset_state()
    batch = make_batch(kind, 7)
    _update(ours, batch, None)
    _update(theirs, batch, None)
    _check(ours.result(), theirs.result(), class_name)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_stateless_matches_stateful(case):
    _, class_name, kwargs, kind = case
    stateful = getattr(kcore.metrics, class_name)(**kwargs)
    stateless = getattr(kcore.metrics, class_name)(**kwargs)
    first = make_batch(kind, 0)
    # Metrics that size their state from the first batch need one update to build it.
    _update(stateless, first, None)
    stateless.reset_state()
    before = [to_numpy(v.value).copy() for v in stateless.variables]
    values = [v.value for v in stateless.variables]
    for seed in range(3):
        batch = make_batch(kind, seed)
        sw = _weights(case, seed)
        _update(stateful, batch, sw)
        values = stateless.stateless_update_state(values, *_args(batch), sample_weight=sw)
    _check(stateless.stateless_result(values), stateful.result(), class_name)
    for variable, value in zip(stateless.variables, before):
        np.testing.assert_array_equal(to_numpy(variable.value), value)
    reset = stateless.stateless_reset_state()
    assert len(reset) == len(stateless.variables)
    for value in reset:
        np.testing.assert_array_equal(to_numpy(value), 0)
    with pytest.raises(ValueError, match="metric_variables"):
        stateless.stateless_result(values[:-1])


def _args(batch):
    y_true, y_pred = batch
    return (y_true,) if y_pred is None else (y_true, y_pred)


EXTRA_CONFIG_KEYS = {"CosineSimilarity": {"axis"}}


def _json(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_config_round_trips(case):
    _, class_name, kwargs, _ = case
    metric = getattr(kcore.metrics, class_name)(name="my_metric", **kwargs)
    config = _json(metric.get_config())
    assert _json(type(metric).from_config(config).get_config()) == config
    serialized = _json(kcore.metrics.serialize(metric))
    assert serialized["module"] == "keras.metrics"
    assert serialized["class_name"] == class_name
    assert _json(kcore.metrics.deserialize(serialized).get_config()) == config
    # The config is Keras's: same keys and values (dtype names aside).
    keras_metric = getattr(keras.metrics, class_name)(name="my_metric", **kwargs)
    keras_config = _json(keras.metrics.serialize(keras_metric)["config"])
    ours = {k: v for k, v in config.items() if k != "dtype"}
    keras_config = {k: v for k, v in keras_config.items() if k != "dtype"}
    if isinstance(keras_config.get("label_weights"), dict):  # Keras writes a tensor config
        keras_config["label_weights"] = kwargs["label_weights"]
    assert {k: ours[k] for k in keras_config} == keras_config
    # kcore writes constructor arguments Keras forgets (so they survive a round trip).
    assert set(ours) - set(keras_config) <= EXTRA_CONFIG_KEYS.get(class_name, set())
    assert type(keras.metrics.deserialize(serialized)).__name__ == class_name


def test_names_default_like_keras():
    assert kcore.metrics.AUC().name.startswith("auc")
    assert kcore.metrics.MeanIoU(num_classes=2).name.startswith("mean_io_u")
    assert kcore.metrics.F1Score().name == "f1_score"
    assert kcore.metrics.LogCoshError().name == "logcosh"


@pytest.mark.parametrize(
    "name, kwargs, kind",
    [
        ("binary_accuracy", {}, "binary"),
        ("binary_accuracy", {"threshold": 0.3}, "binary"),
        ("categorical_accuracy", {}, "categorical"),
        ("sparse_categorical_accuracy", {}, "sparse"),
        ("top_k_categorical_accuracy", {"k": 2}, "categorical"),
        ("sparse_top_k_categorical_accuracy", {"k": 3}, "sparse"),
        ("mean_squared_error", {}, "regression"),
        ("mean_absolute_error", {}, "regression"),
        ("mean_absolute_percentage_error", {}, "regression"),
        ("mean_squared_logarithmic_error", {}, "positive"),
        ("huber", {}, "regression"),
        ("log_cosh", {}, "regression"),
        ("binary_crossentropy", {"from_logits": True}, "logits"),
        ("binary_focal_crossentropy", {}, "binary"),
        ("categorical_crossentropy", {}, "categorical"),
        ("categorical_focal_crossentropy", {}, "categorical"),
        ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_logits"),
        ("kl_divergence", {}, "probs"),
        ("poisson", {}, "positive"),
        ("hinge", {}, "hinge"),
        ("squared_hinge", {}, "hinge"),
        ("categorical_hinge", {}, "categorical"),
    ],
)
def test_metric_function_matches_keras(name, kwargs, kind):
    y_true, y_pred = make_batch(kind, 3)
    expected = getattr(keras.metrics, name)(y_true, y_pred, **kwargs)
    got = getattr(kcore.metrics, name)(y_true, y_pred, **kwargs)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected), rtol=RTOL, atol=ATOL)


def test_sparse_accuracy_with_trailing_label_axis():
    y_true, y_pred = make_batch("sparse", 4)
    got = kcore.metrics.sparse_categorical_accuracy(y_true[:, None], y_pred)
    expected = keras.metrics.sparse_categorical_accuracy(y_true[:, None], y_pred)
    np.testing.assert_allclose(to_numpy(got), np.asarray(expected))
    metric = kcore.metrics.SparseCategoricalAccuracy()
    metric.update_state(y_true[:, None].astype("float32"), y_pred)
    np.testing.assert_allclose(to_numpy(metric.result()), np.mean(np.asarray(expected)))


@pytest.mark.parametrize(
    "alias, class_name",
    [
        ("auc", "AUC"),
        ("precision", "Precision"),
        ("recall", "Recall"),
        ("mse", "MeanSquaredError"),
        ("mae", "MeanAbsoluteError"),
        ("mape", "MeanAbsolutePercentageError"),
        ("msle", "MeanSquaredLogarithmicError"),
        ("bce", "BinaryCrossentropy"),
        ("f1_score", "F1Score"),
        ("r2_score", "R2Score"),
        ("mean_io_u", "MeanIoU"),
        ("true_positives", "TruePositives"),
        ("cosine_similarity", "CosineSimilarity"),
    ],
)
def test_string_aliases_resolve_to_classes(alias, class_name):
    assert getattr(kcore.metrics, alias) is getattr(kcore.metrics, class_name)
    if alias not in ("mean_io_u",):
        assert isinstance(kcore.metrics.get(alias), getattr(kcore.metrics, class_name))


def test_metric_function_names_resolve_to_functions():
    for name in ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"):
        fn = getattr(kcore.metrics, name)
        assert callable(fn) and not isinstance(fn, type), name
    # Losses and metrics are separate registries; shared functions are the same objects.
    assert kcore.metrics.mean_squared_error is kcore.losses.mean_squared_error
    assert kcore.metrics.mse is kcore.metrics.MeanSquaredError
    assert kcore.losses.mse is kcore.losses.mean_squared_error


def test_accuracy_is_left_to_the_trainer():
    with pytest.raises(AttributeError):
        kcore.metrics.accuracy  # noqa: B018


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchMetric"):
        kcore.metrics.NoSuchMetric  # noqa: B018


def test_mean_metric_wrapper_round_trip():
    metric = kcore.metrics.MeanMetricWrapper(kcore.metrics.huber, name="h", delta=0.5)
    y_true, y_pred = make_batch("regression", 2)
    metric.update_state(y_true, y_pred)
    expected = keras.metrics.MeanMetricWrapper(keras.metrics.huber, delta=0.5)
    expected.update_state(y_true, y_pred)
    np.testing.assert_allclose(to_numpy(metric.result()), to_numpy(expected.result()), rtol=RTOL)
    config = metric.get_config()
    assert config["fn"] == "huber" and config["delta"] == 0.5
    assert kcore.metrics.MeanMetricWrapper.from_config(config)._fn is kcore.metrics.huber


def test_call_updates_and_returns_result():
    metric = kcore.metrics.Mean()
    np.testing.assert_allclose(to_numpy(metric([1.0, 3.0])), 2.0)
    np.testing.assert_allclose(to_numpy(metric([5.0, 7.0])), 4.0)
    assert [v.name for v in metric.variables] == ["total", "count"]
    assert all(not v.trainable for v in metric.variables)


def test_nested_metrics_expose_their_variables():
    class Pair(kcore.metrics.Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.first = kcore.metrics.Mean()
            self.second = kcore.metrics.Sum()

        def update_state(self, values):
            self.first.update_state(values)
            self.second.update_state(values)

        def result(self):
            return ops.add(self.first.result(), self.second.result())

    pair = Pair()
    assert len(pair.variables) == 3
    values = pair.stateless_update_state([v.value for v in pair.variables], [1.0, 2.0])
    np.testing.assert_allclose(to_numpy(pair.stateless_result(values)), 4.5)


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match="Threshold values"):
        kcore.metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="num_thresholds"):
        kcore.metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="curve"):
        kcore.metrics.AUC(curve="XYZ")
    with pytest.raises(ValueError, match="beta"):
        kcore.metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="specificity"):
        kcore.metrics.SensitivityAtSpecificity(1.5)
    with pytest.raises(ValueError, match="out of range"):
        kcore.metrics.IoU(num_classes=2, target_class_ids=[2])
    with pytest.raises(ValueError, match="2D"):
        kcore.metrics.F1Score().update_state(np.ones(3), np.ones(3))


def test_float_weights_on_integer_iou_warn():
    metric = kcore.metrics.MeanIoU(num_classes=2)
    with pytest.warns(UserWarning, match="truncated"):
        metric.update_state([0, 1], [0, 1], sample_weight=np.array([0.5, 1.0], "float32"))


@pytest.mark.skipif(BACKEND != "jax", reason="jax.jit tracing")
@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c[0]
        in (
            "mean",
            "sparse_categorical_accuracy",
            "auc",
            "precision_thresholds",
            "f1_macro",
            "r2_adjusted",
            "mean_iou",
            "scce_ignore",
            "auc_multi_label",
        )
    ],
    ids=lambda c: c[0],
)
def test_stateless_update_traces_under_jax_jit(case):
    import jax

    _, class_name, kwargs, kind = case
    eager = getattr(kcore.metrics, class_name)(**kwargs)
    traced = getattr(kcore.metrics, class_name)(**kwargs)
    _update(traced, make_batch(kind, 0), None)
    traced.reset_state()

    @jax.jit
    def step(values, batch, sw):
        values = traced.stateless_update_state(values, *_args(batch), sample_weight=sw)
        return values, traced.stateless_result(values)

    values = [v.value for v in traced.variables]
    for seed in range(3):
        batch = make_batch(kind, seed)
        sw = _weights(case, seed)
        _update(eager, batch, sw)
        values, result = step(values, batch, sw)
    _check(result, eager.result(), class_name)


def test_every_registered_metric_resolves():
    for name in dir(kcore.metrics):
        assert callable(getattr(kcore.metrics, name)), name
