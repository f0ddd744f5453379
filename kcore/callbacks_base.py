"""Callbacks in the core: ``Callback``, ``CallbackList``, ``History``, ``ProgbarLogger``.

Every other callback (EarlyStopping, ModelCheckpoint, ...) is a plugin (kcore-callbacks).
"""

from __future__ import annotations

import sys
import time

import numpy as np

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "Progbar"]


class Callback:
    """Base class: override any ``on_*`` hook. ``self.model`` and ``self.params`` are set."""

    def __init__(self):
        self.params = {}
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...

    # Keras 2 names, still accepted.
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...


_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def _overrides(callback, hook):
    method = getattr(type(callback), hook, None)
    base = getattr(Callback, hook)
    return method is not None and method is not base


class CallbackList:
    """Calls a list of callbacks; only those that override a hook are called for it.

    Batch hooks are the hot path: when no callback overrides them they cost one attribute check.
    Logs passed to batch hooks are converted to Python floats only if someone listens.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = list(callbacks or [])
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.insert(0, ProgbarLogger())
        for callback in self.callbacks:
            if not isinstance(callback, Callback) and not hasattr(callback, "set_model"):
                raise TypeError(
                    f"`callbacks` must be kcore.callbacks.Callback instances. Received: {callback!r}"
                )
        self.model = None
        if model is not None:
            self.set_model(model)
        self.params = {}
        if params:
            self.set_params(params)
        self._listeners = {
            hook: [c for c in self.callbacks if _overrides(c, hook)] for hook in _HOOKS
        }
        legacy_begin = [c for c in self.callbacks if _overrides(c, "on_batch_begin")]
        legacy_end = [c for c in self.callbacks if _overrides(c, "on_batch_end")]
        self._legacy = {"on_train_batch_begin": legacy_begin, "on_train_batch_end": legacy_end}

    def append(self, callback):
        self.callbacks.append(callback)
        self.__init__(self.callbacks, model=self.model, **self.params)

    def set_model(self, model):
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params):
        self.params = dict(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def wants(self, hook) -> bool:
        return bool(self._listeners[hook]) or bool(self._legacy.get(hook))

    def _call(self, hook, *args):
        for callback in self._listeners[hook]:
            getattr(callback, hook)(*args)
        for callback in self._legacy.get(hook, ()):
            getattr(callback, hook.replace("train_", ""))(*args)

    def __getattr__(self, hook):
        if hook not in _HOOKS:
            raise AttributeError(hook)

        def call(*args):
            self._call(hook, *args)

        return call


class History(Callback):
    """Records every epoch's logs in ``history`` (``model.fit`` returns it)."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


class Progbar:
    """A Keras-style progress bar: ``12/100 ━━━━━━━━━━━━━━━━━━━━ 1s 10ms/step - loss: 0.2``.

    Args:
        target: total number of steps, or ``None`` if unknown.
        width: bar width in characters.
        verbose: 1 for the live bar, 2 for one line at the end.
        interval: minimum seconds between redraws.
        stateful_metrics: names whose values are shown as given, not averaged.
        unit_name: ``"step"`` or ``"sample"``.
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):  # fmt: skip
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.stateful_metrics = set(stateful_metrics or ())
        self.unit_name = unit_name
        self._values = {}
        self._seen = 0
        self._start = time.time()
        self._last_update = 0.0
        self._dynamic = (
            hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
        ) or "ipykernel" in sys.modules
        self._previous_width = 0

    def update(self, current, values=None, finalize=None):
        finalize = (
            (self.target is not None and current >= self.target) if finalize is None else finalize
        )
        for name, value in values or []:
            self._values[name] = value
        self._seen = current
        now = time.time()
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            self._last_update = now
            line = self._bar(current) + self._timing(current, now, finalize) + self._metrics()
            if self._dynamic:
                sys.stdout.write("\r" + line.ljust(self._previous_width))
                self._previous_width = len(line)
                if finalize:
                    sys.stdout.write("\n")
            elif finalize:
                sys.stdout.write(line + "\n")
            sys.stdout.flush()
        elif self.verbose == 2 and finalize:
            elapsed = now - self._start
            per = elapsed / max(current, 1)
            line = (
                f"{current}/{self.target} - {self._format_time(elapsed)} - {self._format_per(per)}"
            )
            sys.stdout.write(line + self._metrics() + "\n")
            sys.stdout.flush()

    def _bar(self, current):
        if self.target is None:
            return f"{current}/Unknown "
        digits = len(str(self.target))
        filled = int(self.width * current / max(self.target, 1))
        bar = (
            "\x1b[1m" + "━" * filled + "\x1b[0m" + "━" * (self.width - filled)
            if self._dynamic
            else "━" * self.width
        )
        return f"{current:>{digits}}/{self.target} {bar} "

    def _timing(self, current, now, finalize):
        elapsed = now - self._start
        per = elapsed / max(current, 1)
        if finalize or self.target is None:
            return f"{self._format_time(elapsed)} {self._format_per(per)}"
        eta = per * (self.target - current)
        return f"{self._format_time(eta)} {self._format_per(per)}"

    @staticmethod
    def _format_time(seconds):
        if seconds >= 3600:
            return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
        if seconds >= 60:
            return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
        return f"{int(round(seconds))}s"

    def _format_per(self, per):
        if per >= 1:
            return f"{per:.0f}s/{self.unit_name}"
        if per >= 1e-3:
            return f"{per * 1e3:.0f}ms/{self.unit_name}"
        return f"{per * 1e6:.0f}us/{self.unit_name}"

    def _metrics(self):
        parts = []
        for name, value in self._values.items():
            try:
                value = float(np.asarray(value))
                text = f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"
            except (TypeError, ValueError):
                text = str(value)
            parts.append(f"{name}: {text}")
        return (" - " + " - ".join(parts)) if parts else ""


class ProgbarLogger(Callback):
    """Prints a progress bar per epoch (``verbose=1``) or one line per epoch (``verbose=2``)."""

    def __init__(self):
        super().__init__()
        self._progbar = None
        self.verbose = 1
        self.epochs = 1

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)

    def _reset(self, target):
        self._progbar = Progbar(target=target, verbose=self.verbose)

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}")
        self._reset(self.params.get("steps"))

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose == 1 and self._progbar is not None:
            self._progbar.update(batch + 1, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self._progbar is not None and self.verbose:
            target = self._progbar._seen if self._progbar.target is None else self._progbar.target
            self._progbar.target = target
            self._progbar.update(target, list((logs or {}).items()), finalize=True)

    def on_test_begin(self, logs=None):
        if self.model is not None and not getattr(self.model, "_fitting", False):
            self._reset(self.params.get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        if self.model is not None and getattr(self.model, "_fitting", False):
            return
        if self.verbose == 1 and self._progbar is not None:
            self._progbar.update(batch + 1, list((logs or {}).items()), finalize=False)

    def on_test_end(self, logs=None):
        if self.model is not None and getattr(self.model, "_fitting", False):
            return
        if self._progbar is not None and self.verbose:
            target = self._progbar.target or self._progbar._seen
            self._progbar.target = target
            self._progbar.update(target, list((logs or {}).items()), finalize=True)

    def on_predict_begin(self, logs=None):
        self._reset(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        if self.verbose == 1 and self._progbar is not None:
            self._progbar.update(batch + 1, finalize=False)

    def on_predict_end(self, logs=None):
        if self._progbar is not None and self.verbose:
            target = self._progbar.target or self._progbar._seen
            self._progbar.target = target
            self._progbar.update(target, finalize=True)
