"""The ``Metric`` base class: state in non-trainable variables, stateful and stateless APIs.

A metric accumulates state across batches with ``update_state(...)`` and reports it with
``result()``. Its state lives in :class:`kcore.Variable` objects made with ``add_variable``, so
the same code runs functionally: ``stateless_update_state(values, ...)`` replays
``update_state`` inside a :class:`kcore.StatelessScope` and returns the new values instead of
assigning them, which is what a ``jax.jit``-compiled step needs. ``update_state`` and
``result`` must therefore only compute with ``kcore.ops`` and never branch in Python on tensor
values.
"""

from __future__ import annotations

import re
import threading

import kcore
from kcore import config, ops
from kcore.dtype_policies import get_policy

__all__ = ["Metric", "auto_name"]

_name_lock = threading.Lock()
_name_counts: dict[str, int] = {}


def auto_name(class_name):
    """The snake-case ``class_name``, suffixed ``_1``, ``_2``... on later calls, like Keras."""
    prefix = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    prefix = re.sub(r"([a-z])([A-Z])", r"\1_\2", prefix).lower()
    with _name_lock:
        count = _name_counts.get(prefix, 0)
        _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


class Metric:
    """Base class of every metric.

    Subclasses create their state in ``__init__`` with :meth:`add_variable` and implement
    :meth:`update_state` and :meth:`result`; the default :meth:`reset_state` zeroes every
    variable.

    Args:
        dtype: the dtype of the metric's computations; defaults to ``kcore.config.floatx()``.
        name: the metric name; defaults to the snake-case class name.

    Example::

        class CountPositives(kcore.metrics.Metric):
            def __init__(self, name="count_positives", dtype=None):
                super().__init__(name=name, dtype=dtype)
                self.count = self.add_variable(shape=(), initializer="zeros", name="count")

            def update_state(self, y_true, y_pred, sample_weight=None):
                positives = kcore.ops.cast(kcore.ops.greater(y_pred, 0.5), self.dtype)
                self.count.assign_add(kcore.ops.sum(positives))

            def result(self):
                return self.count.value
    """

    #: Whether larger values are better (``"up"``), smaller (``"down"``), or unknown; callbacks
    #: such as early stopping read it.
    _direction = None

    def __init__(self, dtype=None, name=None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype_policy = get_policy(dtype or config.floatx())
        self._dtype = self._dtype_policy.compute_dtype
        self._variables = []
        self._metrics = []

    # -- state -----------------------------------------------------------------------------------
    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state variable tracked by this metric.

        Args:
            shape: the variable's shape.
            initializer: ``"zeros"``, ``"ones"``, ``None`` (zeros), a value, or a callable
                ``initializer(shape, dtype)``.
            dtype: the variable dtype; defaults to ``kcore.config.floatx()``.
            aggregation: the distribution hint stored on the variable. Defaults to ``"sum"``.
            name: the variable name.

        Returns:
            The new :class:`kcore.Variable`.
        """
        self._check_super_called()
        shape = tuple(int(d) for d in shape)
        if initializer is None or (
            isinstance(initializer, str) and initializer in ("zeros", "ones")
        ):
            fill = ops.ones if initializer == "ones" else ops.zeros
            initializer = fill(shape, dtype=dtype or config.floatx())
        variable = kcore.Variable(
            initializer,
            shape=shape,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            synchronization="on_read",
            name=name,
        )
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of :meth:`add_variable` with Keras's ``add_weight`` defaults."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's state variables, then those of metrics it holds as attributes."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    @property
    def dtype(self):
        """The dtype the metric computes in."""
        return self._dtype

    # -- stateful API ----------------------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulate statistics for one batch; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state`.")

    def result(self):
        """The metric value from the accumulated state; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result`.")

    def reset_state(self):
        """Zero every state variable."""
        for variable in self.variables:
            variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        """``update_state(*args, **kwargs)``, then return ``result()``."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- stateless API ---------------------------------------------------------------------------
    def _check_values(self, metric_variables):
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                "Argument `metric_variables` must hold one value per variable of "
                f"{type(self).__name__}().variables ({len(self.variables)} expected). "
                f"Received {len(metric_variables)} values."
            )
        return list(zip(self.variables, metric_variables))

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """Run :meth:`update_state` on ``metric_variables`` and return the updated values.

        Args:
            metric_variables: one value per entry of :attr:`variables`, in that order.
            *args: passed to :meth:`update_state`.
            **kwargs: passed to :meth:`update_state`.

        Returns:
            The new values, in the order of :attr:`variables`; no variable is modified.
        """
        mapping = self._check_values(metric_variables)
        with kcore.StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        return [scope.get_current_value(v) for v, _ in mapping]

    def stateless_result(self, metric_variables):
        """:meth:`result` computed from ``metric_variables`` instead of the variables."""
        mapping = self._check_values(metric_variables)
        with kcore.StatelessScope(mapping):
            return self.result()

    def stateless_reset_state(self):
        """The values :meth:`reset_state` would assign, in the order of :attr:`variables`."""
        with kcore.StatelessScope() as scope:
            self.reset_state()
        values = []
        for variable in self.variables:
            value = scope.get_current_value(variable)
            values.append(variable.value if value is None else value)
        return values

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        """``name`` and ``dtype``; subclasses add their constructor arguments."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Rebuild the metric from :meth:`get_config` output."""
        return cls(**config)

    def __setattr__(self, name, value):
        if isinstance(value, Metric) and name != "_metrics" and "_metrics" in self.__dict__:
            self._metrics.append(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__ must call `super().__init__()` before creating "
                "variables or updating state."
            )

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
