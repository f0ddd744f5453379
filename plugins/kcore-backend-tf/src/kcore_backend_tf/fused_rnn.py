"""A fused LSTM loop for TensorFlow: one ``tf.while_loop`` forward, one hand-written backward.

Registered through ``kcore_fused_kernels`` as ``"LSTM"``; kcore-layers' ``LSTM`` calls it in
place of its generic ``kcore.ops.scan`` loop when the configuration is the standard one (tanh /
sigmoid, no recurrent dropout in training, no unroll...). The numbers are the generic path's,
float rounding aside.

Why it is faster than differentiating the generic loop: TensorFlow's gradient of a
``tf.while_loop`` pushes every intermediate of every step onto stacks and computes the
recurrent kernel's gradient step by step (one small matmul and one accumulation per step). Here
the forward loop keeps only what the backward needs (the gate activations, ``tanh(c_t)`` and
``c_{t-1}``, one concatenated write per step), the gates are re-ordered once per call to (i, f, o, c) so one ``sigmoid`` and one
``tanh`` cover them, and the backward loop runs one matmul per step; the recurrent kernel's
gradient is one matmul over all steps after the loop, and the input projection (``x @ kernel +
bias``, hoisted out of the loop) is differentiated by TensorFlow as usual.

The kernel returns ``(last_output, outputs_or_None, h, c)``, or ``NotImplemented`` for inputs
it does not take (not a float tensor of the weights' dtype, not 3-D, or a mask: masked
sequences use the generic loop).
"""

from __future__ import annotations

import tensorflow as tf

__all__ = ["lstm"]


def _accepts(inputs, kernel, mask) -> bool:
    return (
        mask is None
        and isinstance(inputs, tf.Tensor)
        and inputs.shape.rank == 3
        and inputs.shape[1] != 0
        and inputs.dtype.is_floating
        and inputs.dtype == kernel.dtype
    )


def _ifco_to_ifoc(weight, units):
    """Re-order the last axis from Keras's (i, f, c, o) gate blocks to (i, f, o, c)."""
    return tf.concat(
        [weight[..., : 2 * units], weight[..., 3 * units :], weight[..., 2 * units : 3 * units]],
        axis=-1,
    )


