"""What ``compile`` builds: the combined loss and the metric set, per model output.

Losses and metrics come from the registries (kcore-optim provides the standard ones). A loss given
as a function is reduced like Keras's ``sum_over_batch_size``. ``"accuracy"`` / ``"crossentropy"``
resolve to the binary, sparse or categorical variant from the shapes of ``y_true`` and ``y_pred``
on the first batch, as Keras 3 does.
"""

from __future__ import annotations

from typing import Any

from kcore import ops, plugins, tree

__all__ = ["CompileLoss", "CompileMetrics", "resolve_loss", "resolve_metric"]


def _lookup(kind, name):
    try:
        return plugins.lookup(kind, name)
    except LookupError as exc:
        raise ValueError(str(exc)) from None


def resolve_loss(identifier):
    """A callable ``loss(y_true, y_pred, sample_weight)`` for a name, function or Loss object."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        from kcore.saving import deserialize_keras_object

        identifier = deserialize_keras_object(identifier, kind="losses")
    if isinstance(identifier, type):
        identifier = identifier()
    if not callable(identifier):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
    return identifier


def _is_loss_object(fn):
    return hasattr(fn, "get_config") and hasattr(fn, "call") and not isinstance(fn, type)


def _loss_name(fn):
    if _is_loss_object(fn):
        return getattr(fn, "name", type(fn).__name__)
    return getattr(fn, "__name__", "loss")


def _align_ranks(y_true, y_pred):
    """Keras's squeeze-or-expand: (batch,) labels vs (batch, 1) outputs line up."""
    true_shape, pred_shape = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if len(true_shape) == len(pred_shape) - 1 and pred_shape[-1:] == (1,):
        y_true = ops.expand_dims(y_true, -1)
    elif len(true_shape) == len(pred_shape) + 1 and true_shape[-1:] == (1,):
        y_true = ops.squeeze(y_true, -1)
    return y_true


def _apply_loss(fn, y_true, y_pred, sample_weight):
    y_true = _align_ranks(y_true, y_pred)
    if _is_loss_object(fn):
        return fn(y_true, y_pred, sample_weight=sample_weight)
    values = fn(y_true, y_pred)  # per-sample values; reduce like sum_over_batch_size
    if sample_weight is not None:
        sw = ops.cast(sample_weight, ops.dtype(values))
        while len(ops.shape(sw)) < len(ops.shape(values)):
            sw = ops.expand_dims(sw, -1)
        values = ops.multiply(values, sw)
    return ops.mean(values)


class CompileLoss:
    """The total training loss: weighted per-output losses (plus model regularization losses)."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.output_names = list(output_names or [])
        self._spec = loss
        self._weights_spec = loss_weights
        self.losses: list[Any] = []
        self.weights: list[float] = []
        self.names: list[str] = []
        self._built = False

    def build(self, y_true, y_pred):
        flat_pred = tree.flatten(y_pred)
        n = len(flat_pred)
        spec = self._spec
        names = (
            self.output_names if len(self.output_names) == n else [f"output_{i}" for i in range(n)]
        )
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - set(names))
            if unknown:
                raise ValueError(
                    f"`loss` has keys {unknown} that are not model outputs; outputs are {names}."
                )
            per_output = [spec.get(name) for name in names]
        elif isinstance(spec, (list, tuple)):
            if len(spec) != n:
                raise ValueError(
                    f"`loss` is a list of {len(spec)} losses but the model has {n} outputs {names}."
                )
            per_output = list(spec)
        else:
            per_output = [spec] * n
        self.losses = [resolve_loss(s) for s in per_output]
        weights = self._weights_spec
        if weights is None:
            self.weights = [1.0] * n
        elif isinstance(weights, dict):
            self.weights = [float(weights.get(name, 1.0)) for name in names]
        else:
            if len(weights) != n:
                raise ValueError(
                    f"`loss_weights` has {len(weights)} entries but the model has {n} outputs."
                )
            self.weights = [float(w) for w in weights]
        self.names = names
        self._built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Returns ``(total, per_output_losses)``."""
        if not self._built:
            self.build(y_true, y_pred)
        flat_pred = tree.flatten(y_pred)
        if isinstance(y_true, dict):
            flat_true = [y_true[name] for name in self.names]
        else:
            flat_true = tree.flatten(y_true) if len(flat_pred) > 1 else [y_true]
        if len(flat_true) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} outputs but `y` provides {len(flat_true)} targets."
            )
        if isinstance(sample_weight, dict):
            flat_sw = [sample_weight.get(name) for name in self.names]
        elif isinstance(sample_weight, (list, tuple)):
            flat_sw = list(sample_weight)
        else:
            flat_sw = [sample_weight] * len(flat_pred)
        total = None
        per_output = []
        for fn, weight, yt, yp, sw in zip(self.losses, self.weights, flat_true, flat_pred, flat_sw):
            if fn is None:
                per_output.append(None)
                continue
            value = _apply_loss(fn, yt, yp, sw)
            per_output.append(value)
            value = value if weight == 1.0 else ops.multiply(value, weight)
            total = value if total is None else ops.add(total, value)
        if total is None:
            raise ValueError(
                "No loss to compute: pass `loss=` to compile() for at least one output."
            )
        return total, per_output


