"""The names kcore-optim registers for ``kcore.losses`` and ``kcore.metrics``.

Only ``"module:attr"`` strings: registering imports nothing. Each reference names the module that
*defines* the object (serialization matches classes by their ``__module__``).

Names follow Keras 3. Loss strings (``"mse"``) resolve to loss functions, like
``keras.losses.get``. Metric snake-case strings resolve to the function when Keras exports a
metric function of that name (``kcore.metrics.binary_accuracy(y_true, y_pred)``), otherwise to
the class (``"auc"`` -> ``AUC``); ``"accuracy"`` is left to the trainer, which picks the
accuracy variant from the loss and output shapes.
"""

from __future__ import annotations

from kcore.records import LossSpec, MetricSpec

_L = "kcore_optim.losses"
_M = "kcore_optim.metrics"

# (name, module, aliases)
_LOSSES = (
    ("Loss", "loss", ()),
    ("LossFunctionWrapper", "loss", ()),
    # regression
    ("MeanSquaredError", "regression_losses", ()),
    ("MeanAbsoluteError", "regression_losses", ()),
    ("MeanAbsolutePercentageError", "regression_losses", ()),
    ("MeanSquaredLogarithmicError", "regression_losses", ()),
    ("CosineSimilarity", "regression_losses", ()),
    ("Huber", "regression_losses", ()),
    ("LogCosh", "regression_losses", ()),
    ("mean_squared_error", "regression", ("mse", "MSE")),
    ("mean_absolute_error", "regression", ("mae", "MAE")),
    ("mean_absolute_percentage_error", "regression", ("mape", "MAPE")),
    ("mean_squared_logarithmic_error", "regression", ("msle", "MSLE")),
    ("cosine_similarity", "regression", ()),
    ("huber", "regression", ()),
    ("log_cosh", "regression", ("logcosh",)),
    # probabilistic
    ("BinaryCrossentropy", "binary", ()),
    ("BinaryFocalCrossentropy", "binary", ()),
    ("CategoricalCrossentropy", "categorical", ()),
    ("CategoricalFocalCrossentropy", "categorical", ()),
    ("SparseCategoricalCrossentropy", "sparse_categorical", ()),
    ("KLDivergence", "divergence", ()),
    ("Poisson", "divergence", ()),
    ("binary_crossentropy", "probabilistic", ("bce", "BCE")),
    ("binary_focal_crossentropy", "probabilistic", ()),
    ("categorical_crossentropy", "probabilistic", ()),
    ("categorical_focal_crossentropy", "probabilistic", ()),
    ("sparse_categorical_crossentropy", "probabilistic", ()),
    ("kl_divergence", "probabilistic", ("kld", "KLD", "kullback_leibler_divergence")),
    ("poisson", "probabilistic", ()),
    # hinge
    ("Hinge", "hinge", ()),
    ("SquaredHinge", "hinge", ()),
    ("CategoricalHinge", "hinge", ()),
    ("hinge", "hinge", ()),
    ("squared_hinge", "hinge", ()),
    ("categorical_hinge", "hinge", ()),
    # segmentation and sequences
    ("Dice", "segmentation", ()),
    ("Tversky", "segmentation", ()),
    ("dice", "segmentation", ()),
    ("tversky", "segmentation", ()),
    ("CTC", "ctc", ()),
    ("ctc", "ctc", ()),
)

