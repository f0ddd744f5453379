"""``kcore.ops.nn`` on jax: activations, losses, normalization, convolution, pooling, CTC.

Convolution kernels use Keras's layout ``(*spatial, in_channels, out_channels)`` (transposed
convolution: ``(*spatial, out_channels, in_channels)``); inputs are ``channels_last`` unless
``data_format`` (or ``kcore.config.image_data_format()``) says otherwise. Everything lowers to
``jax.lax.conv_general_dilated`` / ``reduce_window`` with explicit dimension numbers.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from kcore_backend_jax._common import (
    _t,
    _tt,
    config,
    data_format_or_default,
    floatx_if_not_float,
    jdtype,
)

OPS: dict = {}
_Array = jax.Array


def register(name):
    """Decorator: record the function as the implementation of ``kcore.ops.<name>``."""

    def deco(fn):
        OPS[name] = fn
        return fn

    return deco


def _f(x):
    """Float input: ints and bools become ``floatx()``; float arrays pass through untouched."""
    if isinstance(x, _Array) and x.dtype.kind in "fc":
        return x
    return floatx_if_not_float(x)


# -- activations ------------------------------------------------------------------------------
# Activations run through ``jax.jit``: several ``jax.nn`` functions are ``custom_jvp`` wrappers
# that cost ~70 us per eager call un-jitted (``relu``, ``gelu``) and ~3 us jitted. Under an outer
# trace the inner jit simply inlines, and gradients keep jax's definitions (relu'(0) = 0).
def _activation(name, fn, doc):
    fn = jax.jit(fn)

    def op(x):
        return fn(_f(x))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    OPS[name] = op


_activation("relu", jax.nn.relu, "``max(x, 0)``.")
_activation("relu6", jax.nn.relu6, "``min(max(x, 0), 6)``.")
_activation("sigmoid", jax.nn.sigmoid, "``1 / (1 + exp(-x))``.")
_activation("softplus", jax.nn.softplus, "``log(1 + exp(x))``.")
_activation("softsign", jax.nn.soft_sign, "``x / (1 + |x|)``.")
_activation("silu", jax.nn.silu, "``x * sigmoid(x)``.")
_activation("swish", jax.nn.silu, "``x * sigmoid(x)`` (alias of ``silu``).")
_activation("log_sigmoid", jax.nn.log_sigmoid, "``log(sigmoid(x))`` computed stably.")
_activation("hard_sigmoid", jax.nn.hard_sigmoid, "``relu6(x + 3) / 6``.")
_activation("hard_silu", jax.nn.hard_silu, "``x * hard_sigmoid(x)``.")
_activation("hard_swish", jax.nn.hard_silu, "``x * hard_sigmoid(x)`` (alias of ``hard_silu``).")
_activation("selu", jax.nn.selu, "Scaled exponential linear unit.")
_activation("tanh_shrink", lambda x: x - jnp.tanh(x), "``x - tanh(x)``.")
_activation(
    "sparse_plus",
    lambda x: jnp.where(x <= -1, jnp.zeros_like(x), jnp.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "0 below -1, ``x`` above 1, ``(x + 1)**2 / 4`` between.",
)
_activation(
    "sparse_sigmoid",
    lambda x: jnp.where(
        x <= -1, jnp.zeros_like(x), jnp.where(x >= 1, jnp.ones_like(x), 0.5 * (x + 1))
    ),
    "0 below -1, 1 above 1, linear between.",
)


@register("hard_tanh")
def hard_tanh(x):
    """``clip(x, -1, 1)``; integer inputs keep their dtype."""
    return jax.nn.hard_tanh(_tt(x))


_leaky_relu = jax.jit(jax.nn.leaky_relu)
_elu = jax.jit(jax.nn.elu)
_celu = jax.jit(jax.nn.celu)
_gelu = jax.jit(jax.nn.gelu, static_argnames="approximate")
_softmax = jax.jit(jax.nn.softmax, static_argnames="axis")
_log_softmax = jax.jit(jax.nn.log_softmax, static_argnames="axis")


@register("leaky_relu")
def leaky_relu(x, negative_slope=0.2):
    """``x`` if positive else ``negative_slope * x``."""
    return _leaky_relu(_f(x), negative_slope)


@register("elu")
def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return _elu(_f(x), alpha)


@register("celu")
def celu(x, alpha=1.0):
    """Continuously differentiable ELU."""
    return _celu(_f(x), alpha)


@register("gelu")
def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default)."""
    return _gelu(_f(x), approximate=bool(approximate))


