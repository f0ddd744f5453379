"""Activation functions (``kcore.activations``), written against ``kcore.ops`` only.

Names, arguments and defaults are Keras 3's. Most delegate to the backend's fused ``kcore.ops.nn``
kernel of the same name; the rest are short compositions.
"""

from kcore import ops

NAMES = (
    "celu",
    "elu",
    "exponential",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras's optional leak, cap and threshold.

    Returns ``max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value`` and
    ``negative_slope * (x - threshold)`` otherwise. With a non-zero ``threshold``, ``x ==
    threshold`` gives 0, as Keras 3 computes it (its docs say ``threshold <= x``).
    """
    if negative_slope < 0:
        raise ValueError(f"relu: `negative_slope` must be >= 0. Received: {negative_slope}")
    if max_value is not None and max_value < 0:
        raise ValueError(f"relu: `max_value` must be >= 0 or None. Received: {max_value}")
    if negative_slope == 0 and max_value is None and threshold == 0:
        return ops.relu(x)
    x = ops.convert_to_tensor(x)
    if threshold != 0:
        below = ops.multiply(negative_slope, ops.subtract(x, threshold))
        out = ops.where(ops.greater(x, threshold), x, below)
    elif negative_slope != 0:
        out = ops.where(ops.greater_equal(x, 0), x, ops.multiply(negative_slope, x))
    else:
        out = ops.relu(x)
    if max_value is not None:
        out = ops.minimum(out, ops.cast(max_value, ops.dtype(out)))
    return ops.cast(out, ops.dtype(x))


def leaky_relu(x, negative_slope=0.2):
    """``x`` if positive, else ``negative_slope * x``."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def softmax(x, axis=-1):
    """Softmax over ``axis``."""
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log of the softmax over ``axis``, computed stably."""
    return ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``."""
    return ops.elu(x, alpha=alpha)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU."""
    return ops.celu(x, alpha=alpha)


def selu(x):
    """Scaled ELU with the self-normalizing constants."""
    return ops.selu(x)


def softplus(x):
    """``log(exp(x) + 1)``."""
    return ops.softplus(x)


def softsign(x):
    """``x / (abs(x) + 1)``."""
    return ops.softsign(x)


def soft_shrink(x, threshold=0.5):
    """Shrink towards zero by ``threshold``; zero inside ``[-threshold, threshold]``."""
    return ops.soft_shrink(x, threshold=threshold)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    return ops.hard_shrink(x, threshold=threshold)


def sparse_plus(x):
    """SparsePlus: 0 below -1, ``(x + 1)^2 / 4`` in [-1, 1], ``x`` above 1."""
    return ops.sparse_plus(x)


def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -1, ``(x + 1) / 2`` in [-1, 1], 1 above."""
    return ops.sparse_sigmoid(x)


def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    return ops.sparsemax(x, axis=axis)


def squareplus(x, b=4):
    """``(x + sqrt(x^2 + b)) / 2``."""
    return ops.squareplus(x, b=b)


def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return ops.silu(x)


swish = silu


def gelu(x, approximate=False):
    """Gaussian error linear unit; ``approximate=True`` uses the tanh formula."""
    return ops.gelu(x, approximate=approximate)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``x`` along ``axis``."""
    return ops.glu(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return ops.tanh_shrink(x)


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return ops.log_sigmoid(x)


def exponential(x):
    """``exp(x)``."""
    return ops.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return ops.hard_tanh(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    return ops.threshold(x, threshold, default_value)


def linear(x):
    """The identity."""
    return x


def mish(x):
    """``x * tanh(softplus(x))``."""
    x = ops.convert_to_tensor(x)
    return ops.multiply(x, ops.tanh(ops.softplus(x)))
