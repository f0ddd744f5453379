"""Core ops (``kcore.ops.core``) on TensorFlow: the tensor boundary, control flow, slicing and
scattering, segment reductions, FFT / STFT and a few math helpers.
"""

from __future__ import annotations

import builtins
import functools
import re

import numpy as np
import tensorflow as tf

from kcore._symbolic import KerasTensor
from kcore.backend.dtypes import standardize_dtype
from kcore_backend_tf._utils import (
    KVariable,
    Tensor,
    convert,
    dynamic_dims,
    promote,
    tf_dtype,
    to_float,
)

# ---------------------------------------------------------------------------------------------
# tensor boundary
# ---------------------------------------------------------------------------------------------


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A ``tf.Tensor`` for ``x``; sparse and ragged inputs are densified (no sparse support)."""
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    elif isinstance(x, tf.RaggedTensor):
        x = x.to_tensor()
    return convert(x, dtype)


def convert_to_numpy(x):
    """A NumPy array holding the value of ``x``."""
    if isinstance(x, KVariable):
        x = x.value
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return np.asarray(x.numpy())
    if isinstance(x, (list, tuple)):
        return np.asarray([convert_to_numpy(item) for item in x])
    return np.asarray(x)


def is_tensor(x):
    """Whether ``x`` is a TensorFlow tensor."""
    return isinstance(x, (tf.Tensor, tf.SparseTensor, tf.RaggedTensor))


def shape(x):
    """The shape as a tuple: static ints, scalar tensors for dims unknown while tracing."""
    if not isinstance(x, (tf.Tensor, tf.Variable)):
        x = convert(x)
    static = x.shape.as_list()
    if None not in static:
        return tuple(static)
    dyn = tf.shape(x)
    return tuple(d if d is not None else dyn[i] for i, d in enumerate(static))


def dtype(x):
    """kcore's dtype name of ``x``."""
    d = getattr(x, "dtype", None)
    if isinstance(d, tf.DType):
        return d.name
    if d is not None:
        return standardize_dtype(d)
    return convert(x).dtype.name


def cast(x, dtype):
    """``x`` converted to ``dtype``."""
    target = tf_dtype(dtype)
    if isinstance(x, Tensor):
        return x if x.dtype == target else tf.cast(x, target)
    return convert(x, target)


def saturate_cast(x, dtype):
    """Cast clamping values to the range of ``dtype``."""
    x = convert(x)
    target = tf_dtype(dtype)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)
    return tf.dtypes.saturate_cast(x, target)


def stop_gradient(variable):
    """``variable`` with gradients blocked."""
    return tf.stop_gradient(convert(variable))


# ---------------------------------------------------------------------------------------------
# math
# ---------------------------------------------------------------------------------------------


def erf(x):
    """The error function."""
    return tf.math.erf(to_float(x))


def erfc(x):
    """The complementary error function."""
    return tf.math.erfc(to_float(x))


def erfinv(x):
    """The inverse error function."""
    x = to_float(x)
    if x.dtype in (tf.float16, tf.bfloat16):
        return tf.cast(tf.math.erfinv(tf.cast(x, tf.float32)), x.dtype)
    return tf.math.erfinv(x)


def rsqrt(x):
    """``1 / sqrt(x)``."""
    return tf.math.rsqrt(to_float(x))


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    return tf.reduce_logsumexp(to_float(x), axis=axis, keepdims=keepdims)


def logdet(x):
    """Log-determinant of (batches of) square matrices."""
    x = to_float(x)
    sign, logabs = tf.linalg.slogdet(x)
    return logabs + tf.math.log(sign)


def cdist(x, y):
    """Pairwise Euclidean distances between the rows of ``x`` and ``y``."""
    x, y = promote(x, y)
    x, y = to_float(x), to_float(y)
    diff = tf.expand_dims(x, -2) - tf.expand_dims(y, -3)
    return tf.sqrt(tf.reduce_sum(tf.square(diff), axis=-1))


def in_top_k(targets, predictions, k):
    """Whether each target is among the top ``k`` predictions of its row."""
    targets = convert(targets)
    predictions = convert(predictions)
    if not targets.dtype.is_integer:
        targets = tf.cast(targets, tf.int32)
    if predictions.dtype != tf.float32:
        predictions = tf.cast(predictions, tf.float32)
    return tf.math.in_top_k(targets, predictions, k)


