"""Neural-network ops (``kcore.ops.nn``) on TensorFlow.

Convolutions and pools run channels-last (TensorFlow's CPU kernels only support NHWC);
``channels_first`` inputs are transposed in and out.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from kcore import config
from kcore_backend_tf._utils import (
    EagerTensor,
    convert,
    dynamic_dims,
    promote,
    tf_dtype,
    to_float,
)
from kcore_backend_tf._utils import (
    data_format as _data_format,
)

# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------


def relu(x):
    """``max(x, 0)``."""
    if type(x) is EagerTensor and x.dtype.is_floating:
        return tf.raw_ops.Relu(features=x)
    x = convert(x)
    if x.dtype == tf.bool:
        return x
    return tf.nn.relu(x)


def relu6(x):
    """``min(max(x, 0), 6)``."""
    x = convert(x)
    return tf.nn.relu6(x)


def sigmoid(x):
    """Logistic sigmoid."""
    return tf.sigmoid(to_float(x))


def softplus(x):
    """``log(1 + exp(x))``."""
    return tf.math.softplus(to_float(x))


def softsign(x):
    """``x / (1 + |x|)``."""
    return tf.math.softsign(to_float(x))


def silu(x):
    """``x * sigmoid(x)``."""
    x = to_float(x)
    return x * tf.sigmoid(x)


swish = silu


def log_sigmoid(x):
    """``log(sigmoid(x))`` computed stably."""
    return tf.math.log_sigmoid(to_float(x))


def leaky_relu(x, negative_slope=0.2):
    """``x`` for positives, ``negative_slope * x`` otherwise."""
    return tf.nn.leaky_relu(to_float(x), alpha=negative_slope)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid ``relu6(x + 3) / 6``."""
    x = to_float(x)
    return tf.nn.relu6(x + 3.0) / 6.0


def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    x = to_float(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def elu(x, alpha=1.0):
    """Exponential linear unit."""
    x = to_float(x)
    if alpha == 1.0:
        return tf.nn.elu(x)
    return tf.where(x > 0, x, tf.cast(alpha, x.dtype) * tf.math.expm1(x))


def selu(x):
    """Scaled exponential linear unit."""
    return tf.nn.selu(to_float(x))


def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default)."""
    return tf.nn.gelu(to_float(x), approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU."""
    x = to_float(x)
    a = tf.cast(alpha, x.dtype)
    return tf.maximum(x, 0.0) + a * tf.math.expm1(tf.minimum(x, 0.0) / a)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``axis``."""
    x = to_float(x)
    if x.shape[axis] is not None and x.shape[axis] % 2:
        raise ValueError(
            f"glu: axis {axis} must have an even size, received shape {tuple(x.shape)}."
        )
    a, b = tf.split(x, 2, axis=axis)
    return a * tf.sigmoid(b)


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    x = to_float(x)
    return tf.clip_by_value(x, -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    x = to_float(x)
    return tf.where(tf.abs(x) > threshold, x, tf.zeros_like(x))


def soft_shrink(x, threshold=0.5):
    """Shrink towards zero by ``threshold``."""
    x = to_float(x)
    t = tf.cast(threshold, x.dtype)
    return tf.where(x > t, x - t, tf.where(x < -t, x + t, tf.zeros_like(x)))


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = to_float(x)
    return x - tf.tanh(x)


def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on (-1, 1), ``x`` above 1."""
    x = to_float(x)
    return tf.where(x <= -1, tf.zeros_like(x), tf.where(x >= 1, x, tf.square(x + 1) / 4))


