"""Private base and argument checks shared by the normalization layers.

``AffineNormalization`` holds the ``center`` / ``scale`` options of Batch, Layer and Group
normalization and the initializers, regularizers and constraints of their ``gamma`` (scale) and
``beta`` (offset) weights, created in Keras's order: ``gamma`` then ``beta``.
"""

from __future__ import annotations

from kcore import Layer
from kcore.saving import serialize_keras_object
from kcore_layers import _resolve

__all__ = [
    "AffineNormalization",
    "check_axes_in_bounds",
    "check_bool",
    "check_int_axes",
    "check_number",
    "positive_axes",
]

_HALF = ("float16", "bfloat16")


def check_number(layer: str, name: str, value, minimum=0.0, maximum=None) -> float:
    """``value`` as a float in ``[minimum, maximum]``, or ``ValueError`` saying what to pass."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float))
    ok = ok or (hasattr(value, "__float__") and not isinstance(value, (str, bytes, bool)))
    if ok:
        number = float(value)
        ok = number >= minimum and (maximum is None or number <= maximum)
    if not ok:
        upper = "" if maximum is None else f" and at most {maximum}"
        raise ValueError(
            f"{layer}: `{name}` must be a number at least {minimum}{upper}. "
            f"Received: {name}={value!r}"
        )
    return number


def check_bool(layer: str, name: str, value) -> bool:
    """``value`` as a bool; ``ValueError`` for anything but a bool (or 0 / 1)."""
    if isinstance(value, bool) or (hasattr(value, "__index__") and int(value) in (0, 1)):
        return bool(value)
    raise ValueError(f"{layer}: `{name}` must be True or False. Received: {name}={value!r}")


def check_int_axes(layer: str, axis, allow_list: bool):
    """An int axis (or, if ``allow_list``, a list of ints); ``TypeError`` otherwise (as Keras)."""
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    if hasattr(axis, "__index__") and not isinstance(axis, bool):
        return int(axis)
    if allow_list and isinstance(axis, (list, tuple)) and axis:
        if all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            if len(set(axis)) != len(axis):
                raise ValueError(
                    f"{layer}: `axis` must not repeat an axis. Received: axis={axis!r}"
                )
            return list(axis)
    expected = "an int or a non-empty list/tuple of ints" if allow_list else "an int"
    raise TypeError(f"{layer}: `axis` must be {expected}. Received: axis={axis!r}")


def check_axes_in_bounds(layer: str, axis, input_shape) -> None:
    """``ValueError`` if an axis in ``axis`` (int or list) does not exist for ``input_shape``."""
    rank = len(input_shape)
    for a in axis if isinstance(axis, (list, tuple)) else [axis]:
        if not -rank <= a < rank:
            raise ValueError(
                f"{layer}: axis {a} is out of bounds for an input of shape "
                f"{tuple(input_shape)} (rank {rank}). Received: axis={axis!r}"
            )


def positive_axes(layer: str, axis, input_shape) -> list[int]:
    """The axes of ``axis`` (int or list) as sorted non-negative ints, checked against the rank."""
    check_axes_in_bounds(layer, axis, input_shape)
    rank = len(input_shape)
    axes = sorted(a % rank for a in (axis if isinstance(axis, (list, tuple)) else [axis]))
    if len(set(axes)) != len(axes):
        raise ValueError(
            f"{layer}: `axis` names the same axis twice for an input of rank {rank}. "
            f"Received: axis={axis!r}"
        )
    return axes


class AffineNormalization(Layer):
    """Base of the normalizations with an optional learned scale ``gamma`` and offset ``beta``.

    Args:
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer: initializer of ``beta``.
        gamma_initializer: initializer of ``gamma``.
        beta_regularizer: regularizer of ``beta``.
        gamma_regularizer: regularizer of ``gamma``.
        beta_constraint: constraint on ``beta``.
        gamma_constraint: constraint on ``gamma``.
        **kwargs: base layer arguments (``name``, ``dtype``...).
    """

    def __init__(
        self,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        layer = type(self).__name__
        center = check_bool(layer, "center", center)
        scale = check_bool(layer, "scale", scale)
        beta_initializer = _resolve.initializer(beta_initializer, "beta_initializer")
        gamma_initializer = _resolve.initializer(gamma_initializer, "gamma_initializer")
        beta_regularizer = _resolve.regularizer(beta_regularizer, "beta_regularizer")
        gamma_regularizer = _resolve.regularizer(gamma_regularizer, "gamma_regularizer")
        beta_constraint = _resolve.constraint(beta_constraint, "beta_constraint")
        gamma_constraint = _resolve.constraint(gamma_constraint, "gamma_constraint")
        super().__init__(**kwargs)
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.gamma = None
        self.beta = None
        self.supports_masking = True

    @property
    def _mixed(self) -> bool:
        """Whether the policy computes in half precision (normalize in float32, cast back)."""
        return self.compute_dtype in _HALF

    def _add_affine_weights(self, shape, with_gamma=None, with_beta=None):
        """Create ``gamma`` (if ``scale``) then ``beta`` (if ``center``) of ``shape``."""
        if self.scale if with_gamma is None else with_gamma:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center if with_beta is None else with_beta:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )

    def _affine_config(self) -> dict:
        return {
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_keras_object(self.beta_initializer),
            "gamma_initializer": serialize_keras_object(self.gamma_initializer),
            "beta_regularizer": serialize_keras_object(self.beta_regularizer),
            "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
            "beta_constraint": serialize_keras_object(self.beta_constraint),
            "gamma_constraint": serialize_keras_object(self.gamma_constraint),
        }

    def compute_output_shape(self, input_shape):
        check_axes_in_bounds(type(self).__name__, self.axis, input_shape)
        return input_shape