def top_k(x, k, sorted=True):  # noqa: A002 - Keras's name
    """The ``k`` largest values along the last axis and their int32 indices."""
    x = convert(x)
    if x.dtype == tf.bool:
        values, indices = tf.math.top_k(tf.cast(x, tf.int32), k=k, sorted=sorted)
        return tf.cast(values, tf.bool), indices
    return tf.math.top_k(x, k=k, sorted=sorted)


def unstack(x, num=None, axis=0):
    """Split ``x`` along ``axis`` into a list of tensors."""
    return tf.unstack(convert(x), num=num, axis=axis)


def view_as_complex(x):
    """A complex tensor from a real one whose last axis holds (real, imag)."""
    x = convert(x)
    if x.shape[-1] is not None and x.shape[-1] != 2:
        raise ValueError(
            f"view_as_complex: the last axis must have size 2, received shape {tuple(x.shape)}."
        )
    if not x.dtype.is_floating:
        x = to_float(x)
    if x.dtype not in (tf.float32, tf.float64):
        x = tf.cast(x, tf.float32)
    return tf.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    """A real tensor whose last axis holds (real, imag) of the complex ``x``."""
    x = convert(x)
    if not x.dtype.is_complex:
        raise ValueError(f"view_as_real: input must be complex, received dtype {x.dtype.name}.")
    return tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1)


# ---------------------------------------------------------------------------------------------
# control flow
# ---------------------------------------------------------------------------------------------


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    if isinstance(pred, (bool, np.bool_)) or (isinstance(pred, Tensor) and tf.executing_eagerly()):
        return true_fn() if bool(pred) else false_fn()
    return tf.cond(tf.cast(convert(pred), tf.bool), true_fn, false_fn)


def switch(index, branches, *operands):
    """Call ``branches[index](*operands)``; ``index`` is clamped to the valid range."""
    n = len(branches)
    if isinstance(index, (int, np.integer)) or tf.executing_eagerly():
        i = builtins.min(builtins.max(int(convert(index)), 0), n - 1)
        return branches[i](*operands)
    index = tf.clip_by_value(tf.cast(convert(index), tf.int32), 0, n - 1)
    return tf.switch_case(index, [lambda b=b: b(*operands) for b in branches])


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``."""
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)

    def _body(*args):
        out = body(*args)
        return tuple(out) if is_tuple else (out,)

    out = tf.while_loop(cond, _body, state, maximum_iterations=maximum_iterations)
    if is_tuple:
        return tuple(out)
    return out[0]


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``[lower, upper)``."""
    if isinstance(lower, int) and isinstance(upper, int) and tf.executing_eagerly():
        val = init_val
        for i in range(lower, upper):
            val = body_fun(tf.constant(i, tf.int32), val)
        return val
    lower = tf.cast(convert(lower), tf.int32)
    upper = tf.cast(convert(upper), tf.int32)

    def _body(i, val):
        return i + 1, body_fun(i, val)

    _, val = tf.while_loop(lambda i, val: i < upper, _body, (lower, init_val))
    return val


def _leading_dim(xs):
    leaves = tf.nest.flatten(xs)
    first = convert(leaves[0])
    n = first.shape[0]
    return n if n is not None else tf.shape(first)[0]


def _element(xs, i):
    return tf.nest.map_structure(lambda t: convert(t)[i], xs)


def _output_spec(fn, *example):
    """Output structure of ``fn`` on ``example`` (TensorSpecs), traced without running it."""
    specs = tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), example)
    concrete = tf.function(fn, autograph=False).get_concrete_function(*specs)
    return tf.nest.map_structure(
        lambda t: tf.TensorSpec(t.shape, t.dtype), concrete.structured_outputs
    )