_METRICS = (
    ("Metric", "metric", ()),
    ("Mean", "reduction_metrics", ("mean",)),
    ("Sum", "reduction_metrics", ("sum",)),
    ("MeanMetricWrapper", "reduction_metrics", ()),
    # accuracy
    ("Accuracy", "accuracy_metrics", ()),
    ("BinaryAccuracy", "accuracy_metrics", ()),
    ("CategoricalAccuracy", "accuracy_metrics", ()),
    ("SparseCategoricalAccuracy", "accuracy_metrics", ()),
    ("TopKCategoricalAccuracy", "accuracy_metrics", ()),
    ("SparseTopKCategoricalAccuracy", "accuracy_metrics", ()),
    ("binary_accuracy", "accuracy_metrics", ()),
    ("categorical_accuracy", "accuracy_metrics", ()),
    ("sparse_categorical_accuracy", "accuracy_metrics", ()),
    ("top_k_categorical_accuracy", "accuracy_metrics", ()),
    ("sparse_top_k_categorical_accuracy", "accuracy_metrics", ()),
    # confusion-matrix based
    ("AUC", "auc", ("auc",)),
    ("Precision", "confusion_metrics", ("precision",)),
    ("Recall", "confusion_metrics", ("recall",)),
    ("TruePositives", "confusion_metrics", ("true_positives",)),
    ("TrueNegatives", "confusion_metrics", ("true_negatives",)),
    ("FalsePositives", "confusion_metrics", ("false_positives",)),
    ("FalseNegatives", "confusion_metrics", ("false_negatives",)),
    ("PrecisionAtRecall", "sensitivity_metrics", ("precision_at_recall",)),
    ("RecallAtPrecision", "sensitivity_metrics", ("recall_at_precision",)),
    ("SensitivityAtSpecificity", "sensitivity_metrics", ("sensitivity_at_specificity",)),
    ("SpecificityAtSensitivity", "sensitivity_metrics", ("specificity_at_sensitivity",)),
    ("F1Score", "f_score_metrics", ("f1_score",)),
    ("FBetaScore", "f_score_metrics", ("f_beta_score",)),
    # regression
    ("MeanSquaredError", "regression_metrics", ("mse", "MSE")),
    ("RootMeanSquaredError", "regression_metrics", ("root_mean_squared_error",)),
    ("MeanAbsoluteError", "regression_metrics", ("mae", "MAE")),
    ("MeanAbsolutePercentageError", "regression_metrics", ("mape", "MAPE")),
    ("MeanSquaredLogarithmicError", "regression_metrics", ("msle", "MSLE")),
    ("CosineSimilarity", "regression_metrics", ("cosine_similarity",)),
    ("LogCoshError", "regression_metrics", ("log_cosh_error", "logcosh")),
    ("R2Score", "regression_metrics", ("r2_score",)),
    # probabilistic
    ("BinaryCrossentropy", "probabilistic_metrics", ("bce", "BCE")),
    ("CategoricalCrossentropy", "probabilistic_metrics", ()),
    ("SparseCategoricalCrossentropy", "probabilistic_metrics", ()),
    ("KLDivergence", "probabilistic_metrics", ()),
    ("Poisson", "probabilistic_metrics", ()),
    # hinge
    ("Hinge", "hinge_metrics", ()),
    ("SquaredHinge", "hinge_metrics", ()),
    ("CategoricalHinge", "hinge_metrics", ()),
    # segmentation
    ("IoU", "iou_metrics", ("io_u",)),
    ("MeanIoU", "iou_metrics", ("mean_io_u",)),
    ("BinaryIoU", "iou_metrics", ("binary_io_u",)),
    ("OneHotIoU", "iou_metrics", ("one_hot_io_u",)),
    ("OneHotMeanIoU", "iou_metrics", ("one_hot_mean_io_u",)),
)

#: Loss functions that are also metric functions (``keras.metrics.<name>``), by defining module.
_METRIC_FUNCTIONS_FROM_LOSSES = (
    ("mean_squared_error", "regression"),
    ("mean_absolute_error", "regression"),
    ("mean_absolute_percentage_error", "regression"),
    ("mean_squared_logarithmic_error", "regression"),
    ("huber", "regression"),
    ("log_cosh", "regression"),
    ("binary_crossentropy", "probabilistic"),
    ("binary_focal_crossentropy", "probabilistic"),
    ("categorical_crossentropy", "probabilistic"),
    ("categorical_focal_crossentropy", "probabilistic"),
    ("sparse_categorical_crossentropy", "probabilistic"),
    ("kl_divergence", "probabilistic"),
    ("poisson", "probabilistic"),
    ("hinge", "hinge"),
    ("squared_hinge", "hinge"),
    ("categorical_hinge", "hinge"),
)


def loss_specs():
    """Every loss class and function, with Keras 3's aliases."""
    return [
        LossSpec(name, f"{_L}.{module}:{name}", aliases=aliases)
        for name, module, aliases in _LOSSES
    ]


def metric_specs():
    """Every metric class and metric function, with Keras 3's string aliases."""
    specs = [
        MetricSpec(name, f"{_M}.{module}:{name}", aliases=aliases)
        for name, module, aliases in _METRICS
    ]
    specs += [
        MetricSpec(name, f"{_L}.{module}:{name}") for name, module in _METRIC_FUNCTIONS_FROM_LOSSES
    ]
    return specs
