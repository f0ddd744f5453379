"""Backend-independent error messages for ``kcore.ops``.

Validation runs only *after* a backend raised (``explain``), so a correct call pays nothing. If a
checker here recognises the mistake, the user sees the same text on every backend (naming the
op, what was expected and what was received); otherwise the backend's own error is re-raised.
Checkers are plain functions named like the op; they raise ``ValueError`` / ``TypeError``.
"""

from __future__ import annotations

import builtins

__all__ = ["explain", "CHECKERS"]


def _shape(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        if isinstance(x, (int, float, bool, complex)):
            return ()
        if isinstance(x, (list, tuple)):
            import numpy as np

            try:
                return np.shape(x)
            except Exception:  # noqa: BLE001
                return None
        return None
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        return None


def _broadcastable(a, b) -> bool:
    for da, db in zip(reversed(a), reversed(b)):
        if da is None or db is None or da == db or da == 1 or db == 1:
            continue
        return False
    return True


def _binary_broadcast(op):
    def check(x1, x2, *rest, **kwargs):
        a, b = _shape(x1), _shape(x2)
        if a is not None and b is not None and not _broadcastable(a, b):
            raise ValueError(
                f"{op}: inputs cannot be broadcast together: expected shapes whose trailing "
                f"dims are equal or 1, received shapes {a} and {b}."
            )

    return check


def matmul(x1, x2, *rest, **kwargs):
    a, b = _shape(x1), _shape(x2)
    if a is None or b is None:
        return
    if len(a) == 0 or len(b) == 0:
        raise ValueError(
            f"matmul: inputs must have rank >= 1, received shapes {a} and {b}. Use "
            "kcore.ops.multiply for scalars."
        )
    inner_a = a[-1]
    inner_b = b[-2] if len(b) >= 2 else b[0]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ValueError(
            f"matmul: the last axis of `x1` must equal the second-to-last axis of `x2`, received "
            f"shapes {a} and {b} ({inner_a} != {inner_b})."
        )


def _conv_like(op, kernel_rank_offset=2):
    def check(inputs, kernel, *rest, data_format=None, **kwargs):
        x, k = _shape(inputs), _shape(kernel)
        if x is None or k is None:
            return
        if len(x) not in (3, 4, 5):
            raise ValueError(
                f"{op}: `inputs` must have rank 3, 4 or 5 (batch, spatial dims, channels), "
                f"received shape {x}."
            )
        if len(k) != len(x):
            raise ValueError(
                f"{op}: `kernel` must have rank {len(x)} for {len(x) - 2}D inputs, received "
                f"shape {k}."
            )
        if len(rest) >= 3 and rest[2] is not None:
            data_format = rest[2]
        channels = x[1] if data_format == "channels_first" else x[-1]
        expected = k[-kernel_rank_offset]
        if (
            op == "conv"
            and channels is not None
            and expected is not None
            and channels % expected != 0
        ):
            raise ValueError(
                f"{op}: the input channel count ({channels}) must be a multiple of the kernel's "
                f"input-channel axis ({expected}), received inputs {x} and kernel {k}."
            )

    return check


def reshape(x, newshape, *rest, **kwargs):
    shape = _shape(x)
    if shape is None or builtins.any(d is None for d in shape):
        return
    if isinstance(newshape, int):
        newshape = (newshape,)
    try:
        newshape = tuple(int(d) for d in newshape)
    except (TypeError, ValueError):
        raise TypeError(
            f"reshape: `newshape` must be a tuple of ints, received {newshape!r}."
        ) from None
    size = 1
    for d in shape:
        size *= d
    if newshape.count(-1) > 1:
        raise ValueError(f"reshape: at most one dim of `newshape` may be -1, received {newshape}.")
    known = 1
    for d in newshape:
        if d != -1:
            known *= d
    ok = size == known if -1 not in newshape else (known != 0 and size % known == 0)
    if not ok:
        raise ValueError(
            f"reshape: cannot reshape an input of shape {shape} ({size} elements) into {newshape}."
        )


def concatenate(xs, axis=0, *rest, **kwargs):
    shapes = [_shape(x) for x in xs]
    if builtins.any(s is None for s in shapes) or not shapes:
        return
    ranks = {len(s) for s in shapes}
    if len(ranks) > 1:
        raise ValueError(
            f"concatenate: all inputs must have the same rank, received shapes {shapes}."
        )
    rank = ranks.pop()
    ax = axis % rank if rank else 0
    for i in range(rank):
        if i == ax:
            continue
        dims = {s[i] for s in shapes if s[i] is not None}
        if len(dims) > 1:
            raise ValueError(
                f"concatenate: inputs must match on every axis except axis={axis}, received "
                f"shapes {shapes}."
            )


CHECKERS = {
    "matmul": matmul,
    "reshape": reshape,
    "concatenate": concatenate,
    "conv": _conv_like("conv"),
    "depthwise_conv": _conv_like("depthwise_conv"),
    "conv_transpose": _conv_like("conv_transpose", kernel_rank_offset=1),
}
for _name in (
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "maximum",
    "minimum",
    "power",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
):
    CHECKERS[_name] = _binary_broadcast(_name)


def explain(name: str, exc: BaseException, args: tuple, kwargs: dict) -> BaseException:
    """The exception to raise for op ``name`` whose backend raised ``exc``.

    Returns a uniform ``ValueError`` / ``TypeError`` if a checker recognises the mistake, else
    ``exc`` itself.
    """
    checker = CHECKERS.get(name)
    if checker is None:
        return exc
    try:
        checker(*args, **kwargs)
    except (ValueError, TypeError) as uniform:
        return uniform
    except Exception:  # noqa: BLE001 - a checker must never hide the original error
        return exc
    return exc