def map(f, xs):  # noqa: A001 - Keras's name
    """Apply ``f`` to each slice of ``xs`` along the leading axis and stack the results."""
    xs = tf.nest.map_structure(convert, xs)
    if tf.executing_eagerly():
        n = _leading_dim(xs)
        outs = [f(_element(xs, i)) for i in range(n)]
        if not outs:
            spec = _output_spec(
                f, tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape[1:], t.dtype), xs)
            )
            return tf.nest.map_structure(lambda s: tf.zeros([0, *s.shape], s.dtype), spec)
        return tf.nest.map_structure(lambda *ys: tf.stack([convert(y) for y in ys]), *outs)
    spec = _output_spec(f, tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape[1:], t.dtype), xs))
    return tf.map_fn(f, xs, fn_output_signature=spec)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, ys)``."""
    if xs is None:
        if length is None:
            raise ValueError("scan: pass `xs` or `length`.")
        n = int(length)
        xs_c = None
    else:
        xs_c = tf.nest.map_structure(convert, xs)
        n = _leading_dim(xs_c)
        if length is not None and isinstance(n, int) and int(length) != n:
            raise ValueError(
                f"scan: `length` ({length}) does not match the leading dim of `xs` ({n})."
            )
    init = tf.nest.map_structure(convert, init)

    def x_at(i):
        return None if xs_c is None else _element(xs_c, i)

    full_unroll = unroll is True or (
        not isinstance(unroll, bool) and isinstance(n, int) and int(unroll) >= n
    )
    if isinstance(n, int) and (tf.executing_eagerly() or full_unroll or n == 0):
        order = range(n - 1, -1, -1) if reverse else range(n)
        carry = init
        ys = []
        for i in order:
            carry, y = f(carry, x_at(i))
            ys.append(y)
        if reverse:
            ys.reverse()
        if not ys:
            x_spec = (
                None
                if xs_c is None
                else tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape[1:], t.dtype), xs_c)
            )
            _, y_spec = (
                _output_spec(f, init, x_spec)
                if x_spec is not None
                else _output_spec(lambda c: f(c, None), init)
            )
            return carry, tf.nest.map_structure(lambda s: tf.zeros([0, *s.shape], s.dtype), y_spec)
        if ys[0] is None:
            return carry, None
        return carry, tf.nest.map_structure(lambda *v: tf.stack([convert(t) for t in v]), *ys)
    # graph mode with a symbolic or long loop: tf.while_loop with TensorArrays
    first = (n - 1) if reverse else 0
    carry0, y0 = f(init, x_at(first))
    y_flat = [] if y0 is None else [convert(t) for t in tf.nest.flatten(y0)]  # ys may be None
    arrays = [
        tf.TensorArray(t.dtype, size=n, element_shape=t.shape).write(first, t) for t in y_flat
    ]
    carry0 = tf.nest.map_structure(convert, carry0)
    # Steps read xs from TensorArrays: slicing xs[i] in the loop would make the gradient of
    # every step a dense tensor of xs's full shape (quadratic in the length).
    x_arrays = (
        []
        if xs_c is None
        else [
            tf.TensorArray(t.dtype, size=n, element_shape=t.shape[1:]).unstack(t)
            for t in tf.nest.flatten(xs_c)
        ]
    )

    def body(step, carry, arrays):
        i = (n - 1 - step) if reverse else step
        x = None if xs_c is None else tf.nest.pack_sequence_as(xs_c, [a.read(i) for a in x_arrays])
        new_carry, y = f(carry, x)
        new_carry = tf.nest.map_structure(
            lambda new, old: tf.cast(convert(new), old.dtype), new_carry, carry
        )
        y_leaves = [] if y is None else tf.nest.flatten(y)
        arrays = [a.write(i, convert(t)) for a, t in zip(arrays, y_leaves)]
        return step + 1, new_carry, arrays

    _, carry, arrays = tf.while_loop(
        lambda step, *_: step < n, body, (tf.constant(1), carry0, arrays), parallel_iterations=32
    )
    if y0 is None:
        return carry, None
    ys = tf.nest.pack_sequence_as(y0, [a.stack() for a in arrays])
    return carry, ys


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of the associative ``f`` along ``axis`` (Blelloch-style, log depth)."""
    leaves = [convert(e) for e in tf.nest.flatten(elems)]
    ndim = leaves[0].shape.rank
    axis = axis % ndim
    if reverse:
        leaves = [tf.reverse(t, [axis]) for t in leaves]

    def combine(a, b):
        out = f(tf.nest.pack_sequence_as(elems, a), tf.nest.pack_sequence_as(elems, b))
        return [convert(t) for t in tf.nest.flatten(out)]

    def take(ts, start, stop=None, step=1):
        sl = [builtins.slice(None)] * ndim
        sl[axis] = builtins.slice(start, stop, step)
        return [t[tuple(sl)] for t in ts]

    def interleave(a, b):
        # a has ceil(n/2) elements, b floor(n/2); result a0 b0 a1 b1 ...
        out = []
        for x, y in zip(a, b):
            na, nb = x.shape[axis], y.shape[axis]
            if na == nb:
                st = tf.stack([x, y], axis=axis + 1)
                shape = dynamic_dims(x)
                shape[axis] = na * 2
                out.append(tf.reshape(st, shape))
            else:
                pad = take([x], -1)[0]
                y2 = tf.concat([y, tf.zeros_like(pad)], axis)
                st = tf.stack([x, y2], axis=axis + 1)
                shape = dynamic_dims(x)
                shape[axis] = na * 2
                out.append(take([tf.reshape(st, shape)], 0, na + nb)[0])
        return out

    def scan_rec(ts):
        n = ts[0].shape[axis]
        if n is None:
            raise ValueError("associative_scan: the scanned axis must have a static size.")
        if n < 2:
            return ts
        reduced = combine(take(ts, 0, -1, 2), take(ts, 1, None, 2))
        odd = scan_rec(reduced)
        if n % 2 == 0:
            even = combine(take(odd, 0, -1), take(ts, 2, None, 2))
        else:
            even = combine(odd, take(ts, 2, None, 2))
        even = [tf.concat([f0, e], axis) for f0, e in zip(take(ts, 0, 1), even)]
        return interleave(even, odd)

    result = scan_rec(leaves)
    if reverse:
        result = [tf.reverse(t, [axis]) for t in result]
    return tf.nest.pack_sequence_as(elems, result)