def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on (-1, 1), 1 above 1."""
    x = to_float(x)
    return tf.clip_by_value(0.5 * (x + 1.0), 0.0, 1.0)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = to_float(x)
    b = tf.cast(convert(b), x.dtype)
    return (x + tf.sqrt(tf.square(x) + b)) / 2


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = convert(x)
    return tf.where(x > tf.cast(threshold, x.dtype), x, tf.cast(default_value, x.dtype))


def _reduce_axes(axis, ndim):
    if isinstance(axis, (list, tuple)):
        return [a % ndim for a in axis]
    return [axis % ndim]


def softmax(x, axis=-1):
    """Softmax over ``axis`` (an int or a tuple of axes)."""
    x = to_float(x)
    if isinstance(axis, (list, tuple)) or axis is None:
        axes = list(range(x.shape.rank)) if axis is None else list(axis)
        shifted = x - tf.stop_gradient(tf.reduce_max(x, axis=axes, keepdims=True))
        e = tf.exp(shifted)
        return e / tf.reduce_sum(e, axis=axes, keepdims=True)
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log of softmax over ``axis``."""
    x = to_float(x)
    if isinstance(axis, (list, tuple)) or axis is None:
        axes = list(range(x.shape.rank)) if axis is None else list(axis)
        return x - tf.reduce_logsumexp(x, axis=axes, keepdims=True)
    return tf.nn.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex."""
    x = to_float(x)
    z = tf.experimental.numpy.moveaxis(x, axis, -1)
    z_sorted = tf.sort(z, axis=-1, direction="DESCENDING")
    k = tf.range(1, tf.shape(z)[-1] + 1, dtype=z.dtype)
    cumsum = tf.cumsum(z_sorted, axis=-1)
    support = 1 + k * z_sorted > cumsum
    k_z = tf.reduce_sum(tf.cast(support, z.dtype), axis=-1, keepdims=True)
    tau_sum = tf.reduce_sum(
        tf.where(support, z_sorted, tf.zeros_like(z_sorted)), axis=-1, keepdims=True
    )
    tau = (tau_sum - 1) / k_z
    out = tf.maximum(z - tau, 0.0)
    return tf.experimental.numpy.moveaxis(out, -1, axis)


def polar(abs_, angle):
    """A complex tensor ``abs_ * exp(1j * angle)``."""
    a, t = promote(to_float(abs_), to_float(angle))
    work = tf.float64 if a.dtype == tf.float64 else tf.float32
    a, t = tf.cast(a, work), tf.cast(t, work)
    return tf.complex(a * tf.cos(t), a * tf.sin(t))


# ---------------------------------------------------------------------------------------------
# normalisation
# ---------------------------------------------------------------------------------------------


def _broadcast_along(v, axis, ndim):
    v = convert(v)
    if v.shape.rank == 1 and ndim > 1:
        shape = [1] * ndim
        shape[axis % ndim] = -1
        return tf.reshape(v, shape)
    return v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` along ``axis``."""
    x = to_float(x)
    ndim = x.shape.rank
    mean = tf.cast(_broadcast_along(mean, axis, ndim), x.dtype)
    variance = tf.cast(_broadcast_along(variance, axis, ndim), x.dtype)
    inv = tf.math.rsqrt(variance + tf.cast(epsilon, x.dtype))
    if scale is not None:
        inv = inv * tf.cast(_broadcast_along(scale, axis, ndim), x.dtype)
    out = (x - mean) * inv
    if offset is not None:
        out = out + tf.cast(_broadcast_along(offset, axis, ndim), x.dtype)
    return out


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance over ``axes`` (float16 accumulates in float32)."""
    x = to_float(x)
    work = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    xw = tf.cast(x, work)
    mean = tf.reduce_mean(xw, axis=axes, keepdims=True)
    var = tf.reduce_mean(tf.square(xw - tf.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = tf.squeeze(mean, axes)
        var = tf.squeeze(var, axes)
    return tf.cast(mean, x.dtype), tf.cast(var, x.dtype)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalise over ``axis`` then scale by ``gamma`` and shift by ``beta``."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected keyword arguments {sorted(kwargs)}.")
    if epsilon is None:
        epsilon = config.epsilon()
    x = to_float(x)
    ndim = x.shape.rank
    axes = _reduce_axes(axis, ndim)
    work = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    xw = tf.cast(x, work)

    def param(p):
        p = tf.cast(convert(p), work)
        if len(axes) == 1 and p.shape.rank == 1:
            return _broadcast_along(p, axes[0], ndim)
        return p

    if rms_scaling:
        var = tf.reduce_mean(tf.square(xw), axis=axes, keepdims=True)
        out = xw * tf.math.rsqrt(var + epsilon)
        if gamma is not None:
            out = out * param(gamma)
    else:
        mean, var = tf.nn.moments(xw, axes=axes, keepdims=True)
        out = (xw - mean) * tf.math.rsqrt(var + epsilon)
        if gamma is not None:
            out = out * param(gamma)
        if beta is not None:
            out = out + param(beta)
    return tf.cast(out, x.dtype)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis``."""
    if epsilon is None:
        epsilon = config.epsilon()
    x = to_float(x)
    axes = _reduce_axes(axis, x.shape.rank)
    work = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    xw = tf.cast(x, work)
    out = xw * tf.math.rsqrt(tf.reduce_mean(tf.square(xw), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        s = tf.cast(convert(scale), work)
        if len(axes) == 1 and s.shape.rank == 1:
            s = _broadcast_along(s, axes[0], x.shape.rank)
        out = out * s
    return tf.cast(out, x.dtype)


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm over ``axis``."""
    if epsilon is None:
        epsilon = config.epsilon()
    x = to_float(x)
    if order == 2:
        sq = tf.reduce_sum(tf.square(x), axis=axis, keepdims=True)
        # x / max(norm, epsilon), i.e. the squared sum floored at epsilon**2.
        return x * tf.math.rsqrt(tf.maximum(sq, tf.cast(epsilon * epsilon, x.dtype)))
    # A vector norm over every axis given (tf.norm over two axes is a matrix norm).
    norm = tf.reduce_sum(tf.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    return x / tf.maximum(norm, tf.cast(epsilon, x.dtype))


# ---------------------------------------------------------------------------------------------
# encodings and losses
# ---------------------------------------------------------------------------------------------


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer ``x`` (negative indices give all zeros)."""
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported by the TensorFlow backend.")
    x = convert(x)
    if not x.dtype.is_integer:
        x = tf.cast(x, tf.int64)
    return tf.one_hot(x, num_classes, axis=axis, dtype=tf_dtype(dtype))


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: 1 for every class present in each sample."""
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot: `num_classes` is required.")
    if sparse:
        raise ValueError("multi_hot: sparse=True is not supported by the TensorFlow backend.")
    x = convert(inputs)
    if not x.dtype.is_integer:
        x = tf.cast(x, tf.int64)
    rank = x.shape.rank
    if rank == 0:
        x = x[None]
        rank = 1
    encoded = tf.one_hot(x, num_classes, axis=axis, dtype=tf_dtype(dtype))
    reduce_axis = -1 if axis != -1 else (rank - 1 if rank > 1 else 0)
    if rank == 1:
        reduce_axis = 0 if axis == -1 else 1
    return tf.reduce_max(encoded, axis=reduce_axis)


def _epsilon(dtype):
    return tf.constant(config.epsilon(), dtype)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy."""
    output = to_float(output)
    target = tf.cast(convert(target), output.dtype)
    if (
        tuple(target.shape) != tuple(output.shape)
        and None not in target.shape
        and None not in output.shape
    ):
        raise ValueError(
            "binary_crossentropy: `target` and `output` must have the same shape, received "
            f"{tuple(target.shape)} and {tuple(output.shape)}."
        )
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _epsilon(output.dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -(target * tf.math.log(output) + (1.0 - target) * tf.math.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``."""
    output = to_float(output)
    target = tf.cast(convert(target), output.dtype)
    if (
        tuple(target.shape) != tuple(output.shape)
        and None not in target.shape
        and None not in output.shape
    ):
        raise ValueError(
            "categorical_crossentropy: `target` and `output` must have the same shape, received "
            f"{tuple(target.shape)} and {tuple(output.shape)}."
        )
    if from_logits:
        return -tf.reduce_sum(target * tf.nn.log_softmax(output, axis=axis), axis=axis)
    output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
    eps = _epsilon(output.dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -tf.reduce_sum(target * tf.math.log(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between integer class ``target`` and ``output`` along ``axis``."""
    output = to_float(output)
    target = convert(target)
    if not target.dtype.is_integer:
        target = tf.cast(target, tf.int64)
    if target.shape.rank == output.shape.rank and target.shape[-1] == 1:
        target = tf.squeeze(target, -1)
    if axis != -1 and axis != output.shape.rank - 1:
        output = tf.experimental.numpy.moveaxis(output, axis, -1)
    if target.shape.rank != output.shape.rank - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have the shape of `output` without "
            f"its class axis, received {tuple(target.shape)} and {tuple(output.shape)}."
        )
    if from_logits:
        log_probs = tf.nn.log_softmax(output, axis=-1)
    else:
        output = output / tf.reduce_sum(output, axis=-1, keepdims=True)
        eps = _epsilon(output.dtype)
        log_probs = tf.math.log(tf.clip_by_value(output, eps, 1.0 - eps))
    onehot = tf.one_hot(target, tf.shape(output)[-1], dtype=output.dtype)
    return -tf.reduce_sum(onehot * log_probs, axis=-1)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB."""
    x1, x2 = promote(to_float(x1), to_float(x2))
    mse = tf.reduce_mean(tf.square(x1 - x2))
    max_val = tf.cast(max_val, x1.dtype)
    ten = tf.constant(10.0, x1.dtype)
    return 20.0 * tf.math.log(max_val) / tf.math.log(ten) - 10.0 * tf.math.log(mse) / tf.math.log(
        ten
    )


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC loss per batch entry; ``output`` holds logits (batch, time, classes)."""
    output = to_float(output)
    target = tf.cast(convert(target), tf.int32)
    target_length = tf.cast(convert(target_length), tf.int32)
    output_length = tf.cast(convert(output_length), tf.int32)
    work = tf.float32 if output.dtype in (tf.float16, tf.bfloat16) else output.dtype
    loss = tf.nn.ctc_loss(
        labels=target,
        logits=tf.cast(output, work),
        label_length=target_length,
        logit_length=output_length,
        logits_time_major=False,
        blank_index=mask_index,
    )
    return tf.cast(loss, output.dtype)


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decode CTC outputs; returns (paths padded with -1, scores)."""
    x = to_float(inputs)
    work = tf.float32 if x.dtype in (tf.float16, tf.bfloat16) else x.dtype
    x = tf.transpose(tf.cast(x, work), [1, 0, 2])  # time major
    lengths = tf.cast(convert(sequence_lengths), tf.int32)
    if strategy == "greedy":
        decoded, scores = tf.nn.ctc_greedy_decoder(
            x, lengths, merge_repeated=merge_repeated, blank_index=mask_index
        )
    elif strategy == "beam_search":
        if mask_index is not None and mask_index != -1:
            n = tf.shape(x)[-1]
            perm = tf.concat([tf.range(mask_index), tf.range(mask_index + 1, n), [mask_index]], 0)
            x = tf.gather(x, perm, axis=-1)
        decoded, scores = tf.nn.ctc_beam_search_decoder(
            x, lengths, beam_width=beam_width, top_paths=top_paths
        )
        if mask_index is not None and mask_index != -1:
            decoded = [
                tf.SparseTensor(
                    d.indices,
                    tf.where(d.values >= mask_index, d.values + 1, d.values),
                    d.dense_shape,
                )
                for d in decoded
            ]
    else:
        raise ValueError(
            f"ctc_decode: `strategy` must be 'greedy' or 'beam_search', received {strategy!r}."
        )
    time = tf.shape(x)[0]
    dense = []
    for d in decoded:
        paths = tf.sparse.to_dense(d, default_value=-1)
        pad = time - tf.shape(paths)[1]
        dense.append(tf.pad(paths, [[0, 0], [0, pad]], constant_values=-1))
    paths = tf.cast(tf.stack(dense), tf.int32)
    paths.set_shape([len(dense), x.shape[1], x.shape[0]])  # (top_paths, batch, time)
    return paths, tf.cast(scores, x.dtype)


# ---------------------------------------------------------------------------------------------
# convolution and pooling
# ---------------------------------------------------------------------------------------------


def _tuple(value, n, name):
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints, received {value}.")
    return value


def _to_last(x, fmt):
    if fmt == "channels_first":
        nd = x.shape.rank
        return tf.transpose(x, [0, *range(2, nd), 1])
    return x


def _from_last(x, fmt):
    if fmt == "channels_first":
        nd = x.shape.rank
        return tf.transpose(x, [0, nd - 1, *range(1, nd - 1)])
    return x


def _padding(padding):
    padding = padding.lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same', received {padding!r}.")
    return padding.upper()


def _conv_dtypes(inputs, kernel):
    inputs, kernel = promote(inputs, kernel)
    if not inputs.dtype.is_floating:
        inputs, kernel = to_float(inputs), to_float(kernel)
    return inputs, kernel


def _convolution(x, k, strides, pad, dilations):
    """``tf.nn.convolution``, but 3-D goes to ``tf.nn.conv3d``: the op ``tf.nn.convolution``
    records for 3-D has no ``data_format`` attribute, so its eager gradient fails."""
    if len(strides) == 3:
        return tf.nn.conv3d(x, k, (1, *strides, 1), pad, dilations=(1, *dilations, 1))
    return tf.nn.convolution(x, k, strides, pad, dilations=dilations)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1-3 spatial dims); ``kernel`` is ``(*spatial, in / groups, out)``."""
    fmt = _data_format(data_format)
    x, k = _conv_dtypes(inputs, kernel)
    nd = x.shape.rank - 2
    strides = _tuple(strides, nd, "strides")
    dilations = _tuple(dilation_rate, nd, "dilation_rate")
    pad = _padding(padding)
    x = _to_last(x, fmt)
    in_ch, k_in = x.shape[-1], k.shape[-2]
    if in_ch is not None and k_in is not None and in_ch % k_in:
        raise ValueError(
            f"conv: the input channel count ({in_ch}) must be a multiple of the kernel's "
            f"input-channel axis ({k_in}), received inputs {tuple(inputs.shape)} and kernel "
            f"{tuple(kernel.shape)}."
        )
    groups = in_ch // k_in if in_ch is not None else 1
    if groups > 1 and nd == 3:
        xs = tf.split(x, groups, axis=-1)
        ks = tf.split(k, groups, axis=-1)
        out = tf.concat([_convolution(a, b, strides, pad, dilations) for a, b in zip(xs, ks)], -1)
    else:
        out = _convolution(x, k, strides, pad, dilations)
    return _from_last(out, fmt)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is ``(*spatial, in, multiplier)``."""
    fmt = _data_format(data_format)
    x, k = _conv_dtypes(inputs, kernel)
    nd = x.shape.rank - 2
    strides = _tuple(strides, nd, "strides")
    dilations = _tuple(dilation_rate, nd, "dilation_rate")
    pad = _padding(padding)
    x = _to_last(x, fmt)
    if nd == 1:
        out = tf.nn.depthwise_conv2d(
            x[:, None],
            k[None],
            strides=(1, 1, strides[0], 1),
            padding=pad,
            dilations=(1, dilations[0]),
        )
        out = out[:, 0]
    elif nd == 2:
        out = tf.nn.depthwise_conv2d(
            x, k, strides=(1, *strides, 1), padding=pad, dilations=dilations
        )
    else:
        in_ch = x.shape[-1]
        mult = k.shape[-1]
        dims = dynamic_dims(k)
        k_grouped = tf.reshape(k, [*dims[:-2], 1, in_ch * mult])
        xs = tf.split(x, in_ch, axis=-1)
        ks = tf.split(k_grouped, in_ch, axis=-1)
        out = tf.concat([_convolution(a, b, strides, pad, dilations) for a, b in zip(xs, ks)], -1)
    return _from_last(out, fmt)


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """Depthwise convolution followed by a 1x1 pointwise convolution."""
    depthwise = depthwise_conv(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _deconv_length(size, stride, kernel, padding, output_padding, dilation):
    """Output length of a transposed convolution (ints or scalar tensors)."""
    kernel = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "same":
            return size * stride
        extra = kernel - stride
        extra = tf.maximum(extra, 0) if isinstance(extra, tf.Tensor) else max(extra, 0)
        return size * stride + extra
    pad = kernel // 2 if padding == "same" else 0
    return (size - 1) * stride + kernel - 2 * pad + output_padding


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution; ``kernel`` is ``(*spatial, out, in)``."""
    fmt = _data_format(data_format)
    x, k = _conv_dtypes(inputs, kernel)
    nd = x.shape.rank - 2
    strides = _tuple(strides, nd, "strides")
    dilations = _tuple(dilation_rate, nd, "dilation_rate")
    out_pad = None if output_padding is None else _tuple(output_padding, nd, "output_padding")
    padding = padding.lower()
    pad = _padding(padding)
    x = _to_last(x, fmt)
    dims = dynamic_dims(x)
    k_dims = dynamic_dims(k)
    spatial = []
    for i in range(nd):
        size = dims[1 + i]
        spatial.append(
            _deconv_length(
                size,
                strides[i],
                k_dims[i],
                padding,
                None if out_pad is None else out_pad[i],
                dilations[i],
            )
        )
    out_dims = [dims[0], *spatial, k_dims[-2]]
    if any(isinstance(d, tf.Tensor) for d in out_dims):
        out_shape = tf.stack([tf.cast(d, tf.int32) for d in out_dims])
    else:
        out_shape = out_dims
    out = tf.nn.conv_transpose(x, k, out_shape, strides=strides, padding=pad, dilations=dilations)
    return _from_last(out, fmt)


def _pool(kind, inputs, pool_size, strides, padding, data_format):
    fmt = _data_format(data_format)
    x = convert(inputs)
    nd = x.shape.rank - 2
    pool_size = _tuple(pool_size, nd, "pool_size")
    strides = pool_size if strides is None else _tuple(strides, nd, "strides")
    pad = _padding(padding)
    x = _to_last(x, fmt)
    if kind == "AVG" and not x.dtype.is_floating:
        x = to_float(x)
    out = tf.nn.pool(x, pool_size, kind, strides=strides, padding=pad)
    return _from_last(out, fmt)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1-3 spatial dims."""
    return _pool("MAX", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling (``same`` padding excludes the padded cells from the mean)."""
    return _pool("AVG", inputs, pool_size, strides, padding, data_format)


def _adaptive_pool(inputs, output_size, data_format, reducer):
    fmt = _data_format(data_format)
    x = convert(inputs)
    if reducer is tf.reduce_mean:
        x = to_float(x)
    nd = x.shape.rank - 2
    output_size = _tuple(output_size, nd, "output_size")
    x = _to_last(x, fmt)
    for i in range(nd):
        axis = 1 + i
        size = x.shape[axis]
        out = output_size[i]
        pieces = []
        for j in range(out):
            start = (j * size) // out
            end = -((-(j + 1) * size) // out)
            sl = [slice(None)] * x.shape.rank
            sl[axis] = slice(start, end)
            pieces.append(reducer(x[tuple(sl)], axis=axis, keepdims=True))
        x = tf.concat(pieces, axis=axis)
    return _from_last(x, fmt)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size`` (PyTorch's bin rule)."""
    return _adaptive_pool(inputs, output_size, data_format, tf.reduce_mean)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size`` (PyTorch's bin rule)."""
    return _adaptive_pool(inputs, output_size, data_format, tf.reduce_max)


def depth_to_space(x, block_size, data_format="channels_last"):
    """Rearrange channel blocks into spatial blocks (4-D inputs)."""
    fmt = _data_format(data_format)
    x = _to_last(convert(x), fmt)
    return _from_last(tf.nn.depth_to_space(x, block_size), fmt)


def space_to_depth(x, block_size, data_format="channels_last"):
    """Rearrange spatial blocks into channels (4-D inputs)."""
    fmt = _data_format(data_format)
    x = _to_last(convert(x), fmt)
    return _from_last(tf.nn.space_to_depth(x, block_size), fmt)


def _unfold_indices(h, w, kernel_size, dilation, padding, stride):
    kh, kw = kernel_size
    dh, dw = dilation
    ph, pw = padding
    sh, sw = stride
    hp, wp = h + 2 * ph, w + 2 * pw
    oh = (hp - (dh * (kh - 1) + 1)) // sh + 1
    ow = (wp - (dw * (kw - 1) + 1)) // sw + 1
    ki, kj = np.meshgrid(np.arange(kh), np.arange(kw), indexing="ij")
    oi, oj = np.meshgrid(np.arange(oh), np.arange(ow), indexing="ij")
    rows = ki.reshape(-1, 1) * dh + oi.reshape(1, -1) * sh
    cols = kj.reshape(-1, 1) * dw + oj.reshape(1, -1) * sw
    return (rows * wp + cols).astype(np.int32), hp, wp


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of a ``(N, C, H, W)`` input as ``(N, C * kh * kw, L)`` (PyTorch's unfold)."""
    x = convert(x)
    ks = _tuple(kernel_size, 2, "kernel_size")
    dil = _tuple(dilation, 2, "dilation")
    pad = _tuple(padding, 2, "padding")
    st = _tuple(stride, 2, "stride")
    n, c, h, w = dynamic_dims(x)
    idx, hp, wp = _unfold_indices(int(h), int(w), ks, dil, pad, st)
    xp = tf.pad(x, [[0, 0], [0, 0], [pad[0], pad[0]], [pad[1], pad[1]]])
    flat = tf.reshape(xp, [n, c, hp * wp])
    patches = tf.gather(flat, idx, axis=2)  # (N, C, kh*kw, L)
    return tf.reshape(patches, [n, c * ks[0] * ks[1], idx.shape[1]])


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks ``(N, C * kh * kw, L)`` back into ``(N, C, H, W)`` (PyTorch's fold)."""
    x = convert(x)
    ks = _tuple(kernel_size, 2, "kernel_size")
    dil = _tuple(dilation, 2, "dilation")
    pad = _tuple(padding, 2, "padding")
    st = _tuple(stride, 2, "stride")
    h, w = _tuple(output_size, 2, "output_size")
    idx, hp, wp = _unfold_indices(h, w, ks, dil, pad, st)
    n, ckk, length = dynamic_dims(x)
    c = ckk // (ks[0] * ks[1])
    blocks = tf.reshape(x, [n, c, ks[0] * ks[1] * length])
    blocks = tf.transpose(blocks, [2, 0, 1])
    summed = tf.math.unsorted_segment_sum(blocks, idx.reshape(-1), hp * wp)
    out = tf.reshape(tf.transpose(summed, [1, 2, 0]), [n, c, hp, wp])
    return out[:, :, pad[0] : pad[0] + h, pad[1] : pad[1] + w]


# ---------------------------------------------------------------------------------------------
# attention
# ---------------------------------------------------------------------------------------------


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
    """Scaled dot-product attention on ``(batch, seq, heads, dim)`` (or 3-D) inputs."""
    if flash_attention:
        raise ValueError("dot_product_attention: flash_attention is not supported on TensorFlow.")
    q, k = promote(to_float(query), to_float(key))
    v = tf.cast(convert(value), q.dtype)
    squeeze = q.shape.rank == 3
    if squeeze:
        q, k, v = q[:, :, None], k[:, :, None], v[:, :, None]
    if q.shape.rank != 4:
        raise ValueError(
            "dot_product_attention: `query` must have rank 3 or 4 (batch, seq, [heads,] dim), "
            f"received shape {tuple(query.shape)}."
        )
    heads, kv_heads = q.shape[2], k.shape[2]
    if heads is not None and kv_heads is not None and heads != kv_heads:
        if heads % kv_heads:
            raise ValueError(
                f"dot_product_attention: query heads ({heads}) must be a multiple of key heads "
                f"({kv_heads})."
            )
        k = tf.repeat(k, heads // kv_heads, axis=2)
        v = tf.repeat(v, heads // kv_heads, axis=2)
    work = tf.float32 if q.dtype in (tf.float16, tf.bfloat16) else q.dtype
    qw, kw, vw = tf.cast(q, work), tf.cast(k, work), tf.cast(v, work)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    logits = tf.einsum("btnh,bsnh->bnts", qw, kw) * tf.cast(convert(scale), work)
    if attn_logits_soft_cap is not None:
        cap = tf.cast(attn_logits_soft_cap, work)
        logits = cap * tf.tanh(logits / cap)
    if bias is not None:
        b = tf.cast(convert(bias), work)
        if squeeze and b.shape.rank == 3:
            b = b[:, None]
        logits = logits + b
    large_negative = tf.constant(-0.7 * work.max, work)
    if mask is not None:
        m = tf.cast(convert(mask), tf.bool)
        if squeeze and m.shape.rank == 3:
            m = m[:, None]
        logits = tf.where(m, logits, large_negative)
    if is_causal:
        t, s = tf.shape(logits)[-2], tf.shape(logits)[-1]
        causal = tf.range(t)[:, None] >= tf.range(s)[None, :]
        logits = tf.where(causal, logits, large_negative)
    probs = tf.nn.softmax(logits, axis=-1)
    out = tf.einsum("bnts,bsnh->btnh", probs, vw)
    out = tf.cast(out, q.dtype)
    return out[:, :, 0] if squeeze else out