def _lstm_loop(projected, h0, c0, recurrent_kernel, return_sequences):
    """The recurrence over time-major ``projected`` ``(time, batch, 4u)``, gates (i, f, o, c).

    Returns ``(hs, h, c)`` -- every step's output ``(time, batch, u)`` and the final states --
    or ``(h, c)`` without ``return_sequences`` (the backward then has no per-step output
    gradient to add).
    """
    units = recurrent_kernel.shape[0]
    dtype = projected.dtype
    steps = tf.shape(projected)[0]
    static_steps = projected.shape[0]

    @tf.custom_gradient
    def loop(projected, h0, c0, recurrent_kernel):
        z_in = tf.TensorArray(dtype, size=steps, element_shape=h0.shape[:1] + [4 * units])
        z_in = z_in.unstack(projected)

        def body(t, h, c, saved, hs):
            z = z_in.read(t) + tf.matmul(h, recurrent_kernel)
            z_s, z_c = tf.split(z, [3 * units, units], axis=-1)
            s = tf.sigmoid(z_s)
            g = tf.tanh(z_c)
            i, f, o = tf.split(s, 3, axis=-1)
            c_new = f * c + i * g
            tc = tf.tanh(c_new)
            h_new = o * tc
            saved = saved.write(t, tf.concat([s, g, c, tc], axis=-1))
            return t + 1, h_new, c_new, saved, hs.write(t, h_new)

        saved = tf.TensorArray(dtype, size=steps, element_shape=h0.shape[:1] + [6 * units])
        _, h, c, saved, hs = tf.while_loop(
            lambda t, *_: t < steps,
            body,
            (tf.constant(0), h0, c0, saved, tf.TensorArray(dtype, size=steps)),
            parallel_iterations=32,
            maximum_iterations=static_steps,
        )
        hs = hs.stack()

        def grad(*upstream):
            d_hs, d_h, d_c = upstream if return_sequences else (None, *upstream)
            d_h = tf.zeros_like(h) if d_h is None else d_h
            d_c = tf.zeros_like(c) if d_c is None else d_c
            d_out = None
            if d_hs is not None:
                d_out = tf.TensorArray(dtype, size=steps, element_shape=h0.shape).unstack(d_hs)
            r_t = tf.transpose(recurrent_kernel)
            d_z = tf.TensorArray(dtype, size=steps, element_shape=h0.shape[:1] + [4 * units])

            def back(k, dh, dc, d_z):
                t = steps - 1 - k
                s, g, c_prev, tc = tf.split(saved.read(t), [3 * units, units, units, units], -1)
                i, f, o = tf.split(s, 3, axis=-1)
                if d_out is not None:
                    dh = dh + d_out.read(t)
                dc = dc + dh * o * (1 - tc * tc)
                ds = tf.concat([dc * g, dc * c_prev, dh * tc], axis=-1) * (s * (1 - s))
                dz = tf.concat([ds, dc * i * (1 - g * g)], axis=-1)
                return k + 1, tf.matmul(dz, r_t), dc * f, d_z.write(t, dz)

            _, dh0, dc0, d_z = tf.while_loop(
                lambda k, *_: k < steps,
                back,
                (tf.constant(0), d_h, d_c, d_z),
                parallel_iterations=32,
                maximum_iterations=static_steps,
            )
            d_z = d_z.stack()
            h_prev = tf.concat([h0[tf.newaxis], hs[:-1]], axis=0)
            d_recurrent = tf.matmul(
                tf.reshape(h_prev, (-1, units)), tf.reshape(d_z, (-1, 4 * units)), transpose_a=True
            )
            return d_z, dh0, dc0, d_recurrent

        return ((hs, h, c) if return_sequences else (h, c)), grad

    return loop(projected, h0, c0, recurrent_kernel)


def lstm(
    inputs,
    h0,
    c0,
    kernel,
    recurrent_kernel,
    bias,
    go_backwards=False,
    return_sequences=False,
    mask=None,
    zero_output_for_mask=False,
):
    """Keras-layout LSTM over ``inputs`` ``(batch, time, in)``.

    Args:
        inputs: ``(batch, time, in)``.
        h0: initial output ``(batch, units)``.
        c0: initial cell state ``(batch, units)``.
        kernel: ``(in, 4 * units)``, gates i, f, c, o.
        recurrent_kernel: ``(units, 4 * units)``.
        bias: ``(4 * units,)`` or ``None``.
        go_backwards: process the sequence in reverse (outputs in processing order).
        return_sequences: also return every step's output.
        mask: must be ``None`` (masked sequences are declined).
        zero_output_for_mask: unused without a mask.

    Returns:
        ``(last_output, outputs or None, h, c)``, or ``NotImplemented``.
    """
    del zero_output_for_mask
    kernel = tf.convert_to_tensor(kernel)
    if not _accepts(inputs, kernel, mask):
        return NotImplemented
    recurrent_kernel = tf.convert_to_tensor(recurrent_kernel)
    units = recurrent_kernel.shape[0]
    x = tf.reverse(inputs, [1]) if go_backwards else inputs
    x = tf.transpose(x, [1, 0, 2])
    projected = tf.einsum("tbi,ik->tbk", x, _ifco_to_ifoc(kernel, units))
    if bias is not None:
        projected = projected + _ifco_to_ifoc(tf.convert_to_tensor(bias), units)
    result = _lstm_loop(
        projected,
        tf.convert_to_tensor(h0, dtype=inputs.dtype),
        tf.convert_to_tensor(c0, dtype=inputs.dtype),
        _ifco_to_ifoc(recurrent_kernel, units),
        return_sequences,
    )
    if return_sequences:
        hs, h, c = result
        return h, tf.transpose(hs, [1, 0, 2]), h, c
    h, c = result
    return h, None, h, c