def vectorized_map(function, elements):
    """``function`` mapped over the leading axis of ``elements`` (``tf.vectorized_map``)."""
    elements = tf.nest.map_structure(convert, elements)
    return tf.vectorized_map(function, elements)


def custom_gradient(f):
    """Decorator: ``f`` returns ``(output, grad_fn)``; see ``tf.custom_gradient``."""
    return tf.custom_gradient(f)


def _parse_signature(signature):
    match = re.fullmatch(r"\s*(.*?)\s*->\s*(.*?)\s*", signature)
    if match is None:
        raise ValueError(f"vectorize: invalid signature {signature!r}.")

    def groups(text):
        return [
            tuple(d.strip() for d in g.split(",") if d.strip())
            for g in re.findall(r"\(([^)]*)\)", text)
        ]

    return groups(match.group(1)), groups(match.group(2))


def vectorize_impl(pyfunc, *, excluded=None, signature=None):
    """A vectorised ``pyfunc`` (NumPy ``vectorize`` semantics) built on ``tf.vectorized_map``."""
    excluded = set(excluded or ())

    def wrapped(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [convert(args[i]) for i in positions]
        if signature is not None:
            in_core, _ = _parse_signature(signature)
            core_ranks = [len(c) for c in in_core]
        else:
            core_ranks = [0] * len(tensors)
        batch_shapes = [dynamic_dims(t)[: t.shape.rank - r] for t, r in zip(tensors, core_ranks)]
        batch = tf.TensorShape(None)
        shape = []
        for s in batch_shapes:
            batch = (
                tf.broadcast_static_shape(batch, tf.TensorShape(s))
                if batch.rank is not None
                else tf.TensorShape(s)
            )
        shape = batch.as_list()
        flat = []
        for t, r in zip(tensors, core_ranks):
            core = dynamic_dims(t)[t.shape.rank - r :]
            t = tf.broadcast_to(t, shape + core)
            flat.append(tf.reshape(t, [-1, *core]))

        def call(elems):
            full = list(args)
            for i, e in zip(positions, elems):
                full[i] = e
            return pyfunc(*full, **kwargs)

        if not shape:
            return pyfunc(*args, **kwargs)
        out = tf.vectorized_map(call, flat)
        return tf.nest.map_structure(lambda o: tf.reshape(o, shape + dynamic_dims(o)[1:]), out)

    return wrapped


# ---------------------------------------------------------------------------------------------
# slicing and scattering
# ---------------------------------------------------------------------------------------------


def slice(inputs, start_indices, shape):  # noqa: A001 - Keras's name
    """The block of ``inputs`` starting at ``start_indices`` with ``shape``."""
    x = convert(inputs)
    start = (
        start_indices
        if isinstance(start_indices, Tensor)
        else [convert(s) if isinstance(s, Tensor) else s for s in start_indices]
    )
    return tf.slice(x, start, shape)


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    x = convert(inputs)
    updates = tf.cast(convert(updates), x.dtype)
    start = tf.cast(
        convert(list(start_indices) if not isinstance(start_indices, Tensor) else start_indices),
        tf.int32,
    )
    u_shape = tf.shape(updates)
    grids = tf.meshgrid(*[tf.range(u_shape[i]) for i in range(updates.shape.rank)], indexing="ij")
    indices = tf.stack(grids, axis=-1) + start
    return tf.tensor_scatter_nd_update(x, indices, updates)


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices``."""
    indices = convert(indices)
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int32)
    values = convert(values)
    return tf.scatter_nd(
        indices,
        values,
        tf.cast(list(shape) if not isinstance(shape, Tensor) else shape, indices.dtype),
    )


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written (or combined with ``reduction``) at ``indices``."""
    x = convert(inputs)
    indices = convert(indices)
    if not indices.dtype.is_integer:
        indices = tf.cast(indices, tf.int32)
    updates = tf.cast(convert(updates), x.dtype)
    if reduction is None:
        return tf.tensor_scatter_nd_update(x, indices, updates)
    if reduction == "add":
        return tf.tensor_scatter_nd_add(x, indices, updates)
    if reduction == "max":
        return tf.tensor_scatter_nd_max(x, indices, updates)
    if reduction == "min":
        return tf.tensor_scatter_nd_min(x, indices, updates)
    if reduction == "mul":
        depth = indices.shape[-1]
        x_shape = tf.shape(x, out_type=indices.dtype)
        outer = x_shape[:depth]
        strides = tf.math.cumprod(outer, exclusive=True, reverse=True)
        flat_idx = tf.reduce_sum(indices * strides, axis=-1)
        n_rows = tf.reduce_prod(outer)
        rows = tf.reshape(x, tf.concat([[n_rows], x_shape[depth:]], 0))
        upd = tf.reshape(updates, tf.concat([[-1], x_shape[depth:]], 0))
        factor = tf.math.unsorted_segment_prod(upd, tf.reshape(flat_idx, [-1]), n_rows)
        return tf.reshape(rows * factor, x_shape)
    raise ValueError(
        f"scatter_update: `reduction` must be None, 'add', 'mul', 'max' or 'min', received {reduction!r}."
    )


def _segment(op, data, segment_ids, num_segments):
    data = convert(data)
    segment_ids = convert(segment_ids)
    if not segment_ids.dtype.is_integer:
        segment_ids = tf.cast(segment_ids, tf.int32)
    if num_segments is None:
        num_segments = tf.reduce_max(segment_ids) + 1
    is_bool = data.dtype == tf.bool
    if is_bool:
        data = tf.cast(data, tf.int32)
    # ids < 0 are dropped like in Keras
    out = op(data, segment_ids, num_segments)
    if data.dtype.is_floating and op in (
        tf.math.unsorted_segment_max,
        tf.math.unsorted_segment_min,
    ):
        # empty segments hold -inf (max) / +inf (min) like NumPy's ufunc.at and JAX
        count = tf.math.unsorted_segment_sum(
            tf.ones_like(segment_ids, tf.int32), segment_ids, num_segments
        )
        count = tf.reshape(
            count, tf.concat([tf.shape(count), tf.ones([tf.rank(out) - 1], tf.int32)], 0)
        )
        fill = -np.inf if op is tf.math.unsorted_segment_max else np.inf
        out = tf.where(count > 0, out, tf.constant(fill, out.dtype))
    return tf.cast(out, tf.bool) if is_bool else out


def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Sum of ``data`` per segment."""
    return _segment(tf.math.unsorted_segment_sum, data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Maximum of ``data`` per segment (the dtype's lowest value for empty segments)."""
    return _segment(tf.math.unsorted_segment_max, data, segment_ids, num_segments)


def segment_min(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Minimum of ``data`` per segment (the dtype's largest value for empty segments)."""
    return _segment(tf.math.unsorted_segment_min, data, segment_ids, num_segments)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Product of ``data`` per segment."""
    return _segment(tf.math.unsorted_segment_prod, data, segment_ids, num_segments)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` samples every ``sequence_stride`` along the last axis."""
    return tf.signal.frame(convert(x), sequence_length, sequence_stride, axis=-1)


# ---------------------------------------------------------------------------------------------
# rearrange (einops-style)
# ---------------------------------------------------------------------------------------------


def _parse_side(side):
    groups = []
    for match in re.finditer(r"\(([^)]*)\)|(\S+)", side):
        if match.group(1) is not None:
            groups.append(match.group(1).split())
        else:
            groups.append([match.group(2)])
    return groups


def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, merge and split axes with an einops pattern such as ``"b (h w) c -> b h w c"``."""
    x = convert(tensor)
    if "->" not in pattern:
        raise ValueError(f"rearrange: pattern must contain '->', received {pattern!r}.")
    left, right = (s.strip() for s in pattern.split("->"))
    lgroups, rgroups = _parse_side(left), _parse_side(right)
    if len(lgroups) != x.shape.rank:
        raise ValueError(
            f"rearrange: pattern {left!r} names {len(lgroups)} axes but the input has rank "
            f"{x.shape.rank} (shape {tuple(x.shape)})."
        )
    dims = dynamic_dims(x)
    sizes = dict(axes_lengths)
    for group, dim in zip(lgroups, dims):
        unknown = [a for a in group if a not in sizes]
        known = 1
        for a in group:
            if a in sizes:
                known *= sizes[a]
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown} in {pattern!r}.")
        if unknown:
            sizes[unknown[0]] = dim // known
    elementary = [a for g in lgroups for a in g]
    x = tf.reshape(x, [sizes[a] for a in elementary])
    r_elementary = [a for g in rgroups for a in g]
    if sorted(r_elementary) != sorted(elementary):
        raise ValueError(f"rearrange: both sides of {pattern!r} must name the same axes.")
    x = tf.transpose(x, [elementary.index(a) for a in r_elementary])
    out_shape = []
    for g in rgroups:
        size = 1
        for a in g:
            size = size * sizes[a]
        out_shape.append(size)
    return tf.reshape(x, out_shape)


# ---------------------------------------------------------------------------------------------
# FFT
# ---------------------------------------------------------------------------------------------


def _symbolic_pair(fn):
    """Route ``(real, imag)`` pairs of ``KerasTensor``s to shape inference.

    The front end only checks ``x`` itself for a ``KerasTensor``; these ops take a tuple.
    """

    @functools.wraps(fn)
    def wrapper(x, *args, **kwargs):
        if isinstance(x, (tuple, list)) and builtins.any(isinstance(t, KerasTensor) for t in x):
            from kcore_backend_tf.symbolic import compute_output_spec

            return compute_output_spec(fn, tuple(x), *args, **kwargs)
        return fn(x, *args, **kwargs)

    return wrapper


def _complex_pair(x, op):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: input must be a tuple (real, imag), received {type(x).__name__}.")
    real, imag = to_float(x[0]), to_float(x[1])
    if real.dtype != imag.dtype:
        real, imag = promote(real, imag)
    if tuple(real.shape) != tuple(imag.shape):
        raise ValueError(
            f"{op}: real and imaginary parts must have the same shape, received "
            f"{tuple(real.shape)} and {tuple(imag.shape)}."
        )
    work = tf.float64 if real.dtype == tf.float64 else tf.float32
    return tf.complex(tf.cast(real, work), tf.cast(imag, work)), real.dtype


def _split_complex(z, dtype):
    return tf.cast(tf.math.real(z), dtype), tf.cast(tf.math.imag(z), dtype)


@_symbolic_pair
def fft(x):
    """1-D FFT over the last axis of ``(real, imag)``; returns ``(real, imag)``."""
    z, dtype = _complex_pair(x, "fft")
    return _split_complex(tf.signal.fft(z), dtype)


@_symbolic_pair
def fft2(x):
    """2-D FFT over the last two axes of ``(real, imag)``."""
    z, dtype = _complex_pair(x, "fft2")
    return _split_complex(tf.signal.fft2d(z), dtype)


@_symbolic_pair
def ifft2(x):
    """2-D inverse FFT over the last two axes of ``(real, imag)``."""
    z, dtype = _complex_pair(x, "ifft2")
    return _split_complex(tf.signal.ifft2d(z), dtype)


def rfft(x, fft_length=None):
    """Real-input FFT over the last axis; returns ``(real, imag)``."""
    x = to_float(x)
    dtype = x.dtype
    work = tf.float64 if dtype == tf.float64 else tf.float32
    n = (
        fft_length
        if fft_length is not None
        else (x.shape[-1] if x.shape[-1] is not None else tf.shape(x)[-1])
    )
    z = tf.signal.rfft(tf.cast(x, work), fft_length=[n])
    return _split_complex(z, dtype)


@_symbolic_pair
def irfft(x, fft_length=None):
    """Inverse of :func:`rfft`: ``(real, imag)`` to a real signal."""
    z, dtype = _complex_pair(x, "irfft")
    if fft_length is None:
        m = z.shape[-1] if z.shape[-1] is not None else tf.shape(z)[-1]
        fft_length = 2 * (m - 1)
    return tf.cast(tf.signal.irfft(z, fft_length=[fft_length]), dtype)


def _stft_window(window, sequence_length, fft_length, dtype):
    if window is None:
        win = tf.ones([sequence_length], dtype)
    elif isinstance(window, str):
        if window == "hann":
            win = tf.signal.hann_window(sequence_length, periodic=True, dtype=dtype)
        elif window == "hamming":
            win = tf.signal.hamming_window(sequence_length, periodic=True, dtype=dtype)
        else:
            raise ValueError(
                f"stft: `window` must be 'hann', 'hamming', a tensor or None, received {window!r}."
            )
    else:
        win = tf.cast(convert(window), dtype)
        if win.shape.rank != 1 or win.shape[0] != sequence_length:
            raise ValueError(
                f"stft: a window tensor must have shape ({sequence_length},), received "
                f"{tuple(win.shape)}."
            )
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    return tf.pad(win, [[left, right]])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform over the last axis; returns ``(real, imag)``."""
    x = to_float(x)
    dtype = x.dtype
    work = tf.float64 if dtype == tf.float64 else tf.float32
    x = tf.cast(x, work)
    if fft_length < sequence_length:
        raise ValueError(
            f"stft: `fft_length` ({fft_length}) must be >= `sequence_length` ({sequence_length})."
        )
    if center:
        pad = [[0, 0]] * (x.shape.rank - 1) + [[fft_length // 2, fft_length // 2]]
        x = tf.pad(x, pad, mode="REFLECT")
    win = _stft_window(window, sequence_length, fft_length, work)
    frames = tf.signal.frame(x, fft_length, sequence_stride, axis=-1)
    z = tf.signal.rfft(frames * win, fft_length=[fft_length])
    return _split_complex(z, dtype)


@_symbolic_pair
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of :func:`stft` by weighted overlap-add."""
    z, dtype = _complex_pair(x, "istft")
    work = tf.float64 if dtype == tf.float64 else tf.float32
    frames = tf.signal.irfft(z, fft_length=[fft_length])
    win = _stft_window(window, sequence_length, fft_length, work)
    frames = frames * win
    signal = tf.signal.overlap_and_add(frames, sequence_stride)
    n_frames = tf.shape(frames)[-2]
    win_sq = tf.signal.overlap_and_add(
        tf.tile(tf.square(win)[None, :], [n_frames, 1]), sequence_stride
    )
    signal = signal / tf.where(win_sq > 1e-11, win_sq, tf.ones_like(win_sq))
    if center:
        start = fft_length // 2
        end = tf.shape(signal)[-1] - fft_length // 2
        signal = signal[..., start:end]
    if length is not None:
        current = tf.shape(signal)[-1]
        pad_amount = tf.maximum(length - current, 0)
        pads = tf.concat([tf.zeros([tf.rank(signal) - 1, 2], tf.int32), [[0, pad_amount]]], 0)
        signal = tf.pad(signal, pads)[..., :length]
    return tf.cast(signal, dtype)