def resolve_metric(identifier, y_true, y_pred, loss_fn=None):
    """A metric object for ``identifier``, resolving ``"accuracy"`` / ``"crossentropy"`` by shape."""
    if isinstance(identifier, str) and identifier in ("accuracy", "acc", "crossentropy", "ce"):
        is_acc = identifier in ("accuracy", "acc")
        pred_shape, true_shape = tuple(ops.shape(y_pred)), tuple(ops.shape(y_true))
        loss_name = _loss_name(loss_fn).lower().replace("_", "") if loss_fn is not None else ""
        if pred_shape[-1:] == (1,) or "binary" in loss_name:
            cls_name = "BinaryAccuracy" if is_acc else "BinaryCrossentropy"
        elif (
            "sparse" in loss_name
            or len(true_shape) < len(pred_shape)
            or true_shape[-1:] == (1,)
            and pred_shape[-1] != 1
        ):
            cls_name = "SparseCategoricalAccuracy" if is_acc else "SparseCategoricalCrossentropy"
        else:
            cls_name = "CategoricalAccuracy" if is_acc else "CategoricalCrossentropy"
        return _lookup("metrics", cls_name)(name=identifier)
    if isinstance(identifier, (str, dict)):
        from kcore.saving import deserialize_keras_object

        name = identifier if isinstance(identifier, str) else None
        metric = deserialize_keras_object(identifier, kind="metrics")
        if isinstance(metric, type):
            metric = metric()
        if not hasattr(metric, "update_state"):
            wrapper = _lookup("metrics", "MeanMetricWrapper")
            metric = wrapper(metric, name=name or getattr(metric, "__name__", "metric"))
        elif name is not None and getattr(metric, "name", None) != name:
            metric.name = name
        return metric
    if hasattr(identifier, "update_state"):
        return identifier
    if callable(identifier):
        wrapper = _lookup("metrics", "MeanMetricWrapper")
        return wrapper(identifier, name=getattr(identifier, "__name__", "metric"))
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


class CompileMetrics:
    """The compiled metrics, per output, built on the first batch."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.output_names = list(output_names or [])
        self.metrics: list[tuple[int, Any, bool]] = []  # (output index, metric, weighted)
        self.built = False

    def _per_output(self, spec, names):
        n = len(names)
        if spec is None:
            return [[] for _ in range(n)]
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - set(names))
            if unknown:
                raise ValueError(
                    f"`metrics` has keys {unknown} that are not model outputs; outputs are {names}."
                )
            return [list(_as_list(spec.get(name))) for name in names]
        if (
            isinstance(spec, (list, tuple))
            and n > 1
            and spec
            and all(isinstance(s, (list, tuple)) or s is None for s in spec)
        ):
            if len(spec) != n:
                raise ValueError(
                    f"`metrics` lists {len(spec)} entries but the model has {n} outputs."
                )
            return [list(_as_list(s)) for s in spec]
        return [list(_as_list(spec)) for _ in range(n)]

    def build(self, y_true, y_pred, loss_fns=None):
        flat_pred = tree.flatten(y_pred)
        n = len(flat_pred)
        names = (
            self.output_names if len(self.output_names) == n else [f"output_{i}" for i in range(n)]
        )
        flat_true = (
            [y_true[k] for k in names]
            if isinstance(y_true, dict)
            else (tree.flatten(y_true) if n > 1 else [y_true])
        )
        loss_fns = loss_fns or [None] * n
        self.metrics = []
        for weighted, spec in ((False, self._metrics_spec), (True, self._weighted_spec)):
            for i, entries in enumerate(self._per_output(spec, names)):
                for entry in entries:
                    metric = resolve_metric(entry, flat_true[i], flat_pred[i], loss_fns[i])
                    if n > 1:
                        metric.name = f"{names[i]}_{metric.name}"
                    if weighted:
                        metric.name = (
                            f"weighted_{metric.name}"
                            if not metric.name.startswith("weighted_")
                            else metric.name
                        )
                    self.metrics.append((i, metric, weighted))
        self.names = names
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        flat_pred = tree.flatten(y_pred)
        n = len(flat_pred)
        flat_true = (
            [y_true[k] for k in self.names]
            if isinstance(y_true, dict)
            else (tree.flatten(y_true) if n > 1 else [y_true])
        )
        for i, metric, weighted in self.metrics:
            sw = sample_weight if weighted else None
            if isinstance(sw, (list, tuple)):
                sw = sw[i]
            elif isinstance(sw, dict):
                sw = sw.get(self.names[i])
            metric.update_state(flat_true[i], flat_pred[i], sample_weight=sw)

    @property
    def metric_objects(self):
        return [m for _, m, _ in self.metrics]


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
