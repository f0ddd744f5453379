"""Gradient clipping and branch-free conditional updates shared by every optimizer."""

from __future__ import annotations

from kcore import StatelessScope, ops

__all__ = ["clip_by_norm", "clip_by_global_norm", "global_norm", "assign_where"]


def clip_by_norm(gradient, clipnorm: float):
    """Rescale ``gradient`` so that its L2 norm is at most ``clipnorm``."""
    squared = ops.sum(ops.square(gradient), keepdims=True)
    positive = ops.greater(squared, 0)
    # Two-sided where keeps the sqrt away from 0 (whose derivative is infinite).
    norm = ops.where(positive, ops.sqrt(ops.where(positive, squared, ops.ones_like(squared))), 0)
    return ops.divide(ops.multiply(gradient, clipnorm), ops.maximum(norm, clipnorm))


def global_norm(gradients):
    """The L2 norm of all ``gradients`` taken together (``None`` entries are skipped)."""
    squared = [ops.sum(ops.square(g)) for g in gradients if g is not None]
    return ops.sqrt(ops.sum(ops.stack(squared)))


def clip_by_global_norm(gradients, clipnorm: float):
    """Rescale ``gradients`` together so that their global norm is at most ``clipnorm``."""
    norm = global_norm(gradients)
    scale = clipnorm * ops.minimum(ops.divide(1.0, norm), 1.0 / clipnorm)
    # A non-finite norm makes the scale NaN instead of silently zeroing the update.
    scale = ops.add(scale, ops.subtract(norm, norm))
    return [None if g is None else ops.multiply(g, scale) for g in gradients]


def assign_where(condition, update, variables) -> None:
    """Run ``update()``, keeping the assignments it makes only where ``condition`` holds.

    ``update`` runs inside a :class:`kcore.StatelessScope` that maps every variable it may touch
    to its current value, so its assignments are recorded rather than applied; each one is then
    applied as ``where(condition, new, old)``. Nothing branches on a tensor, so this traces under
    ``jax.jit`` and nests inside ``stateless_apply``.

    Args:
        condition: a scalar boolean tensor.
        update: a function of no arguments that assigns to some of ``variables``.
        variables: every variable ``update`` reads or writes.
    """
    with StatelessScope([(v, v.value) for v in variables]) as scope:
        update()
    # Select every value before assigning any: a backend may assign in place, and a recorded
    # value can alias another variable's storage.
    selected = [
        (variable, ops.where(condition, new_value, variable.value))
        for variable, new_value in scope.assigned()
    ]
    for variable, value in selected:
        variable.assign(value)
