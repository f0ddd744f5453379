"""Connectionist temporal classification loss: ``ctc`` and ``CTC``."""

from __future__ import annotations

from kcore import ops
from kcore_optim.losses.loss import LossFunctionWrapper

__all__ = ["CTC", "ctc"]


def ctc(y_true, y_pred):
    """CTC loss of padded integer label sequences against per-step class logits.

    Label 0 is the blank / padding index: each sequence's length is its count of non-zero
    labels, and every ``y_pred`` sequence uses all its time steps.

    Args:
        y_true: integer labels, shape ``(batch_size, max_label_length)``.
        y_pred: logits, shape ``(batch_size, max_time, num_classes)``.

    Returns:
        The per-sequence losses, shape ``(batch_size,)``.
    """
    y_true = ops.convert_to_tensor(y_true)
    y_pred = ops.convert_to_tensor(y_pred)
    true_shape, pred_shape = tuple(ops.shape(y_true)), tuple(ops.shape(y_pred))
    if len(true_shape) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={true_shape}"
        )
    if len(pred_shape) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. Received: y_pred.shape={pred_shape}"
        )
    batch_size, max_time = pred_shape[0], pred_shape[1]
    output_length = ops.full((batch_size,), max_time, dtype="int32")
    target_length = ops.cast(ops.sum(ops.cast(ops.not_equal(y_true, 0), "int32"), axis=-1), "int32")
    return ops.ctc_loss(y_true, y_pred, target_length, output_length, mask_index=0)


class CTC(LossFunctionWrapper):
    """CTC loss; see :func:`ctc` for the expected shapes.

    Args:
        reduction: see :class:`~kcore_optim.losses.loss.Loss`.
        name: defaults to ``"ctc"``.
        dtype: see :class:`~kcore_optim.losses.loss.Loss`.
    """

    _cast_y_true = False
    _check_shapes = False

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction, name, dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}
