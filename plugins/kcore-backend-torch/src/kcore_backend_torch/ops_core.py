"""``kcore.ops.core`` on torch: casting, control flow, scatter / slice / segment ops, FFT.

Control flow runs eagerly as Python loops (torch has no traced ``while``); ``torch.compile``
unrolls or graph-breaks them as it sees fit.
"""

from __future__ import annotations

import builtins
import re

import torch

from kcore import tree
from kcore._symbolic import KerasTensor
from kcore_backend_torch._convert import (
    DTYPE_NAMES,
    Parameter,
    Tensor,
    canonical_axis,
    convert_to_numpy,  # noqa: F401 - part of the op table
    convert_to_tensor,  # noqa: F401 - part of the op table
    floatx_torch,
    is_tensor,  # noqa: F401 - part of the op table
    promote,
    shape_tuple,
    to_float,
    to_tensor,
    to_torch_dtype,
)

_INT32 = torch.int32
_INT64 = torch.int64


# -- dtype and conversion ------------------------------------------------------------------------
def cast(x, dtype):
    """``x`` converted to ``dtype`` (float -> int truncates)."""
    td = to_torch_dtype(dtype)
    tx = type(x)
    if tx is Tensor or tx is Parameter:
        return x if x.dtype == td else x.to(td)
    return convert_to_tensor(x, td)


def saturate_cast(x, dtype):
    """Cast clamping to the target dtype's range (no wrap-around)."""
    x = to_tensor(x)
    td = to_torch_dtype(dtype)
    if td.is_floating_point or td is torch.bool or td.is_complex:
        if td.is_floating_point and x.is_floating_point():
            info = torch.finfo(td)
            x = torch.clamp(x, info.min, info.max)
        return x.to(td)
    info = torch.iinfo(td)
    if x.is_floating_point():
        x = torch.clamp(x.to(torch.float64), info.min, info.max)
        return x.to(td)
    if x.dtype is torch.bool:
        return x.to(td)
    src = torch.iinfo(x.dtype)
    lo = builtins.max(info.min, src.min)
    hi = builtins.min(info.max, src.max)
    return torch.clamp(x, lo, hi).to(td)


def dtype(x):
    """kcore's standard dtype name of ``x``."""
    if isinstance(x, Tensor):
        return DTYPE_NAMES[x.dtype]
    return DTYPE_NAMES[convert_to_tensor(x).dtype]


def shape(x):
    """The static shape as a tuple of ints."""
    if isinstance(x, Tensor):
        return tuple(x.shape)
    return tuple(convert_to_tensor(x).shape)


def stop_gradient(variable):
    """``variable`` detached from the autograd graph."""
    return to_tensor(variable).detach()


# -- math ----------------------------------------------------------------------------------------
def erf(x):
    """The error function."""
    return torch.erf(to_float(x))


def erfc(x):
    """The complementary error function."""
    return torch.erfc(to_float(x))


def erfinv(x):
    """The inverse error function."""
    return torch.erfinv(to_float(x))


def rsqrt(x):
    """``1 / sqrt(x)``."""
    return torch.rsqrt(to_float(x))


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    x = to_float(x)
    dims = tuple(range(x.ndim)) if axis is None else canonical_axis(axis, x.ndim)
    if not dims:
        return x
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def logdet(x):
    """``log(det(x))`` of (batched) square matrices."""
    return torch.logdet(to_float(x))


def cdist(x, y):
    """Pairwise Euclidean distances ``(..., m, d), (..., n, d) -> (..., m, n)``."""
    x, y = promote(x, y)
    if not x.is_floating_point():
        x, y = x.to(floatx_torch()), y.to(floatx_torch())
    return torch.cdist(x, y)


def top_k(x, k, sorted=True):  # noqa: A002 - Keras's name
    """The ``k`` largest values along the last axis and their int32 indices."""
    x = to_tensor(x)
    values, indices = torch.topk(x, int(k), dim=-1, largest=True, sorted=True)
    return values, indices.to(_INT32)


