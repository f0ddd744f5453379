"""``compile`` / ``fit`` / ``evaluate`` / ``predict`` and friends: the training loop, once.

The loop (epochs, batches, validation, callbacks, metric aggregation) lives here; a backend's step
runner executes single batches (see :mod:`kcore.trainers.generic`). A model that overrides
``train_step(data)`` / ``test_step(data)`` / ``predict_step(data)`` gets its own step called
instead, as in Keras.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kcore import ops, tree
from kcore.callbacks_base import CallbackList
from kcore.trainers import data_adapters
from kcore.trainers.compile_utils import CompileLoss, CompileMetrics

__all__ = ["Trainer"]


def _to_float(value):
    try:
        array = np.asarray(
            ops.convert_to_numpy(value) if not isinstance(value, (int, float)) else value
        )
    except Exception:  # noqa: BLE001 - logs may hold non-tensors
        return value
    return float(array) if array.ndim == 0 else array


class Trainer:
    """Mixed into :class:`kcore.Model`."""

    def _init_trainer_state(self):
        object.__setattr__(self, "compiled", False)
        object.__setattr__(self, "optimizer", None)
        object.__setattr__(self, "stop_training", False)
        object.__setattr__(self, "history", None)
        object.__setattr__(self, "_step_runner", None)
        # Defaults until compile(): predict() works on an uncompiled model, as in Keras.
        object.__setattr__(self, "run_eagerly", False)
        object.__setattr__(self, "steps_per_execution", 1)
        object.__setattr__(self, "jit_compile", "auto")

    # -- compile ---------------------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configure the model for training (Keras 3 arguments and defaults)."""
        from kcore import plugins
        from kcore.saving import deserialize_keras_object

        if isinstance(optimizer, (str, dict)):
            try:
                optimizer = deserialize_keras_object(optimizer, kind="optimizers")
            except ValueError as exc:
                raise ValueError(f"compile: unknown `optimizer`: {exc}") from None
        elif isinstance(optimizer, type):
            optimizer = optimizer()
        if optimizer is None or not hasattr(optimizer, "apply"):
            raise ValueError(
                f"compile: `optimizer` must be an optimizer or its name. Received: {optimizer!r}"
            )
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(
                f"compile: `steps_per_execution` must be a positive integer. Received: {steps_per_execution!r}"
            )
        output_names = self._output_names()
        object.__setattr__(self, "optimizer", optimizer)
        object.__setattr__(self, "_compile_loss", CompileLoss(loss, loss_weights, output_names))
        object.__setattr__(
            self, "_compile_metrics", CompileMetrics(metrics, weighted_metrics, output_names)
        )
        object.__setattr__(self, "_has_loss", loss is not None)
        mean = plugins.lookup("metrics", "Mean")
        object.__setattr__(self, "_loss_tracker", mean(name="loss"))
        object.__setattr__(self, "_output_loss_trackers", None)
        object.__setattr__(self, "run_eagerly", bool(run_eagerly))
        object.__setattr__(self, "steps_per_execution", steps_per_execution)
        object.__setattr__(self, "jit_compile", jit_compile)
        object.__setattr__(self, "compiled", True)
        object.__setattr__(self, "_step_runner", None)
        object.__setattr__(self, "_metrics_built", False)

    def _output_names(self):
        outputs = getattr(self, "_outputs_struct", None)
        if isinstance(outputs, dict):
            return sorted(outputs)
        flat = getattr(self, "outputs", None)
        if flat:
            try:
                return [t._history[0].layer.name for t in flat]
            except (AttributeError, TypeError):
                return []
        return []

    def _assert_compiled(self, method):
        if not getattr(self, "compiled", False):
            raise RuntimeError(
                f"You must call `compile()` before calling `{method}()`: e.g. "
                'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy").'
            )

    # -- losses and metrics ----------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: compiled losses (weighted) plus the model's regularization losses."""
        total = None
        if self._has_loss:
            total, per_output = self._compile_loss(y, y_pred, sample_weight)
            object.__setattr__(self, "_last_output_losses", per_output)
        extra = self.losses
        for value in extra:
            total = value if total is None else ops.add(total, value)
        if total is None:
            raise ValueError(
                "The model has no loss: pass `loss=` to compile() or add losses in `call`."
            )
        return total

    def _update_metrics(self, loss, y, y_pred, sample_weight):
        if not self._metrics_built:
            self._build_metrics(y, y_pred)
        batch = ops.shape(tree.flatten(y_pred)[0])[0]
        self._loss_tracker.update_state(loss, sample_weight=batch)
        if self._output_loss_trackers:
            for tracker, value in zip(self._output_loss_trackers, self._last_output_losses):
                if value is not None:
                    tracker.update_state(value, sample_weight=batch)
        if y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)

    def _build_metrics(self, y, y_pred):
        from kcore import plugins

        if self._has_loss and not self._compile_loss._built and y is not None:
            self._compile_loss.build(y, y_pred)
        if y is not None:
            self._compile_metrics.build(
                y, y_pred, self._compile_loss.losses if self._has_loss else None
            )
        n_outputs = len(tree.flatten(y_pred))
        if n_outputs > 1 and self._has_loss:
            mean = plugins.lookup("metrics", "Mean")
            trackers = [mean(name=f"{name}_loss") for name in self._compile_loss.names]
            object.__setattr__(self, "_output_loss_trackers", trackers)
        object.__setattr__(self, "_metrics_built", True)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics and return their results (Keras 3's hook)."""
        self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    @property
    def metrics(self) -> list:
        """The loss tracker, per-output loss trackers and compiled metrics."""
        if not getattr(self, "compiled", False):
            return []
        out = [self._loss_tracker]
        out += list(self._output_loss_trackers or [])
        if self._compile_metrics.built:
            out += self._compile_metrics.metric_objects
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()
        runner = getattr(self, "_step_runner", None)
        if runner is not None and hasattr(runner, "on_metrics_reset"):
            runner.on_metrics_reset()

    def get_metrics_result(self) -> dict[str, Any]:
        """``{name: result}`` for every metric (backend scalars)."""
        runner = getattr(self, "_step_runner", None)
        if runner is not None:
            runner.sync(metrics_only=True)
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    # -- steps -----------------------------------------------------------------------------------
    def _runner(self):
        if self._step_runner is None:
            from kcore.backend import get_backend
            from kcore.trainers.generic import GenericTrainer

            backend = get_backend()
            cls = getattr(backend, "trainer_class", None)
            if cls is None or self.run_eagerly:
                cls = GenericTrainer
            object.__setattr__(self, "_step_runner", cls(self))
        return self._step_runner

    def _custom(self, name):
        from kcore._model import Model

        return getattr(type(self), name) is not getattr(Model, name)

    def train_step(self, data):
        """One training step on ``data`` = ``(x, y, sample_weight)``; returns metric results."""
        x, y, sw = data_adapters.unpack_x_y_sample_weight(data)
        self._runner().train_batch(x, y, sw)
        return None

    def test_step(self, data):
        """One evaluation step; returns metric results."""
        x, y, sw = data_adapters.unpack_x_y_sample_weight(data)
        self._runner().test_batch(x, y, sw)
        return None

    def predict_step(self, data):
        """Model outputs for one batch."""
        x, _, _ = data_adapters.unpack_x_y_sample_weight(data)
        return self._runner().predict_batch(x)

    def _to_backend(self, batch, keep_numpy=False):
        """Backend tensors for every leaf of ``batch``.

        With ``keep_numpy`` NumPy arrays pass through untouched: a step runner that declares
        ``accepts_numpy`` (the jax runner: ``jax.jit`` moves NumPy arguments to the device itself,
        with ``convert_to_tensor``'s dtype rules, more cheaply than a separate transfer) gets them
        as they are. Only kcore's own steps get them; an overridden step always sees tensors.
        """

        def convert(value):
            if value is None or ops.is_tensor(value):
                return value
            if keep_numpy and type(value) is np.ndarray and value.dtype.kind in _NUMERIC_KINDS:
                return value
            return ops.convert_to_tensor(value)  # also the error for non-numeric data

        return tree.map_structure(convert, batch)

    def _keeps_numpy(self, step_name):
        """Whether batches for ``step_name`` may stay NumPy (see :meth:`_to_backend`)."""
        return getattr(self._runner(), "accepts_numpy", False) and not self._custom(step_name)

    def _prepare(self, adapter, for_training):
        """Build the model, optimizer and metrics from the first batch; validate structure."""
        first = adapter.first_batch()
        x, y, sw = data_adapters.unpack_x_y_sample_weight(first)
        x = self._to_backend(x)
        if not self.built or not self.weights:
            self(x)
        if for_training and self._has_loss and y is None and not self._custom("train_step"):
            raise ValueError(
                "`y` is required to train a model compiled with a loss: pass fit(x, y) or yield (x, y) batches."
            )
        if (
            for_training
            and self.optimizer is not None
            and not getattr(self.optimizer, "built", True)
        ):
            self.optimizer.build(self.trainable_variables)
        if not self._metrics_built and y is not None:
            y_pred = self(x, training=False)
            self._check_targets(y, y_pred)
            self._build_metrics(self._to_backend(y), y_pred)

    def _check_targets(self, y, y_pred):
        flat_pred = tree.flatten(y_pred)
        flat_true = (
            tree.flatten(y) if len(flat_pred) > 1 or isinstance(y, (list, tuple, dict)) else [y]
        )
        if len(flat_true) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} outputs but `y` provides {len(flat_true)} targets."
            )
        for yt, yp in zip(flat_true, flat_pred):
            if yt is None:
                continue
            ts, ps = tuple(np.shape(yt)), tuple(ops.shape(yp))
            if ts and ps and ts[0] != ps[0]:
                raise ValueError(
                    f"`y` has {ts[0]} samples per batch but the model produced {ps[0]}: shapes {ts} and {ps}."
                )

    # -- fit / evaluate / predict ----------------------------------------------------------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Train for ``epochs`` epochs; returns a ``History`` (Keras 3 semantics)."""
        self._assert_compiled("fit")
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"fit: `epochs` must be a non-negative integer. Received: {epochs!r}")
        verbose = 1 if verbose == "auto" else verbose
        if validation_split and validation_data is None:
            arrays = (
                data_adapters._standardize(x, "x"),
                data_adapters._standardize(y, "y"),
                data_adapters._standardize(sample_weight, "sample_weight"),
            )
            (x, y, sample_weight), validation_data = data_adapters.train_validation_split(
                arrays, validation_split
            )
        adapter = data_adapters.make_adapter(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        val_adapter = None
        if validation_data is not None:
            if isinstance(validation_data, (tuple, list)) and not hasattr(
                validation_data, "__next__"
            ):
                vx, vy, vsw = data_adapters.unpack_x_y_sample_weight(tuple(validation_data))
                val_adapter = data_adapters.make_adapter(
                    vx,
                    vy,
                    vsw,
                    batch_size=validation_batch_size or batch_size,
                    steps=validation_steps,
                )
            else:
                val_adapter = data_adapters.make_adapter(validation_data, steps=validation_steps)
        self._prepare(adapter, for_training=True)
        callbacks = CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=data_adapters.batch_count(adapter),
        )  # fmt: skip
        custom_step = self._custom("train_step")
        object.__setattr__(self, "stop_training", False)
        object.__setattr__(self, "_fitting", True)
        epoch_logs: dict[str, Any] = {}
        runner = self._runner()
        runner.begin()
        try:
            callbacks.on_train_begin()
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callbacks.on_epoch_begin(epoch)
                step = -1
                for step, logs in self._train_epoch(adapter, runner, callbacks, custom_step):  # noqa: B007 - both read after the loop
                    if self.stop_training:
                        break
                if step < 0:
                    raise ValueError("fit: the training data produced no batches.")
                epoch_logs = self._python_logs(logs if custom_step and logs is not None else None)
                if val_adapter is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._evaluate_adapter(val_adapter, callbacks=None)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                runner.sync()  # callbacks (checkpoints) see this epoch's weights
                callbacks.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
            callbacks.on_train_end(epoch_logs)
        finally:
            object.__setattr__(self, "_fitting", False)
            runner.end()
        return self.history

    def _train_epoch(self, adapter, runner, callbacks, custom_step):
        """Yield ``(last step index, logs)`` after each execution of one or more batches.

        With ``steps_per_execution > 1`` and a runner that can run several batches at once
        (``train_batches``, e.g. one TF graph), batch callbacks fire once per execution, as in
        Keras.
        """
        want_begin = callbacks.wants("on_train_batch_begin")
        want_end = callbacks.wants("on_train_batch_end")
        group = getattr(runner, "train_batches", None)
        spe = self.steps_per_execution if group is not None and not custom_step else 1
        keep_numpy = self._keeps_numpy("train_step")
        step = -1
        pending = []
        for batch in adapter:
            step += 1
            if spe > 1:
                pending.append(data_adapters.unpack_x_y_sample_weight(self._to_backend(batch)))
                if len(pending) < spe:
                    continue
                if want_begin:
                    callbacks.on_train_batch_begin(step - len(pending) + 1)
                group(pending)
                pending = []
                logs = None
            else:
                if want_begin:
                    callbacks.on_train_batch_begin(step)
                logs = self.train_step(self._to_backend(batch, keep_numpy))
            if want_end:
                callbacks.on_train_batch_end(step, logs if logs is not None else _LazyLogs(self))
            yield step, logs
            if self.stop_training:
                return
        if pending:
            if want_begin:
                callbacks.on_train_batch_begin(step - len(pending) + 1)
            group(pending)
            if want_end:
                callbacks.on_train_batch_end(step, _LazyLogs(self))
            yield step, None

    def _python_logs(self, logs=None):
        source = logs if logs is not None else self.get_metrics_result()
        return {k: _to_float(v) for k, v in source.items()}

    def _evaluate_adapter(self, adapter, callbacks):
        self.reset_metrics()
        if callbacks is not None:
            callbacks.on_test_begin()
        want_end = callbacks is not None and callbacks.wants("on_test_batch_end")
        logs = None
        keep_numpy = self._keeps_numpy("test_step")
        for step, batch in enumerate(adapter):
            if callbacks is not None and callbacks.wants("on_test_batch_begin"):
                callbacks.on_test_batch_begin(step)
            logs = self.test_step(self._to_backend(batch, keep_numpy))
            if want_end:
                callbacks.on_test_batch_end(step, logs if logs is not None else _LazyLogs(self))
        results = self._python_logs(
            logs if self._custom("test_step") and logs is not None else None
        )
        if callbacks is not None:
            callbacks.on_test_end(results)
        return results

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """Loss and metrics on the given data: a scalar, a list, or a dict (``return_dict``)."""
        self._assert_compiled("evaluate")
        unknown = set(kwargs) - {"use_multiprocessing", "workers", "max_queue_size"}
        if unknown:
            raise TypeError(f"evaluate: unexpected keyword arguments {sorted(unknown)}")
        verbose = 1 if verbose == "auto" else verbose
        adapter = data_adapters.make_adapter(
            x, y, sample_weight, batch_size=batch_size, steps=steps
        )
        self._prepare(adapter, for_training=False)
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=data_adapters.batch_count(adapter),
        )
        runner = self._runner()
        runner.begin()
        try:
            results = self._evaluate_adapter(adapter, cbs)
        finally:
            runner.end()
        if return_dict:
            return results
        values = list(results.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for ``x`` as NumPy arrays, batch by batch."""
        verbose = 1 if verbose == "auto" else verbose
        adapter = data_adapters.make_adapter(x, batch_size=batch_size, steps=steps)
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=data_adapters.batch_count(adapter),
        )
        cbs.on_predict_begin()
        outputs = []
        keep_numpy = self._keeps_numpy("predict_step")
        for step, batch in enumerate(adapter):
            x_batch, _, _ = data_adapters.unpack_x_y_sample_weight(batch)
            if cbs.wants("on_predict_batch_begin"):
                cbs.on_predict_batch_begin(step)
            out = self.predict_step((self._to_backend(x_batch, keep_numpy),))
            outputs.append(tree.map_structure(ops.convert_to_numpy, out))
            if cbs.wants("on_predict_batch_end"):
                cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the input produced no batches.")
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on one batch; returns the loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        adapter = data_adapters.ArrayAdapter(
            x, y, sample_weight, batch_size=_batch_len(x), class_weight=class_weight
        )
        self._prepare(adapter, for_training=True)
        runner = self._runner()
        runner.begin()
        try:
            self.reset_metrics()
            logs = None
            for batch in adapter:
                logs = self.train_step(self._to_backend(batch, self._keeps_numpy("train_step")))
            return self._batch_result(logs, return_dict, "train_step")
        finally:
            runner.end()

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss and metrics on one batch."""
        self._assert_compiled("test_on_batch")
        adapter = data_adapters.ArrayAdapter(x, y, sample_weight, batch_size=_batch_len(x))
        self._prepare(adapter, for_training=False)
        runner = self._runner()
        runner.begin()
        try:
            self.reset_metrics()
            logs = None
            for batch in adapter:
                logs = self.test_step(self._to_backend(batch, self._keeps_numpy("test_step")))
            return self._batch_result(logs, return_dict, "test_step")
        finally:
            runner.end()

    def predict_on_batch(self, x):
        """Outputs for one batch, as NumPy arrays."""
        x = self._to_backend(data_adapters._standardize(x, "x"), self._keeps_numpy("predict_step"))
        out = self.predict_step((x,))
        return tree.map_structure(ops.convert_to_numpy, out)

    def _batch_result(self, logs, return_dict, step_name):
        results = self._python_logs(logs if self._custom(step_name) and logs is not None else None)
        if return_dict:
            return results
        values = list(results.values())
        return values[0] if len(values) == 1 else values


def _batch_len(x):
    flat = [leaf for leaf in tree.flatten(x) if leaf is not None]
    if not flat:
        raise ValueError("`x` is empty.")
    return max(int(np.shape(flat[0])[0]), 1)


# NumPy dtype kinds a runner that ``accepts_numpy`` is given as they are (bool, ints, floats,
# complex); anything else goes through ``convert_to_tensor``, which says what is wrong with it.
_NUMERIC_KINDS = frozenset("biufc")


class _LazyLogs(dict):
    """Batch logs computed only when a callback reads them (so unread logs cost nothing)."""

    def __init__(self, model):
        super().__init__()
        self._model = model
        self._filled = False

    def _fill(self):
        if not self._filled:
            self._filled = True
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                super().update(self._model.get_metrics_result())

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def items(self):
        self._fill()
        return super().items()

    def keys(self):
        self._fill()
        return super().keys()

    def values(self):
        self._fill()
        return super().values()

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def __len__(self):
        self._fill()
        return super().__len__()

    def __contains__(self, key):
        self._fill()
        return super().__contains__(key)