@register("glu")
def glu(x, axis=-1):
    """Gated linear unit: halves ``a, b`` of ``axis``, ``a * sigmoid(b)``."""
    x = _f(x)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: axis {axis} must have an even size. Received: shape={x.shape}")
    return jax.nn.glu(x, axis=axis)


@register("hard_shrink")
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    x = _f(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


@register("soft_shrink")
def soft_shrink(x, threshold=0.5):
    """Shrink ``x`` toward 0 by ``threshold``."""
    x = _f(x)
    return jnp.where(
        x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, jnp.zeros_like(x))
    )


@register("threshold")
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _tt(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, dtype=x.dtype))


@register("squareplus")
def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = _f(x)
    b = jnp.asarray(_t(b), dtype=x.dtype)
    return (x + jnp.sqrt(x * x + b)) / 2


@register("softmax")
def softmax(x, axis=-1):
    """Softmax over ``axis`` (all axes if ``None``)."""
    x = _f(x)
    if axis is None:
        return _softmax(x.reshape(-1), axis=-1).reshape(x.shape)
    if isinstance(axis, list):
        axis = tuple(axis)
    return _softmax(x, axis=axis)


@register("log_softmax")
def log_softmax(x, axis=-1):
    """Log of the softmax over ``axis`` (all axes if ``None``)."""
    x = _f(x)
    if axis is None:
        return _log_softmax(x.reshape(-1), axis=-1).reshape(x.shape)
    if isinstance(axis, list):
        axis = tuple(axis)
    return _log_softmax(x, axis=axis)


@register("sparsemax")
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    x = _f(x)
    z = jnp.flip(jnp.sort(x, axis=axis), axis=axis)
    k = jnp.arange(1, x.shape[axis] + 1, dtype=x.dtype)
    shape = [1] * x.ndim
    shape[axis] = -1
    k = k.reshape(shape)
    cumsum = jnp.cumsum(z, axis=axis)
    support = (1 + k * z) > cumsum
    k_z = jnp.sum(support, axis=axis, keepdims=True).astype(x.dtype)
    tau = (jnp.take_along_axis(cumsum, k_z.astype(jnp.int32) - 1, axis=axis) - 1) / k_z
    return jnp.maximum(x - tau, 0)


@register("polar")
def polar(abs_, angle):
    """The complex number ``abs_ * exp(1j * angle)``."""
    abs_, angle = _f(abs_), _f(angle)
    return jax.lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))


# -- encodings --------------------------------------------------------------------------------
@register("one_hot")
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode integer ``x``; out-of-range (e.g. negative) labels give all zeros."""
    if sparse:
        raise ValueError("one_hot: the jax backend does not support sparse=True.")
    x = _tt(x)
    return jax.nn.one_hot(x, num_classes, dtype=jdtype(dtype), axis=axis)


@register("multi_hot")
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encode integer labels (per row for 2-D input)."""
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot: `num_classes` is required.")
    if sparse:
        raise ValueError("multi_hot: the jax backend does not support sparse=True.")
    x = _tt(inputs).astype(jnp.int32)
    reduction_axis = 1 if x.ndim > 1 else 0
    encoded = jax.nn.one_hot(x, num_classes, dtype=jdtype(dtype), axis=axis)
    return jnp.max(encoded, axis=reduction_axis)