def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the ``k`` largest of its row."""
    targets = to_tensor(targets).to(_INT64)
    predictions = to_float(predictions)
    target_scores = torch.gather(predictions, 1, targets.reshape(-1, 1))
    larger = (predictions > target_scores).sum(dim=1)
    return (larger < int(k)) & ~torch.isnan(target_scores.reshape(-1))


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis`` as a list."""
    x = to_tensor(x)
    if num is not None and x.shape[axis] != num:
        raise ValueError(
            f"unstack: `num` ({num}) must equal the size of axis {axis} ({x.shape[axis]})."
        )
    return list(torch.unbind(x, dim=int(axis)))


def view_as_complex(x):
    """A complex tensor from a trailing (real, imag) axis of size 2."""
    x = to_float(x)
    if x.shape[-1] != 2:
        raise ValueError(
            f"view_as_complex: the last axis must have size 2, received shape {tuple(x.shape)}."
        )
    if x.dtype not in (torch.float32, torch.float64):
        x = x.to(torch.float32)
    return torch.view_as_complex(x.contiguous())


def view_as_real(x):
    """A trailing (real, imag) axis of size 2 from a complex tensor."""
    x = to_tensor(x)
    if not x.is_complex():
        raise TypeError(f"view_as_real: expected a complex tensor, received dtype {x.dtype}.")
    return torch.view_as_real(x)


# -- slicing and scattering ----------------------------------------------------------------------
def _ints(values):
    if isinstance(values, Tensor):
        return [int(v) for v in values.tolist()]
    return [int(v.item()) if isinstance(v, Tensor) else int(v) for v in values]


def slice(inputs, start_indices, shape):  # noqa: A001 - Keras's name
    """The block of ``inputs`` starting at ``start_indices`` with ``shape``."""
    inputs = to_tensor(inputs)
    starts = _ints(start_indices)
    sizes = shape_tuple(shape)
    out = inputs
    for axis, (start, size) in enumerate(zip(starts, sizes)):
        size = out.shape[axis] - start if size == -1 else size
        out = out.narrow(axis, start, size)
    return out


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    inputs = to_tensor(inputs)
    updates = to_tensor(updates).to(inputs.dtype)
    starts = _ints(start_indices)
    index = tuple(builtins.slice(s, s + n) for s, n in zip(starts, updates.shape))
    out = inputs.clone()
    out[index] = updates
    return out


def _scatter_index(indices):
    indices = to_tensor(indices).to(_INT64)
    return tuple(indices[..., i] for i in range(indices.shape[-1]))


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates sum)."""
    values = to_tensor(values)
    out = torch.zeros(shape_tuple(shape), dtype=values.dtype)
    return out.index_put(_scatter_index(indices), values, accumulate=True)


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices`` (or combined via ``reduction``).

    Args:
        reduction: ``None`` (replace), ``"add"``, ``"max"``, ``"min"`` or ``"mul"``.
    """
    inputs = to_tensor(inputs)
    updates = to_tensor(updates).to(inputs.dtype)
    index = _scatter_index(indices)
    if reduction is None:
        return inputs.index_put(index, updates)
    if reduction == "add":
        return inputs.index_put(index, updates, accumulate=True)
    reduce = {"max": "amax", "min": "amin", "mul": "prod", "multiply": "prod", "prod": "prod"}.get(
        reduction
    )
    if reduce is None:
        raise ValueError(
            "scatter_update: `reduction` must be None, 'add', 'max', 'min' or 'mul', received "
            f"{reduction!r}."
        )
    k = len(index)
    lead = inputs.shape[:k]
    flat_index = torch.zeros_like(index[0])
    for i, idx in enumerate(index):
        flat_index = flat_index * lead[i] + idx
    flat_in = inputs.reshape(-1, *inputs.shape[k:])
    flat_up = updates.reshape(-1, *inputs.shape[k:])
    flat_index = flat_index.reshape(-1)
    expand = flat_index.reshape(-1, *([1] * (flat_in.ndim - 1))).expand_as(flat_up)
    out = flat_in.scatter_reduce(0, expand, flat_up, reduce=reduce, include_self=True)
    return out.reshape(inputs.shape)


