"""``kcore.ops.nn`` on torch: activations, convolutions, pooling, normalization, losses.

Keras layouts are translated here: inputs default to ``channels_last`` (from
``kcore.config.image_data_format()``) and kernels are ``(spatial..., in, out)``; torch wants
``channels_first`` inputs and ``(out, in, spatial...)`` kernels. ``"same"`` padding follows
TensorFlow (extra padding goes after), applied explicitly so strides > 1 work.
"""

from __future__ import annotations

import builtins
import math

import numpy as np
import torch
import torch.nn.functional as F

from kcore import config
from kcore_backend_torch._convert import (
    Tensor,
    canonical_axis,
    floatx_torch,
    promote,
    to_float,
    to_tensor,
    to_torch_dtype,
)


def _f(x):
    """Fast float conversion for activations (plain float tensors pass straight through)."""
    if type(x) is Tensor and x.is_floating_point():
        return x
    return to_float(x)


# -- activations ---------------------------------------------------------------------------------
def relu(x):
    """``max(x, 0)``."""
    return torch.relu(_f(x))


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return F.relu6(_f(x))


def _keep_logits(output, logits, axis=None):
    """Tag a sigmoid / softmax output with its logits, as Keras's TensorFlow backend does: a
    crossentropy on ``output`` (``from_logits=False``) then computes from the logits in one
    fused, exact op instead of ``log(clip(output))``. Not under ``torch.compile`` (dynamo
    would have to trace a tensor attribute)."""
    if not torch.compiler.is_compiling():
        output._keras_logits = (logits, axis)
    return output


def _logits_of(output, axis=None):
    """The logits ``output`` was computed from by ``sigmoid`` / ``softmax`` (same ``axis``)."""
    tagged = getattr(output, "_keras_logits", None)
    if tagged is not None and tagged[1] == axis:
        return tagged[0]
    return None


def sigmoid(x):
    """Logistic sigmoid."""
    x = _f(x)
    return _keep_logits(torch.sigmoid(x), x)


def tanh(x):
    return torch.tanh(_f(x))


def softplus(x):
    """``log(1 + exp(x))``."""
    return F.softplus(_f(x))


def softsign(x):
    """``x / (1 + |x|)``."""
    return F.softsign(_f(x))


def silu(x):
    """``x * sigmoid(x)``."""
    return F.silu(_f(x))


swish = silu


def log_sigmoid(x):
    """``log(sigmoid(x))``, stably."""
    return F.logsigmoid(_f(x))


def leaky_relu(x, negative_slope=0.2):
    """``x`` if positive else ``negative_slope * x``."""
    return F.leaky_relu(_f(x), negative_slope)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    return F.hardsigmoid(_f(x))


def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    return F.hardswish(_f(x))


hard_swish = hard_silu


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return F.hardtanh(_f(x))


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold`` else 0."""
    x = _f(x)
    return torch.where(torch.abs(x) > threshold, x, torch.zeros_like(x))


def soft_shrink(x, threshold=0.5):
    """``x`` shrunk towards 0 by ``threshold``."""
    x = _f(x)
    return torch.where(
        x > threshold,
        x - threshold,
        torch.where(x < -threshold, x + threshold, torch.zeros_like(x)),
    )


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = _f(x)
    return x - torch.tanh(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold`` else ``default_value``."""
    x = _f(x)
    return torch.where(x > threshold, x, torch.as_tensor(default_value, dtype=x.dtype))


def elu(x, alpha=1.0):
    """``x`` if positive else ``alpha * (exp(x) - 1)``."""
    return F.elu(_f(x), alpha)


def selu(x):
    """Scaled ELU with the self-normalizing constants."""
    return F.selu(_f(x))


def celu(x, alpha=1.0):
    """Continuously differentiable ELU."""
    return F.celu(_f(x), alpha)


def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default, like Keras)."""
    return F.gelu(_f(x), approximate="tanh" if approximate else "none")


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves along ``axis``."""
    x = _f(x)
    if x.shape[axis] % 2:
        raise ValueError(
            f"glu: the size of axis {axis} must be even, received shape {tuple(x.shape)}."
        )
    return F.glu(x, dim=axis)