# -- losses -----------------------------------------------------------------------------------
def _check_same_shape(name, target, output):
    if target.shape != output.shape:
        raise ValueError(
            f"{name}: `target` and `output` must have the same shape. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )


@register("categorical_crossentropy")
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``."""
    target, output = _f(target), _f(output)
    _check_same_shape("categorical_crossentropy", target, output)
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy: inputs must have at least 1 dim.")
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    return -jnp.sum(target * log_prob, axis=axis)


@register("sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between integer labels ``target`` and ``output`` along ``axis``."""
    target = _tt(target)
    output = _f(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    expected = output.shape[: axis % output.ndim] + output.shape[axis % output.ndim + 1 :]
    if target.shape != expected:
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have the shape of `output` without "
            f"the class axis. Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    onehot = jax.nn.one_hot(
        target.astype(jnp.int32), output.shape[axis], axis=axis, dtype=output.dtype
    )
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    return -jnp.sum(onehot * log_prob, axis=axis)


@register("binary_crossentropy")
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy."""
    target, output = _f(target), _f(output)
    _check_same_shape("binary_crossentropy", target, output)
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1.0 - target) * jax.nn.log_sigmoid(-output)
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


@register("psnr")
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB."""
    x1, x2 = _f(x1), _f(x2)
    if x1.shape != x2.shape:
        raise ValueError(
            f"psnr: inputs must have the same shape. Received {x1.shape} and {x2.shape}."
        )
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20.0 * jnp.log10(max_val) - 10.0 * jnp.log10(mse)


# -- normalization ----------------------------------------------------------------------------
def _upcast(x):
    """16-bit floats are reduced in float32 for accuracy, as Keras does."""
    if x.dtype in (jnp.float16, jnp.bfloat16):
        return x.astype(jnp.float32), x.dtype
    return x, None


@register("moments")
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of ``x`` over ``axes``."""
    x = _f(x)
    x, orig = _upcast(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - jax.lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = jnp.squeeze(mean, axes)
        var = jnp.squeeze(var, axes)
    if orig is not None:
        mean, var = mean.astype(orig), var.astype(orig)
    return mean, var


@register("batch_normalization")
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, broadcast along ``axis``."""
    x = _f(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    shape = tuple(shape)

    def b(v):
        return _tt(v).reshape(shape)

    inv = jax.lax.rsqrt(b(variance) + epsilon)
    if scale is not None:
        inv = inv * b(scale)
    res = -b(mean) * inv
    if offset is not None:
        res = res + b(offset)
    return (x * inv + res).astype(x.dtype)


@register("layer_normalization")
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalize over ``axis`` to zero mean and unit variance, then scale and shift."""
    x = _f(x)
    if epsilon is None:
        epsilon = config.epsilon()
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    xc, orig = _upcast(x)
    mean = jnp.mean(xc, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xc - mean), axis=axes, keepdims=True)
    out = (xc - mean) * jax.lax.rsqrt(var + epsilon)
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]
    if gamma is not None:
        out = out * _tt(gamma).reshape(shape)
    if beta is not None:
        out = out + _tt(beta).reshape(shape)
    return out.astype(x.dtype)


@register("rms_normalization")
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2, axis) + epsilon) * scale``."""
    x = _f(x)
    if epsilon is None:
        epsilon = config.epsilon()
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    xc, orig = _upcast(x)
    out = xc * jax.lax.rsqrt(jnp.mean(jnp.square(xc), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * _tt(scale)
    return out.astype(x.dtype)


@register("normalize")
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (at least ``epsilon``)."""
    x = _f(x)
    if epsilon is None:
        epsilon = config.epsilon()
    # A vector norm over every axis given (jnp.linalg.norm over two axes is a matrix norm).
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    if order == 2:
        norm = jnp.sqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    else:
        norm = jnp.sum(jnp.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    return x / jnp.maximum(norm, epsilon)


# -- convolution ------------------------------------------------------------------------------
def _tuple(v, n, name):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(i) for i in v)
    if len(v) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints. Received: {v}")
    return v


def _dimension_numbers(n, data_format):
    spatial = "DHW"[-n:] if n <= 3 else None
    if spatial is None:
        raise ValueError(f"conv: only 1-3 spatial dims are supported. Received {n}.")
    io = spatial + "IO"
    if data_format == "channels_last":
        lhs = "N" + spatial + "C"
    else:
        lhs = "NC" + spatial
    return (lhs, io, lhs)


def _padding(padding, name):
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in ("valid", "same"):
        raise ValueError(f"{name}: `padding` must be 'valid' or 'same'. Received: {padding!r}")
    return padding.upper()


def _conv_setup(name, inputs, kernel, strides, dilation_rate, data_format):
    inputs = _f(inputs)
    kernel = _tt(kernel)
    n = inputs.ndim - 2
    if n < 1 or n > 3:
        raise ValueError(
            f"{name}: inputs must be 3-D, 4-D or 5-D (batch, spatial..., channels). "
            f"Received: inputs.shape={inputs.shape}"
        )
    if kernel.ndim != n + 2:
        raise ValueError(
            f"{name}: kernel rank must be inputs rank ({inputs.ndim}). Received: "
            f"kernel.shape={kernel.shape}, inputs.shape={inputs.shape}"
        )
    data_format = data_format_or_default(data_format)
    strides = _tuple(strides, n, "strides")
    dilation = _tuple(dilation_rate, n, "dilation_rate")
    if kernel.dtype != inputs.dtype:
        dtype = jnp.promote_types(inputs.dtype, kernel.dtype)
        inputs, kernel = inputs.astype(dtype), kernel.astype(dtype)
    return inputs, kernel, n, data_format, strides, dilation


def _channels(x, data_format):
    return x.shape[-1] if data_format == "channels_last" else x.shape[1]


@register("conv")
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (N = 1, 2, 3); kernel ``(*spatial, in_channels // groups, out)``."""
    inputs, kernel, n, data_format, strides, dilation = _conv_setup(
        "conv", inputs, kernel, strides, dilation_rate, data_format
    )
    channels = _channels(inputs, data_format)
    kin = kernel.shape[-2]
    if kin == 0 or channels % kin:
        raise ValueError(
            f"conv: input channels ({channels}) must be a multiple of the kernel's input "
            f"channels ({kin}). Received: inputs.shape={inputs.shape}, kernel.shape={kernel.shape}"
        )
    return jax.lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=strides,
        padding=_padding(padding, "conv"),
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(n, data_format),
        feature_group_count=channels // kin,
    )


@register("depthwise_conv")
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; kernel ``(*spatial, in_channels, channel_multiplier)``."""
    inputs, kernel, n, data_format, strides, dilation = _conv_setup(
        "depthwise_conv", inputs, kernel, strides, dilation_rate, data_format
    )
    channels = _channels(inputs, data_format)
    if kernel.shape[-2] != channels:
        raise ValueError(
            f"depthwise_conv: kernel.shape[-2] ({kernel.shape[-2]}) must equal the input "
            f"channels ({channels}). Received: inputs.shape={inputs.shape}, "
            f"kernel.shape={kernel.shape}"
        )
    kernel = kernel.reshape(kernel.shape[:-2] + (1, channels * kernel.shape[-1]))
    return jax.lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=strides,
        padding=_padding(padding, "depthwise_conv"),
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(n, data_format),
        feature_group_count=channels,
    )


@register("separable_conv")
def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """A depthwise convolution followed by a 1x1 pointwise convolution."""
    data_format = data_format_or_default(data_format)
    depthwise = depthwise_conv(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _transpose_padding(k, s, d, padding, output_padding):
    """(low, high) padding of the stride-dilated input that gives Keras's output length."""
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k_eff, s) - k_eff if output_padding is None else output_padding
        return k_eff - 1, k_eff - 1 + extra
    # "same": the output length is input * stride (plus output_padding when given).
    if output_padding is None:
        total = s + k_eff - 2
    else:
        total = k_eff + k_eff % 2 - 2 + output_padding
    low = min(total // 2 + total % 2, k_eff - 1)
    return low, total - low


@register("conv_transpose")
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution; kernel ``(*spatial, out_channels, in_channels)``."""
    inputs, kernel, n, data_format, strides, dilation = _conv_setup(
        "conv_transpose", inputs, kernel, strides, dilation_rate, data_format
    )
    channels = _channels(inputs, data_format)
    if kernel.shape[-1] != channels:
        raise ValueError(
            f"conv_transpose: kernel.shape[-1] ({kernel.shape[-1]}) must equal the input "
            f"channels ({channels}). Received: inputs.shape={inputs.shape}, "
            f"kernel.shape={kernel.shape}"
        )
    padding = _padding(padding, "conv_transpose").lower()
    if output_padding is not None:
        output_padding = _tuple(output_padding, n, "output_padding")
    else:
        output_padding = (None,) * n
    pads = [
        _transpose_padding(kernel.shape[i], strides[i], dilation[i], padding, output_padding[i])
        for i in range(n)
    ]
    # A transposed conv is a conv of the stride-dilated input with the flipped, I/O-swapped kernel.
    flipped = jnp.flip(kernel, axis=tuple(range(n)))
    flipped = jnp.swapaxes(flipped, -1, -2)
    return jax.lax.conv_general_dilated(
        inputs,
        flipped,
        window_strides=(1,) * n,
        padding=pads,
        lhs_dilation=strides,
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(n, data_format),
    )


# -- pooling ----------------------------------------------------------------------------------
def _pool_setup(name, inputs, pool_size, strides, data_format):
    inputs = _tt(inputs)
    n = inputs.ndim - 2
    if n < 1:
        raise ValueError(
            f"{name}: inputs must have a batch, spatial and channel axes. "
            f"Received: shape={inputs.shape}"
        )
    data_format = data_format_or_default(data_format)
    pool = _tuple(pool_size, n, "pool_size")
    strides = pool if strides is None else _tuple(strides, n, "strides")
    if data_format == "channels_last":
        window = (1, *pool, 1)
        stride = (1, *strides, 1)
    else:
        window = (1, 1, *pool)
        stride = (1, 1, *strides)
    return inputs, window, stride


@register("max_pool")
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over the spatial axes."""
    inputs, window, stride = _pool_setup("max_pool", inputs, pool_size, strides, data_format)
    init = -jnp.inf if jnp.issubdtype(inputs.dtype, jnp.floating) else jnp.iinfo(inputs.dtype).min
    # A NumPy constant, not jnp.asarray: under jit the latter is a tracer, reduce_window then
    # misses its max monoid and has no derivative ("Linearization failed" under jit(grad)).
    return jax.lax.reduce_window(
        inputs,
        np.array(init, inputs.dtype),
        jax.lax.max,
        window,
        stride,
        _padding(padding, "max_pool"),
    )


@register("average_pool")
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with ``"same"`` padding the padded cells are not counted."""
    inputs, window, stride = _pool_setup("average_pool", inputs, pool_size, strides, data_format)
    inputs = _f(inputs)
    pad = _padding(padding, "average_pool")
    zero = np.array(0, inputs.dtype)  # a constant (see max_pool): keeps the add monoid
    total = jax.lax.reduce_window(inputs, zero, jax.lax.add, window, stride, pad)
    if pad == "VALID":
        return total / math.prod(window)
    ones = jnp.ones((1,) + inputs.shape[1:], inputs.dtype)
    counts = jax.lax.reduce_window(ones, zero, jax.lax.add, window, stride, pad)
    return total / counts


def _adaptive_bounds(in_size, out_size):
    starts = [(i * in_size) // out_size for i in range(out_size)]
    ends = [-((-(i + 1) * in_size) // out_size) for i in range(out_size)]
    return starts, ends


def _adaptive_pool(name, inputs, output_size, data_format, reduce):
    x = _f(inputs)
    n = x.ndim - 2
    if n < 1:
        raise ValueError(
            f"{name}: inputs need batch, spatial and channel axes. Received: shape={x.shape}"
        )
    data_format = data_format_or_default(data_format)
    out = _tuple(output_size, n, "output_size")
    first = 1 if data_format == "channels_last" else 2
    # Pool one spatial axis at a time: adaptive windows are rectangular, so this is exact.
    for i in range(n):
        axis = first + i
        size = x.shape[axis]
        starts, ends = _adaptive_bounds(size, out[i])
        mask = np.zeros((out[i], size), dtype=bool)
        for j, (s, e) in enumerate(zip(starts, ends)):
            mask[j, s:e] = True
        x = jnp.moveaxis(x, axis, -1)
        if reduce == "mean":
            weights = jnp.asarray(mask / mask.sum(1, keepdims=True), x.dtype)
            x = jnp.einsum("...i,oi->...o", x, weights)
        else:
            expanded = jnp.where(jnp.asarray(mask), x[..., None, :], -jnp.inf)
            x = jnp.max(expanded, axis=-1)
        x = jnp.moveaxis(x, -1, axis)
    return x


@register("adaptive_average_pool")
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size`` (PyTorch's adaptive windows)."""
    return _adaptive_pool("adaptive_average_pool", inputs, output_size, data_format, "mean")


@register("adaptive_max_pool")
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size`` (PyTorch's adaptive windows)."""
    return _adaptive_pool("adaptive_max_pool", inputs, output_size, data_format, "max")


# -- space/depth, fold/unfold -----------------------------------------------------------------
@register("depth_to_space")
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move depth into ``block_size x block_size`` spatial blocks."""
    x = _tt(x)
    data_format = data_format_or_default(data_format)
    b = int(block_size)
    if x.ndim != 4:
        raise ValueError(f"depth_to_space: input must be 4-D. Received: shape={x.shape}")
    if data_format == "channels_first":
        n, c, h, w = x.shape
        _check_divisible("depth_to_space", c, b * b)
        # Channels-first uses PyTorch's pixel_shuffle order (channel, row, column), as Keras.
        x = x.reshape(n, c // (b * b), b, b, h, w)
        x = x.transpose(0, 1, 4, 2, 5, 3)
        return x.reshape(n, c // (b * b), h * b, w * b)
    n, h, w, c = x.shape
    _check_divisible("depth_to_space", c, b * b)
    x = x.reshape(n, h, w, b, b, c // (b * b))
    x = x.transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(n, h * b, w * b, c // (b * b))


@register("space_to_depth")
def space_to_depth(x, block_size, data_format="channels_last"):
    """Move ``block_size x block_size`` spatial blocks into depth."""
    x = _tt(x)
    data_format = data_format_or_default(data_format)
    b = int(block_size)
    if x.ndim != 4:
        raise ValueError(f"space_to_depth: input must be 4-D. Received: shape={x.shape}")
    if data_format == "channels_first":
        n, c, h, w = x.shape
        _check_divisible("space_to_depth", h, b)
        _check_divisible("space_to_depth", w, b)
        x = x.reshape(n, c, h // b, b, w // b, b)
        x = x.transpose(0, 1, 3, 5, 2, 4)
        return x.reshape(n, c * b * b, h // b, w // b)
    n, h, w, c = x.shape
    _check_divisible("space_to_depth", h, b)
    _check_divisible("space_to_depth", w, b)
    x = x.reshape(n, h // b, b, w // b, b, c)
    x = x.transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(n, h // b, w // b, b * b * c)


def _check_divisible(name, size, block):
    if size % block:
        raise ValueError(f"{name}: dimension {size} is not divisible by {block}.")


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


@register("unfold")
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of a ``(N, C, H, W)`` input as ``(N, C * kh * kw, L)`` (PyTorch's)."""
    x = _tt(x)
    if x.ndim != 4:
        raise ValueError(f"unfold: input must be 4-D (N, C, H, W). Received: shape={x.shape}")
    kh, kw = _pair(kernel_size)
    dh, dw = _pair(dilation)
    ph, pw = _pair(padding)
    sh, sw = _pair(stride)
    n, c = x.shape[:2]
    patches = jax.lax.conv_general_dilated_patches(
        x,
        filter_shape=(kh, kw),
        window_strides=(sh, sw),
        padding=((ph, ph), (pw, pw)),
        rhs_dilation=(dh, dw),
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
    )
    return patches.reshape(n, c * kh * kw, -1)


@register("fold")
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks ``(N, C * kh * kw, L)`` back into ``(N, C, H, W)``."""
    x = _tt(x)
    if x.ndim != 3:
        raise ValueError(f"fold: input must be 3-D (N, C*kh*kw, L). Received: shape={x.shape}")
    oh, ow = _pair(output_size)
    kh, kw = _pair(kernel_size)
    dh, dw = _pair(dilation)
    ph, pw = _pair(padding)
    sh, sw = _pair(stride)
    n, ckk, length = x.shape
    c = ckk // (kh * kw)
    nh = (oh + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    nw = (ow + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if nh * nw != length:
        raise ValueError(
            f"fold: expected {nh * nw} blocks for output_size={output_size}, got {length}."
        )
    blocks = x.reshape(n, c, kh, kw, nh, nw)
    rows = (np.arange(nh) * sh)[None, :] + (np.arange(kh) * dh)[:, None]  # (kh, nh)
    cols = (np.arange(nw) * sw)[None, :] + (np.arange(kw) * dw)[:, None]  # (kw, nw)
    r = np.broadcast_to(rows[:, None, :, None], (kh, kw, nh, nw))
    q = np.broadcast_to(cols[None, :, None, :], (kh, kw, nh, nw))
    out = jnp.zeros((n, c, oh + 2 * ph, ow + 2 * pw), x.dtype)
    out = out.at[:, :, r, q].add(blocks)
    return out[:, :, ph : ph + oh, pw : pw + ow]


# -- attention --------------------------------------------------------------------------------
@register("dot_product_attention")
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` inputs.

    Key/value may have fewer heads than the query (grouped-query attention).
    """
    if flash_attention:
        raise ValueError(
            "dot_product_attention: flash_attention is not available on the jax CPU backend."
        )
    q, k, v = _f(query), _f(key), _f(value)
    unbatched = q.ndim == 3
    if unbatched:
        q, k, v = q[None], k[None], v[None]
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(
            "dot_product_attention: query, key and value must be 3-D or 4-D "
            f"(batch, seq, heads, dim). Received {query.shape}, {key.shape}, {value.shape}."
        )
    heads, kv_heads = q.shape[2], k.shape[2]
    if heads % kv_heads:
        raise ValueError(
            f"dot_product_attention: query heads ({heads}) must be a multiple of key heads "
            f"({kv_heads})."
        )
    if heads != kv_heads:
        k = jnp.repeat(k, heads // kv_heads, axis=2)
        v = jnp.repeat(v, heads // kv_heads, axis=2)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else _t(scale)
    dtype = q.dtype
    logits = jnp.einsum("btnh,bsnh->bnts", q, k, preferred_element_type=jnp.float32)
    logits = logits * jnp.asarray(scale, jnp.float32)
    if attn_logits_soft_cap is not None:
        logits = jnp.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    if bias is not None:
        bias = _tt(bias)
        logits = logits + (bias[None] if unbatched and bias.ndim == 3 else bias).astype(jnp.float32)
    large_negative = jnp.asarray(-0.7 * jnp.finfo(jnp.float32).max, jnp.float32)
    if mask is not None:
        mask = _tt(mask).astype(bool)
        if unbatched and mask.ndim == 3:
            mask = mask[None]
        logits = jnp.where(mask, logits, large_negative)
    if is_causal:
        t, s = logits.shape[-2:]
        causal = jnp.tril(jnp.ones((t, s), dtype=bool))
        logits = jnp.where(causal, logits, large_negative)
    probs = jax.nn.softmax(logits, axis=-1).astype(dtype)
    out = jnp.einsum("bnts,bsnh->btnh", probs, v)
    return out[0] if unbatched else out


# -- CTC --------------------------------------------------------------------------------------
@register("ctc_loss")
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist temporal classification loss per batch element.

    Args:
        target: int labels ``(batch, max_label_length)``.
        output: logits ``(batch, max_time, num_classes)``.
        target_length: ``(batch,)`` label lengths.
        output_length: ``(batch,)`` logit lengths.
        mask_index: the blank class.
    """
    target = _tt(target).astype(jnp.int32)
    output = _f(output)
    target_length = _tt(target_length).astype(jnp.int32)
    output_length = _tt(output_length).astype(jnp.int32)
    batch, max_time, _ = output.shape
    max_label = target.shape[1]
    log_probs = jax.nn.log_softmax(output.astype(jnp.float32), axis=-1)
    # Extended labels: blank, l1, blank, l2, ..., blank.
    s_len = 2 * max_label + 1
    ext = jnp.full((batch, s_len), mask_index, jnp.int32).at[:, 1::2].set(target)
    ext_len = 2 * target_length + 1
    neg_inf = jnp.asarray(-1e30, jnp.float32)
    # Transition s-2 -> s is allowed when ext[s] is not blank and differs from ext[s-2].
    prev2 = jnp.concatenate([jnp.full((batch, 2), -1, jnp.int32), ext[:, :-2]], axis=1)
    skip_ok = (ext != mask_index) & (ext != prev2)
    emit = jnp.take_along_axis(log_probs, ext[:, None, :].repeat(max_time, 1), axis=2)
    alpha0 = jnp.full((batch, s_len), neg_inf)
    alpha0 = alpha0.at[:, 0].set(emit[:, 0, 0])
    alpha0 = alpha0.at[:, 1].set(jnp.where(target_length > 0, emit[:, 0, 1], neg_inf))

    def step(alpha, t):
        a1 = jnp.concatenate([jnp.full((batch, 1), neg_inf), alpha[:, :-1]], axis=1)
        a2 = jnp.concatenate([jnp.full((batch, 2), neg_inf), alpha[:, :-2]], axis=1)
        a2 = jnp.where(skip_ok, a2, neg_inf)
        new = jnp.logaddexp(jnp.logaddexp(alpha, a1), a2) + emit[:, t]
        new = jnp.where((t < output_length)[:, None], new, alpha)
        return new, None

    alpha, _ = jax.lax.scan(step, alpha0, jnp.arange(1, max_time))
    last = jnp.take_along_axis(alpha, (ext_len - 1)[:, None], axis=1)[:, 0]
    second = jnp.take_along_axis(alpha, jnp.maximum(ext_len - 2, 0)[:, None], axis=1)[:, 0]
    second = jnp.where(ext_len >= 2, second, neg_inf)
    return (-jnp.logaddexp(last, second)).astype(output.dtype)


@register("ctc_decode")
def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decode CTC outputs ``(batch, max_time, num_classes)``.

    Returns:
        ``(decoded, log_probs)``: ``decoded`` is ``(top_paths, batch, max_time)`` int32 padded
        with -1; ``log_probs`` is ``(batch, top_paths)``.
    """
    inputs = _f(inputs)
    sequence_lengths = _tt(sequence_lengths).astype(jnp.int32)
    if strategy == "greedy":
        return _ctc_greedy(inputs, sequence_lengths, merge_repeated, mask_index)
    if strategy == "beam_search":
        return _ctc_beam(inputs, sequence_lengths, beam_width, top_paths, mask_index)
    raise ValueError(
        f"ctc_decode: `strategy` must be 'greedy' or 'beam_search'. Received: {strategy!r}"
    )


def _ctc_greedy(inputs, lengths, merge_repeated, mask_index):
    batch, max_time, _ = inputs.shape
    # Keras scores greedy paths on the raw inputs (no log-softmax): keep that for agreement.
    best = jnp.argmax(inputs, axis=-1).astype(jnp.int32)
    score = jnp.max(inputs, axis=-1)
    valid = jnp.arange(max_time)[None, :] < lengths[:, None]
    score = -jnp.sum(jnp.where(valid, score, 0.0), axis=1, keepdims=True)
    keep = valid & (best != mask_index)
    if merge_repeated:
        prev = jnp.concatenate([jnp.full((batch, 1), -1, jnp.int32), best[:, :-1]], axis=1)
        keep = keep & (best != prev)
    # Stable compaction: kept labels first, in order, then -1 padding.
    order = jnp.argsort(~keep, axis=1, stable=True)
    decoded = jnp.take_along_axis(jnp.where(keep, best, -1), order, axis=1)
    return decoded[None], score


def _ctc_beam(inputs, lengths, beam_width, top_paths, mask_index):
    """Prefix beam search on the host (NumPy); eager only."""
    log_probs = np.asarray(jax.nn.log_softmax(inputs, axis=-1), dtype=np.float64)
    lengths = np.asarray(lengths)
    batch, max_time, num_classes = log_probs.shape
    decoded = np.full((top_paths, batch, max_time), -1, dtype=np.int32)
    scores = np.full((batch, top_paths), -np.inf, dtype=np.float32)
    for b in range(batch):
        beams = {(): (0.0, -np.inf)}  # prefix -> (log p ending in blank, ending in non-blank)
        for t in range(int(lengths[b])):
            lp = log_probs[b, t]
            nxt: dict = {}

            def add(prefix, pb, pnb, store=nxt):
                ob, onb = store.get(prefix, (-np.inf, -np.inf))
                store[prefix] = (np.logaddexp(ob, pb), np.logaddexp(onb, pnb))

            for prefix, (pb, pnb) in beams.items():
                total = np.logaddexp(pb, pnb)
                add(prefix, total + lp[mask_index], -np.inf)
                for c in range(num_classes):
                    if c == mask_index:
                        continue
                    new = prefix + (c,)
                    if prefix and prefix[-1] == c:
                        add(new, -np.inf, pb + lp[c])
                        add(prefix, -np.inf, pnb + lp[c])
                    else:
                        add(new, -np.inf, total + lp[c])
            beams = dict(sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:beam_width])
        ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:top_paths]
        for p, (prefix, (pb, pnb)) in enumerate(ranked):
            decoded[p, b, : len(prefix)] = prefix
            scores[b, p] = np.logaddexp(pb, pnb)
    return jnp.asarray(decoded), jnp.asarray(scores)