def _segment(reduce, name):
    def op(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002 - Keras's name
        data = to_tensor(data)
        ids = to_tensor(segment_ids).to(_INT64)
        if ids.ndim != 1 or ids.shape[0] != data.shape[0]:
            raise ValueError(
                f"{name}: `segment_ids` must be 1-D with one id per row of `data`, received "
                f"shapes {tuple(ids.shape)} and {tuple(data.shape)}."
            )
        n = (
            int(num_segments)
            if num_segments is not None
            else (int(ids.max()) + 1 if ids.numel() else 0)
        )
        # Ids outside [0, n) are dropped, like tf.math.unsorted_segment_*.
        keep = (ids >= 0) & (ids < n)
        if not bool(keep.all()):
            data, ids = data[keep], ids[keep]
        out_shape = (n, *data.shape[1:])
        if reduce == "sum":
            return torch.zeros(out_shape, dtype=data.dtype).index_add(0, ids, data)
        if data.is_floating_point():
            identity = {"amax": -float("inf"), "amin": float("inf"), "prod": 1.0}[reduce]
        elif data.dtype is torch.bool:
            identity = {"amax": False, "amin": True, "prod": True}[reduce]
        else:
            info = torch.iinfo(data.dtype)
            identity = {"amax": info.min, "amin": info.max, "prod": 1}[reduce]
        base = torch.full(out_shape, identity, dtype=data.dtype)
        index = ids.reshape(-1, *([1] * (data.ndim - 1))).expand_as(data)
        return base.scatter_reduce(0, index, data, reduce=reduce, include_self=True)

    op.__name__ = name
    return op


segment_sum = _segment("sum", "segment_sum")
segment_max = _segment("amax", "segment_max")
segment_min = _segment("amin", "segment_min")
segment_prod = _segment("prod", "segment_prod")


# -- control flow --------------------------------------------------------------------------------
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()`` (evaluated eagerly)."""
    if isinstance(pred, Tensor):
        pred = bool(pred.item() if pred.numel() == 1 else pred)
    return true_fn() if pred else false_fn()


def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clamped into range like Keras."""
    index = int(index.item() if isinstance(index, Tensor) else index)
    index = builtins.max(0, builtins.min(index, len(branches) - 1))
    return branches[index](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds.

    A single (non-tuple) ``loop_vars`` is passed and returned as is.
    """
    is_sequence = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_sequence else (loop_vars,)
    state = tree.map_structure(
        lambda v: to_tensor(v) if isinstance(v, (int, float, bool)) or is_tensor_like(v) else v,
        state,
    )
    steps = 0
    while maximum_iterations is None or steps < maximum_iterations:
        if not bool(cond(*state)):
            break
        out = body(*state)
        state = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        steps += 1
    return type(loop_vars)(state) if is_sequence else state[0]


def is_tensor_like(v):
    return isinstance(v, Tensor) or hasattr(v, "__array__")


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    lower = int(lower.item() if isinstance(lower, Tensor) else lower)
    upper = int(upper.item() if isinstance(upper, Tensor) else upper)
    val = init_val
    for i in range(lower, upper):
        val = body_fun(i, val)
    return val


def _leading(structure):
    leaves = tree.flatten(structure)
    if not leaves:
        raise ValueError("The input structure holds no tensors to iterate over.")
    return to_tensor(leaves[0]).shape[0]


def _stack_structures(outputs):
    if not outputs:
        return outputs
    flat = [tree.flatten(o) for o in outputs]
    stacked = [torch.stack([to_tensor(f[i]) for f in flat]) for i in range(len(flat[0]))]
    return tree.pack_sequence_as(outputs[0], stacked)


def map(f, xs):  # noqa: A001 - Keras's name
    """``f`` applied to each slice of ``xs`` along axis 0, results stacked."""
    n = _leading(xs)
    leaves = [to_tensor(v) for v in tree.flatten(xs)]
    outputs = [f(tree.pack_sequence_as(xs, [v[i] for v in leaves])) for i in range(n)]
    return _stack_structures(outputs)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop ``carry, y = f(carry, x)`` over ``xs`` (or ``length`` steps); return carry, ys."""
    if xs is None:
        if length is None:
            raise ValueError("scan: `length` is required when `xs` is None.")
        n = int(length)
        leaves = None
    else:
        leaves = [to_tensor(v) for v in tree.flatten(xs)]
        n = leaves[0].shape[0] if leaves else int(length)
        if length is not None and int(length) != n:
            raise ValueError(f"scan: `length` ({length}) must match the leading axis of xs ({n}).")
    carry = init
    ys = []
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if leaves is None else tree.pack_sequence_as(xs, [v[i] for v in leaves])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys:
        return carry, None
    if builtins.all(y is None for y in ys):
        return carry, None
    return carry, _stack_structures(ys)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive prefix scan of the associative ``f`` over ``axis``.

    Uses the Hillis-Steele scheme: ``log2(n)`` calls of ``f`` on whole shifted tensors, so ``f``
    must work elementwise on batches (as in JAX).
    """
    leaves = [to_tensor(v) for v in tree.flatten(elems)]
    if not leaves:
        return elems
    ax = axis % leaves[0].ndim
    if reverse:
        leaves = [torch.flip(v, (ax,)) for v in leaves]
    n = leaves[0].shape[ax]
    offset = 1
    while offset < n:
        prev = [v.narrow(ax, 0, n - offset) for v in leaves]
        cur = [v.narrow(ax, offset, n - offset) for v in leaves]
        combined = f(tree.pack_sequence_as(elems, prev), tree.pack_sequence_as(elems, cur))
        combined = [to_tensor(c) for c in tree.flatten(combined)]
        leaves = [
            torch.cat([v.narrow(ax, 0, offset), c.to(v.dtype)], dim=ax)
            for v, c in zip(leaves, combined)
        ]
        offset *= 2
    if reverse:
        leaves = [torch.flip(v, (ax,)) for v in leaves]
    return tree.pack_sequence_as(elems, leaves)


def vectorized_map(function, elements):
    """``function`` mapped over axis 0 of ``elements`` with ``torch.vmap`` (loop fallback)."""
    try:
        return torch.vmap(function)(elements)
    except (RuntimeError, TypeError, ValueError, NotImplementedError):
        return map(function, elements)


def custom_gradient(f):
    """Decorate ``f(*args) -> (output, grad_fn)`` so autograd uses ``grad_fn(upstream)``.

    ``grad_fn`` receives the upstream gradient positionally and returns one gradient per tensor
    argument (a single tensor when there is one argument).
    """

    def wrapped(*args, **kwargs):
        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor) or hasattr(a, "value")]

        class _Fn(torch.autograd.Function):
            @staticmethod
            def forward(ctx, *inputs):
                call_args = list(args)
                for i, t in zip(tensor_pos, inputs):
                    call_args[i] = t
                with torch.enable_grad():
                    output, grad_fn = f(*call_args, **kwargs)
                ctx.grad_fn = grad_fn
                return tree.map_structure(
                    lambda o: o.detach() if isinstance(o, Tensor) else o, output
                )

            @staticmethod
            def backward(ctx, *upstream):
                grads = ctx.grad_fn(*upstream)
                if not isinstance(grads, (tuple, list)):
                    grads = (grads,)
                return tuple(None if g is None else to_tensor(g) for g in grads)

        inputs = [to_tensor(args[i]) for i in tensor_pos]
        return _Fn.apply(*inputs)

    return wrapped


# -- signal processing ---------------------------------------------------------------------------
def _symbolic_pair(fn, x, *args):
    """Shape inference when ``x`` is a (real, imag) pair of ``KerasTensor``s.

    The generated front end only checks ``x`` itself for a KerasTensor, so a tuple of them
    reaches the backend; route it to ``compute_output_spec`` here.
    """
    if isinstance(x, (tuple, list)) and builtins.any(isinstance(v, KerasTensor) for v in x):
        from kcore_backend_torch.symbolic import compute_output_spec

        return compute_output_spec(fn, x, *args)
    return None


def _complex_pair(x, name):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{name}: `x` must be a tuple (real, imag) of tensors, received {type(x)}."
        )
    real, imag = promote(x[0], x[1])
    if not real.is_floating_point():
        real, imag = real.to(floatx_torch()), imag.to(floatx_torch())
    if real.shape != imag.shape:
        raise ValueError(
            f"{name}: real and imaginary parts must have the same shape, received "
            f"{tuple(real.shape)} and {tuple(imag.shape)}."
        )
    compute = torch.float64 if real.dtype == torch.float64 else torch.float32
    return torch.complex(real.to(compute), imag.to(compute)), real.dtype


def fft(x):
    """1-D FFT over the last axis of ``(real, imag)``; returns ``(real, imag)``."""
    spec = _symbolic_pair(fft, x)
    if spec is not None:
        return spec
    z, dt = _complex_pair(x, "fft")
    out = torch.fft.fft(z, dim=-1)
    return out.real.to(dt), out.imag.to(dt)


def fft2(x):
    """2-D FFT over the last two axes of ``(real, imag)``."""
    spec = _symbolic_pair(fft2, x)
    if spec is not None:
        return spec
    z, dt = _complex_pair(x, "fft2")
    out = torch.fft.fft2(z, dim=(-2, -1))
    return out.real.to(dt), out.imag.to(dt)


def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``(real, imag)``."""
    spec = _symbolic_pair(ifft2, x)
    if spec is not None:
        return spec
    z, dt = _complex_pair(x, "ifft2")
    out = torch.fft.ifft2(z, dim=(-2, -1))
    return out.real.to(dt), out.imag.to(dt)


def rfft(x, fft_length=None):
    """Real-input FFT over the last axis; returns ``(real, imag)``."""
    x = to_float(x)
    out = torch.fft.rfft(x, n=fft_length, dim=-1)
    return out.real.to(x.dtype), out.imag.to(x.dtype)


def irfft(x, fft_length=None):
    """Inverse of :func:`rfft` from ``(real, imag)``."""
    spec = _symbolic_pair(irfft, x, fft_length)
    if spec is not None:
        return spec
    z, dt = _complex_pair(x, "irfft")
    return torch.fft.irfft(z, n=fft_length, dim=-1).to(dt)


def _window_tensor(window, sequence_length, fft_length, dtype):
    if window is None:
        win = torch.ones(sequence_length, dtype=dtype)
    elif isinstance(window, str):
        if window == "hann":
            win = torch.hann_window(sequence_length, periodic=True, dtype=torch.float64)
        elif window == "hamming":
            win = torch.hamming_window(sequence_length, periodic=True, dtype=torch.float64)
        else:
            raise ValueError(
                f"stft: `window` must be 'hann', 'hamming', a tensor or None, received {window!r}."
            )
    else:
        win = to_tensor(window)
        if win.ndim != 1 or win.shape[0] != sequence_length:
            raise ValueError(
                f"stft: a window tensor must have shape ({sequence_length},), received "
                f"{tuple(win.shape)}."
            )
    win = win.to(dtype)
    if sequence_length < fft_length:
        left = (fft_length - sequence_length) // 2
        win = torch.nn.functional.pad(win, (left, fft_length - sequence_length - left))
    return win


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform of the last axis; returns ``(real, imag)``.

    Output shape: ``(..., num_frames, fft_length // 2 + 1)``.
    """
    x = to_float(x)
    dt = x.dtype
    compute = torch.float64 if dt == torch.float64 else torch.float32
    lead = x.shape[:-1]
    flat = x.reshape(-1, x.shape[-1]).to(compute)
    win = _window_tensor(window, sequence_length, fft_length, compute)
    if center:
        pad = fft_length // 2
        flat = torch.nn.functional.pad(flat[:, None], (pad, pad), mode="reflect")[:, 0]
    frames = flat.unfold(-1, fft_length, sequence_stride) * win
    out = torch.fft.rfft(frames, n=fft_length, dim=-1)
    out = out.reshape(*lead, *out.shape[-2:])
    return out.real.to(dt), out.imag.to(dt)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of :func:`stft` by windowed overlap-add."""
    spec = _symbolic_pair(
        istft, x, sequence_length, sequence_stride, fft_length, length, window, center
    )
    if spec is not None:
        return spec
    z, dt = _complex_pair(x, "istft")
    compute = z.real.dtype
    frames = torch.fft.irfft(z, n=fft_length, dim=-1)  # (..., num_frames, fft_length)
    win = _window_tensor(window, sequence_length, fft_length, compute)
    frames = frames * win
    lead = frames.shape[:-2]
    num_frames = frames.shape[-2]
    frames = frames.reshape(-1, num_frames, fft_length)
    out_len = fft_length + sequence_stride * (num_frames - 1)
    fold = torch.nn.functional.fold
    signal = fold(
        frames.transpose(1, 2), (1, out_len), (1, fft_length), stride=(1, sequence_stride)
    ).reshape(frames.shape[0], out_len)
    wsq = (win**2).reshape(1, fft_length, 1).expand(1, fft_length, num_frames)
    norm = fold(wsq, (1, out_len), (1, fft_length), stride=(1, sequence_stride)).reshape(out_len)
    signal = signal / torch.where(norm > 1e-10, norm, torch.ones_like(norm))
    if center:
        pad = fft_length // 2
        signal = signal[:, pad : out_len - pad]
    if length is not None:
        cur = signal.shape[-1]
        if cur >= length:
            signal = signal[:, :length]
        else:
            signal = torch.nn.functional.pad(signal, (0, length - cur))
    return signal.reshape(*lead, signal.shape[-1]).to(dt)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of the last axis: ``(..., n) -> (..., num_frames, sequence_length)``."""
    x = to_tensor(x)
    return x.unfold(-1, int(sequence_length), int(sequence_stride))


# -- rearrange (einops-style) --------------------------------------------------------------------
def _parse_side(side):
    tokens = re.findall(r"\(|\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\d+", side)
    groups = []
    current = None
    for tok in tokens:
        if tok == "(":
            if current is not None:
                raise ValueError(f"rearrange: nested parentheses are not allowed in {side!r}.")
            current = []
        elif tok == ")":
            if current is None:
                raise ValueError(f"rearrange: unbalanced parentheses in {side!r}.")
            groups.append(current)
            current = None
        elif current is not None:
            current.append(tok)
        else:
            groups.append([tok])
    if current is not None:
        raise ValueError(f"rearrange: unbalanced parentheses in {side!r}.")
    return groups


def rearrange(tensor, pattern, **axes_lengths):
    """Reorder / merge / split axes by an einops pattern like ``"b (h w) c -> b h w c"``."""
    x = to_tensor(tensor)
    if "->" not in pattern:
        raise ValueError(f"rearrange: `pattern` needs '->', received {pattern!r}.")
    left, right = (s.strip() for s in pattern.split("->"))
    lhs = _parse_side(left)
    rhs = _parse_side(right)
    n_ellipsis_dims = 0
    if ["..."] in lhs:
        n_ellipsis_dims = x.ndim - (len(lhs) - 1)
    elif len(lhs) != x.ndim:
        raise ValueError(
            f"rearrange: the pattern {left!r} has {len(lhs)} axes but the input has rank {x.ndim}."
        )
    sizes = dict(axes_lengths)
    elementary = []
    dim = 0
    for group in lhs:
        if group == ["..."]:
            names = [f"...{i}" for i in range(n_ellipsis_dims)]
            for i, name in enumerate(names):
                sizes[name] = x.shape[dim + i]
            elementary += names
            dim += n_ellipsis_dims
            continue
        total = x.shape[dim]
        unknown = [n for n in group if n not in sizes and not n.isdigit()]
        known = 1
        for n in group:
            if n.isdigit():
                known *= int(n)
            elif n in sizes:
                known *= sizes[n]
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown} in {pattern!r}.")
        if unknown:
            if total % known:
                raise ValueError(f"rearrange: axis of size {total} cannot be split as {group}.")
            sizes[unknown[0]] = total // known
        elif known != total:
            raise ValueError(
                f"rearrange: axis of size {total} does not match {group} (product {known})."
            )
        elementary += [n for n in group if not n.isdigit()]
        dim += 1
    x = x.reshape([sizes[n] for n in elementary])
    order = []
    out_shape = []
    for group in rhs:
        if group == ["..."]:
            names = [n for n in elementary if n.startswith("...")]
            order += [elementary.index(n) for n in names]
            out_shape += [sizes[n] for n in names]
            continue
        size = 1
        for n in group:
            if n.isdigit():
                size *= int(n)
                continue
            if n not in elementary:
                raise ValueError(f"rearrange: axis {n!r} of the output is not in the input.")
            order.append(elementary.index(n))
            size *= sizes[n]
        out_shape.append(size)
    if sorted(order) != list(range(len(elementary))):
        raise ValueError(f"rearrange: every input axis must appear in the output of {pattern!r}.")
    return x.permute(*order).reshape(out_shape)