def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` in (-1, 1), ``x`` above 1."""
    x = _f(x)
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, x, 0.25 * (x + 1) ** 2))


def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` in (-1, 1), 1 above 1."""
    x = _f(x)
    return torch.clamp(0.5 * (x + 1), 0.0, 1.0)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = _f(x)
    return (x + torch.sqrt(x * x + b)) / 2


def _softmax_axes(x, axis):
    if axis is None or isinstance(axis, (tuple, list)):
        return canonical_axis(axis, x.ndim)
    return None


def softmax(x, axis=-1):
    """Softmax over ``axis`` (an int or a tuple of axes)."""
    x = _f(x)
    axes = _softmax_axes(x, axis)
    if axes is None:
        return _keep_logits(torch.softmax(x, dim=axis), x, axis % x.ndim if x.ndim else axis)
    m = torch.amax(x, dim=axes, keepdim=True).detach()
    e = torch.exp(x - m)
    return e / torch.sum(e, dim=axes, keepdim=True)


def log_softmax(x, axis=-1):
    """``log(softmax(x))`` over ``axis``, stably."""
    x = _f(x)
    axes = _softmax_axes(x, axis)
    if axes is None:
        return torch.log_softmax(x, dim=axis)
    return x - torch.logsumexp(x, dim=axes, keepdim=True)


def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex."""
    x = _f(x)
    z = torch.moveaxis(x, axis, -1)
    z_sorted, _ = torch.sort(z, dim=-1, descending=True)
    k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cumsum = torch.cumsum(z_sorted, dim=-1)
    support = (1 + k * z_sorted) > cumsum
    k_z = torch.sum(support, dim=-1, keepdim=True).clamp(min=1)
    tau = (torch.gather(cumsum, -1, k_z - 1) - 1) / k_z.to(z.dtype)
    out = torch.clamp(z - tau, min=0)
    return torch.moveaxis(out, -1, axis)


def polar(abs_, angle):
    """The complex number ``abs_ * exp(1j * angle)``."""
    abs_, angle = promote(abs_, angle)
    if not abs_.is_floating_point():
        abs_, angle = abs_.to(floatx_torch()), angle.to(floatx_torch())
    if abs_.dtype not in (torch.float32, torch.float64):
        abs_, angle = abs_.float(), angle.float()
    return torch.polar(abs_, angle)


# -- one-hot -------------------------------------------------------------------------------------
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding (out-of-range / negative ids give all-zero rows)."""
    if sparse:
        raise ValueError("one_hot: `sparse=True` is not supported by the torch backend.")
    x = to_tensor(x)
    td = floatx_torch() if dtype is None else to_torch_dtype(dtype)
    classes = torch.arange(int(num_classes), device=x.device)
    out = (x.to(torch.int64).unsqueeze(-1) == classes).to(td)
    if axis != -1:
        out = torch.moveaxis(out, -1, axis)
    return out


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding of the ids in the last axis of ``inputs``."""
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot: `num_classes` is required.")
    if sparse:
        raise ValueError("multi_hot: `sparse=True` is not supported by the torch backend.")
    x = to_tensor(inputs)
    td = floatx_torch() if dtype is None else to_torch_dtype(dtype)
    hot = one_hot(x, num_classes, -1, "int32")
    reduce_axis = -2 if x.ndim > 1 else 0
    if x.ndim == 0:
        out = hot
    else:
        out = torch.amax(hot, dim=reduce_axis)
    out = out.to(td)
    if axis != -1 and out.ndim > 1:
        out = torch.moveaxis(out, -1, axis)
    return out


# -- losses --------------------------------------------------------------------------------------
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy (no reduction)."""
    target, output = promote(target, output)
    if not output.is_floating_point():
        target, output = target.to(floatx_torch()), output.to(floatx_torch())
    if target.shape != output.shape:
        raise ValueError(
            "binary_crossentropy: `target` and `output` must have the same shape, received "
            f"{tuple(target.shape)} and {tuple(output.shape)}."
        )
    if not from_logits:
        logits = _logits_of(output)
        if logits is not None and logits.dtype == output.dtype:
            output, from_logits = logits, True
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output) + (1.0 - target) * torch.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between one-hot / soft ``target`` and ``output`` along ``axis``."""
    target, output = promote(target, output)
    if not output.is_floating_point():
        target, output = target.to(floatx_torch()), output.to(floatx_torch())
    if target.shape != output.shape:
        raise ValueError(
            "categorical_crossentropy: `target` and `output` must have the same shape, "
            f"received {tuple(target.shape)} and {tuple(output.shape)}."
        )
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy: inputs must have rank >= 1.")
    if not from_logits:
        logits = _logits_of(output, axis % output.ndim)
        if logits is not None and logits.dtype == output.dtype:
            output, from_logits = logits, True
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    return -torch.sum(target * log_prob, dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class ids ``target``."""
    output = to_float(output)
    target = to_tensor(target)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target.squeeze(-1)
    expected_shape = tuple(d for i, d in enumerate(output.shape) if i != axis % output.ndim)
    if tuple(target.shape) != expected_shape:
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must have the shape of `output` without "
            f"the class axis, received {tuple(target.shape)} and {tuple(output.shape)}."
        )
    if not from_logits:
        logits = _logits_of(output, axis % output.ndim)
        if logits is not None and logits.dtype == output.dtype:
            output, from_logits = logits, True
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    log_prob = torch.moveaxis(log_prob, axis, -1)
    picked = torch.gather(log_prob, -1, target.to(torch.int64).unsqueeze(-1).clamp(min=0))
    return -picked.squeeze(-1)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB over all elements."""
    x1, x2 = promote(x1, x2)
    if not x1.is_floating_point():
        x1, x2 = x1.to(floatx_torch()), x2.to(floatx_torch())
    if x1.shape != x2.shape:
        raise ValueError(
            f"psnr: inputs must have the same shape, received {tuple(x1.shape)} and "
            f"{tuple(x2.shape)}."
        )
    mse = torch.mean((x1 - x2) ** 2)
    return 20.0 * math.log10(float(max_val)) - 10.0 * torch.log10(mse)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC loss; ``output`` holds logits ``(batch, time, classes)``."""
    target = to_tensor(target).to(torch.int64)
    output = to_float(output)
    log_probs = torch.log_softmax(output.to(torch.float32), dim=-1).transpose(0, 1)
    loss = F.ctc_loss(
        log_probs,
        target,
        to_tensor(output_length).to(torch.int64),
        to_tensor(target_length).to(torch.int64),
        blank=int(mask_index),
        reduction="none",
        zero_infinity=False,
    )
    return loss.to(output.dtype)


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decode CTC logits ``(batch, time, classes)`` greedily or by prefix beam search.

    Returns ``(decoded, scores)``: ``decoded`` has shape ``(top_paths, batch, time)`` padded with
    -1; ``scores`` has shape ``(batch, top_paths)``.
    """
    inputs = to_float(inputs)
    lengths = to_tensor(sequence_lengths).to(torch.int64)
    log_probs = torch.log_softmax(inputs.to(torch.float32), dim=-1)
    batch, time, _ = log_probs.shape
    steps = torch.arange(time).unsqueeze(0)
    valid = steps < lengths.unsqueeze(1)
    if strategy == "greedy":
        # Keras scores greedy paths on the raw inputs: -sum of the per-step maxima.
        raw = inputs.to(torch.float32)
        best = torch.argmax(raw, dim=-1)
        best_lp = torch.amax(raw, dim=-1)
        scores = -torch.sum(torch.where(valid, best_lp, torch.zeros_like(best_lp)), dim=1)
        keep = valid & (best != mask_index)
        if merge_repeated:
            prev = torch.cat([torch.full((batch, 1), -1, dtype=best.dtype), best[:, :-1]], dim=1)
            keep &= best != prev
        decoded = torch.full((batch, time), -1, dtype=torch.int32)
        for b in range(batch):
            seq = best[b][keep[b]]
            decoded[b, : seq.shape[0]] = seq.to(torch.int32)
        return decoded.unsqueeze(0), scores.unsqueeze(1).to(inputs.dtype)
    if strategy != "beam_search":
        raise ValueError(
            f"ctc_decode: `strategy` must be 'greedy' or 'beam_search', received {strategy!r}."
        )
    lp = log_probs.detach().cpu().numpy().astype(np.float64)
    decoded = np.full((top_paths, batch, time), -1, dtype=np.int32)
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        paths = _beam_search(
            lp[b, : int(lengths[b])], int(beam_width), int(mask_index), merge_repeated
        )
        for p, (seq, score) in enumerate(paths[:top_paths]):
            decoded[p, b, : len(seq)] = seq
            scores[b, p] = score
    return torch.as_tensor(decoded), torch.as_tensor(scores).to(inputs.dtype)


def _beam_search(lp, beam_width, blank, merge_repeated):
    """CTC prefix beam search on one sequence of log-probabilities ``(time, classes)``."""
    beams = {(): (0.0, -np.inf)}  # prefix -> (log p ending in blank, log p ending in non-blank)
    for t in range(lp.shape[0]):
        nxt: dict = {}

        def add(prefix, pb, pnb, nxt=nxt):
            ob, onb = nxt.get(prefix, (-np.inf, -np.inf))
            nxt[prefix] = (np.logaddexp(ob, pb), np.logaddexp(onb, pnb))

        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            for c in range(lp.shape[1]):
                p = lp[t, c]
                if c == blank:
                    add(prefix, total + p, -np.inf)
                    continue
                last = prefix[-1] if prefix else None
                new_prefix = prefix + (c,)
                if c == last and merge_repeated:
                    add(new_prefix, -np.inf, pb + p)
                    add(prefix, -np.inf, pnb + p)
                else:
                    add(new_prefix, -np.inf, total + p)
        ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))
    return [(list(prefix), float(np.logaddexp(*ps))) for prefix, ps in ranked]


# -- normalization -------------------------------------------------------------------------------
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance over ``axes`` (float16 computed in float32)."""
    x = to_float(x)
    dtype = x.dtype
    if dtype in (torch.float16, torch.bfloat16):
        x = x.float()
    dims = canonical_axis(axes, x.ndim)
    mean = torch.mean(x, dim=dims, keepdim=True)
    # Two-pass variance: exact for large means, unlike E[x^2] - E[x]^2.
    variance = torch.mean(torch.square(x - mean), dim=dims, keepdim=True)
    if not keepdims:
        mean = mean.squeeze(dims)
        variance = variance.squeeze(dims)
    return mean.to(dtype), variance.to(dtype)


def _param(p, x, axis):
    p = to_tensor(p).to(x.dtype)
    if p.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis % x.ndim] = -1
        p = p.reshape(shape)
    return p


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with params along ``axis``."""
    x = _f(x)
    inv = torch.rsqrt(_param(variance, x, axis) + epsilon)
    if scale is not None:
        inv = inv * _param(scale, x, axis)
    out = (x - _param(mean, x, axis)) * inv
    if offset is not None:
        out = out + _param(offset, x, axis)
    return out


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalize over ``axis`` to zero mean / unit variance, then scale and shift."""
    x = _f(x)
    eps = config.epsilon() if epsilon is None else epsilon
    axes = canonical_axis(axis, x.ndim)
    if axes == tuple(range(x.ndim - len(axes), x.ndim)):
        shape = x.shape[x.ndim - len(axes) :]
        compute = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
        g = None if gamma is None else to_tensor(gamma).to(compute.dtype).reshape(shape)
        b = None if beta is None else to_tensor(beta).to(compute.dtype).reshape(shape)
        return F.layer_norm(compute, shape, g, b, eps).to(x.dtype)
    mean, var = moments(x, axes, keepdims=True)
    out = (x - mean) * torch.rsqrt(var + eps)
    if gamma is not None:
        out = out * _param(gamma, x, axes[0]) if to_tensor(gamma).ndim == 1 else out * gamma
    if beta is not None:
        out = out + _param(beta, x, axes[0]) if to_tensor(beta).ndim == 1 else out + beta
    return out


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis``."""
    x = _f(x)
    eps = config.epsilon() if epsilon is None else epsilon
    dims = canonical_axis(axis, x.ndim)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=dims, keepdim=True) + eps)
    if scale is not None:
        scale = to_tensor(scale).to(x.dtype)
        out = out * scale
    return out


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x / max(norm(x, order), epsilon)`` along ``axis``."""
    x = _f(x)
    eps = config.epsilon() if epsilon is None else epsilon
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=eps)


# -- convolution and pooling ---------------------------------------------------------------------
def _data_format(data_format):
    fmt = config.image_data_format() if data_format is None else data_format
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"`data_format` must be 'channels_last' or 'channels_first', received {data_format!r}."
        )
    return fmt


def _tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints, received {value}.")
    return value


def _to_channels_first(x, fmt):
    if fmt == "channels_last":
        return torch.movedim(x, -1, 1)
    return x


def _from_channels_first(x, fmt):
    if fmt == "channels_last":
        return torch.movedim(x, 1, -1)
    return x


def _same_pads(sizes, kernel, strides, dilation):
    """TF 'same' padding per spatial dim as (before, after) pairs."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        k_eff = (k - 1) * d + 1
        out = -(-n // s)
        total = builtins.max((out - 1) * s + k_eff - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _pad_spatial(x, pads, value=0.0):
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    if not builtins.any(flat):
        return x
    return F.pad(x, flat, value=value)


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def _check_padding(padding, op):
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in ("valid", "same", "causal"):
        raise ValueError(f"{op}: `padding` must be 'valid' or 'same', received {padding!r}.")
    return padding


def _conv_prep(inputs, kernel, op):
    inputs = to_tensor(inputs)
    kernel = to_tensor(kernel)
    if inputs.ndim not in (3, 4, 5):
        raise ValueError(
            f"{op}: `inputs` must have rank 3, 4 or 5 (batch, spatial dims, channels), received "
            f"shape {tuple(inputs.shape)}."
        )
    if kernel.ndim != inputs.ndim:
        raise ValueError(
            f"{op}: `kernel` must have rank {inputs.ndim} for {inputs.ndim - 2}D inputs, received "
            f"shape {tuple(kernel.shape)}."
        )
    if inputs.dtype != kernel.dtype or not inputs.is_floating_point():
        inputs, kernel = promote(inputs, kernel)
        if not inputs.is_floating_point():
            inputs, kernel = inputs.to(floatx_torch()), kernel.to(floatx_torch())
    return inputs, kernel


def _run_conv(x, weight, strides, padding, dilation, groups, op):
    n = x.ndim - 2
    strides = _tuple(strides, n, "strides")
    dilation = _tuple(dilation, n, "dilation_rate")
    if padding == "same":
        x = _pad_spatial(x, _same_pads(x.shape[2:], weight.shape[2:], strides, dilation))
    elif padding == "causal":
        k_eff = (weight.shape[2] - 1) * dilation[0] + 1
        x = _pad_spatial(x, [(k_eff - 1, 0)])
    try:
        return _CONV[n](x, weight, None, strides, 0, dilation, groups)
    except RuntimeError as exc:
        raise ValueError(
            f"{op}: invalid configuration for inputs of shape {tuple(x.shape)} (channels first) "
            f"and kernel {tuple(weight.shape)} (torch layout): {exc}"
        ) from None


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution; ``kernel`` is ``(spatial..., in_channels / groups, out_channels)``."""
    padding = _check_padding(padding, "conv")
    fmt = _data_format(data_format)
    inputs, kernel = _conv_prep(inputs, kernel, "conv")
    x = _to_channels_first(inputs, fmt)
    channels = x.shape[1]
    in_per_group = kernel.shape[-2]
    if in_per_group == 0 or channels % in_per_group:
        raise ValueError(
            f"conv: the input channel count ({channels}) must be a multiple of the kernel's "
            f"input-channel axis ({in_per_group}), received inputs {tuple(inputs.shape)} and "
            f"kernel {tuple(kernel.shape)}."
        )
    weight = torch.movedim(kernel, (-1, -2), (0, 1))
    out = _run_conv(x, weight, strides, padding, dilation_rate, channels // in_per_group, "conv")
    return _from_channels_first(out, fmt)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is ``(spatial..., in_channels, multiplier)``."""
    padding = _check_padding(padding, "depthwise_conv")
    fmt = _data_format(data_format)
    inputs, kernel = _conv_prep(inputs, kernel, "depthwise_conv")
    x = _to_channels_first(inputs, fmt)
    channels = x.shape[1]
    if kernel.shape[-2] != channels:
        raise ValueError(
            f"depthwise_conv: the kernel's input-channel axis ({kernel.shape[-2]}) must equal "
            f"the input channel count ({channels})."
        )
    spatial = kernel.shape[:-2]
    weight = kernel.reshape(*spatial, -1)  # (spatial..., in * multiplier)
    weight = torch.movedim(weight, -1, 0).unsqueeze(1)
    out = _run_conv(x, weight, strides, padding, dilation_rate, channels, "depthwise_conv")
    return _from_channels_first(out, fmt)


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


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution; ``kernel`` is ``(spatial..., out_channels, in_channels)``.

    Output sizes follow Keras: ``valid`` gives ``in * s + max(k - s, 0)``, ``same`` gives
    ``in * s`` (or the ``output_padding`` formula). It is computed as the full transposed
    convolution cropped like the gradient of a TF-padded convolution.
    """
    padding = _check_padding(padding, "conv_transpose")
    fmt = _data_format(data_format)
    inputs, kernel = _conv_prep(inputs, kernel, "conv_transpose")
    x = _to_channels_first(inputs, fmt)
    n = x.ndim - 2
    strides = _tuple(strides, n, "strides")
    dilation = _tuple(dilation_rate, n, "dilation_rate")
    if kernel.shape[-1] != x.shape[1]:
        raise ValueError(
            f"conv_transpose: the kernel's last axis ({kernel.shape[-1]}) must equal the input "
            f"channel count ({x.shape[1]}), received inputs {tuple(inputs.shape)} and kernel "
            f"{tuple(kernel.shape)}."
        )
    weight = torch.movedim(kernel, (-1, -2), (0, 1))  # (in, out, spatial...)
    full = _CONV_T[n](x, weight, None, strides, 0, 0, 1, dilation)
    out_pad = None if output_padding is None else _tuple(output_padding, n, "output_padding")
    for i in range(n):
        size_in, s, d = x.shape[2 + i], strides[i], dilation[i]
        k_eff = (kernel.shape[i] - 1) * d + 1
        if out_pad is None:
            target = size_in * s + builtins.max(k_eff - s, 0) if padding == "valid" else size_in * s
        else:
            pad = k_eff // 2 if padding == "same" else 0
            target = (size_in - 1) * s + k_eff - 2 * pad + out_pad[i]
        if padding == "same":
            total = builtins.max((-(-target // s) - 1) * s + k_eff - target, 0)
            start = total // 2
        else:
            start = 0
        axis = 2 + i
        avail = full.shape[axis] - start
        if avail >= target:
            full = full.narrow(axis, start, target)
        else:
            full = full.narrow(axis, start, avail)
            pads = [(0, 0)] * n
            pads[i] = (0, target - avail)
            full = _pad_spatial(full, pads)
    return _from_channels_first(full, fmt)


_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _pool(inputs, pool_size, strides, padding, data_format, kind):
    padding = _check_padding(padding, f"{kind}_pool")
    fmt = _data_format(data_format)
    x = _f(inputs)
    if x.ndim not in (3, 4, 5):
        raise ValueError(
            f"{kind}_pool: `inputs` must have rank 3, 4 or 5, received shape {tuple(x.shape)}."
        )
    x = _to_channels_first(x, fmt)
    n = x.ndim - 2
    pool = _tuple(pool_size, n, "pool_size")
    strides = pool if strides is None else _tuple(strides, n, "strides")
    if kind == "max":
        if padding == "same":
            x = _pad_spatial(x, _same_pads(x.shape[2:], pool, strides, (1,) * n), -math.inf)
        out = _MAX_POOL[n](x, pool, strides)
    else:
        if padding == "same":
            pads = _same_pads(x.shape[2:], pool, strides, (1,) * n)
            if builtins.any(a or b for a, b in pads):
                ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype)
                summed = _AVG_POOL[n](_pad_spatial(x, pads), pool, strides)
                counts = _AVG_POOL[n](_pad_spatial(ones, pads), pool, strides)
                return _from_channels_first(summed / counts, fmt)
        out = _AVG_POOL[n](x, pool, strides)
    return _from_channels_first(out, fmt)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over windows of ``pool_size``."""
    return _pool(inputs, pool_size, strides, padding, data_format, "max")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling (padding excluded from the average with ``padding='same'``)."""
    return _pool(inputs, pool_size, strides, padding, data_format, "average")


_ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


def _adaptive(inputs, output_size, data_format, table):
    fmt = _data_format(data_format)
    x = _f(inputs)
    x = _to_channels_first(x, fmt)
    n = x.ndim - 2
    size = _tuple(output_size, n, "output_size")
    return _from_channels_first(table[n](x, size), fmt)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size``."""
    return _adaptive(inputs, output_size, data_format, _ADAPTIVE_AVG)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size``."""
    return _adaptive(inputs, output_size, data_format, _ADAPTIVE_MAX)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of a channels-first 4-D tensor: ``(N, C*kh*kw, L)``."""
    return F.unfold(_f(x), kernel_size, dilation, padding, stride)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into a channels-first tensor (inverse layout of :func:`unfold`)."""
    return F.fold(_f(x), output_size, kernel_size, dilation, padding, stride)


def depth_to_space(x, block_size, data_format="channels_last"):
    """Move depth blocks into spatial blocks (TF's DCR ordering)."""
    x = to_tensor(x)
    b = int(block_size)
    fmt = _data_format(data_format)
    if fmt == "channels_last":
        n, h, w, c = x.shape
        if c % (b * b):
            raise ValueError(f"depth_to_space: channels ({c}) must be divisible by {b * b}.")
        x = x.reshape(n, h, w, b, b, c // (b * b)).permute(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h * b, w * b, c // (b * b))
    n, c, h, w = x.shape
    if c % (b * b):
        raise ValueError(f"depth_to_space: channels ({c}) must be divisible by {b * b}.")
    x = x.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
    return x.reshape(n, c // (b * b), h * b, w * b)


def space_to_depth(x, block_size, data_format="channels_last"):
    """Move spatial blocks into depth (inverse of :func:`depth_to_space`)."""
    x = to_tensor(x)
    b = int(block_size)
    fmt = _data_format(data_format)
    if fmt == "channels_last":
        n, h, w, c = x.shape
        if h % b or w % b:
            raise ValueError(f"space_to_depth: height and width must be divisible by {b}.")
        x = x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h // b, w // b, b * b * c)
    n, c, h, w = x.shape
    if h % b or w % b:
        raise ValueError(f"space_to_depth: height and width must be divisible by {b}.")
    x = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return x.reshape(n, b * b * c, h // b, w // b)


# -- attention -----------------------------------------------------------------------------------
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
    """Scaled dot-product attention on Keras's ``(batch, seq, heads, head_dim)`` layout.

    ``key`` / ``value`` may have fewer heads than ``query`` (grouped-query attention). ``mask``
    is boolean, True where attention is allowed.
    """
    query, key, value = promote(query, key, value)
    if not query.is_floating_point():
        query, key, value = (t.to(floatx_torch()) for t in (query, key, value))
    if query.ndim not in (3, 4):
        raise ValueError(
            "dot_product_attention: inputs must be (batch, seq, heads, dim) or (batch, seq, dim), "
            f"received query shape {tuple(query.shape)}."
        )
    squeeze = query.ndim == 3
    if squeeze:
        query, key, value = query[:, :, None], key[:, :, None], value[:, :, None]
    heads, kv_heads = query.shape[2], key.shape[2]
    if heads % kv_heads:
        raise ValueError(
            f"dot_product_attention: query heads ({heads}) must be a multiple of key heads "
            f"({kv_heads})."
        )
    if kv_heads != heads:
        key = key.repeat_interleave(heads // kv_heads, dim=2)
        value = value.repeat_interleave(heads // kv_heads, dim=2)
    q, k, v = (t.transpose(1, 2) for t in (query, key, value))  # (B, N, T, H)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    elif isinstance(scale, Tensor):
        scale = float(scale)
    if bias is None and mask is None and attn_logits_soft_cap is None:
        out = F.scaled_dot_product_attention(q, k, v, is_causal=bool(is_causal), scale=scale)
    else:
        logits = torch.matmul(q, k.transpose(-1, -2)) * scale
        if attn_logits_soft_cap is not None:
            logits = torch.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
        if bias is not None:
            bias = to_tensor(bias).to(logits.dtype)
            logits = logits + (bias[:, None] if squeeze and bias.ndim == 3 else bias)
        big_neg = torch.finfo(logits.dtype).min * 0.7
        if mask is not None:
            mask = to_tensor(mask).to(torch.bool)
            if squeeze and mask.ndim == 3:
                mask = mask[:, None]
            logits = torch.where(mask, logits, torch.full_like(logits, big_neg))
        if is_causal:
            t, s = logits.shape[-2:]
            causal = torch.ones((t, s), dtype=torch.bool).tril()
            logits = torch.where(causal, logits, torch.full_like(logits, big_neg))
        probs = torch.softmax(logits.float(), dim=-1).to(q.dtype)
        out = torch.matmul(probs, v)
    out = out.transpose(1, 2)
    return out[:, :, 0] if squeeze else out
