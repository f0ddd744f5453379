"""Fused optimizer updates for torch: one ``torch._foreach_*`` call per step for all variables.

Registered through ``kcore_fused_kernels``; kcore-optim's optimizers call them instead of their
per-variable ``update_step`` loop. Each gives the generic path's numbers (same formulas, same
order of operations up to float rounding) and declines configurations it does not cover by
returning ``NotImplemented`` before touching anything.
"""

from __future__ import annotations

import torch

__all__ = ["adam", "dense", "sgd"]


def _prepare(variables, grads):
    params = [v.value for v in variables]
    grads = [g if g.dtype == p.dtype else g.to(p.dtype) for g, p in zip(grads, params)]
    return params, grads


def _slots(optimizer, names, variables):
    out = []
    for name in names:
        store = getattr(optimizer, name)
        out.append([store[optimizer._get_variable_index(v)].value for v in variables])
    return out


def adam(optimizer, grads, variables, learning_rate):
    """Adam / AdamW update (Keras formulas; weight decay was already applied by the caller)."""
    if getattr(optimizer, "amsgrad", False):
        return NotImplemented
    beta_1, beta_2, epsilon = (
        float(optimizer.beta_1),
        float(optimizer.beta_2),
        float(optimizer.epsilon),
    )
    # float32 like the generic path: 1 - beta_2**t cancels, so float64 powers would differ by
    # ~1e-5 relative from what kcore-optim's own update computes.
    f32 = torch.float32
    step = optimizer.iterations.value.to(f32) + 1.0
    b1_power = torch.pow(torch.tensor(beta_1, dtype=f32), step)
    b2_power = torch.pow(torch.tensor(beta_2, dtype=f32), step)
    lr = torch.as_tensor(learning_rate, dtype=f32)
    alpha = float(lr * torch.sqrt(1.0 - b2_power) / (1.0 - b1_power))
    with torch.no_grad():
        params, grads = _prepare(variables, grads)
        momentums, velocities = _slots(optimizer, ("_momentums", "_velocities"), variables)
        torch._foreach_lerp_(momentums, grads, 1.0 - beta_1)
        torch._foreach_mul_(velocities, beta_2)
        torch._foreach_addcmul_(velocities, grads, grads, value=1.0 - beta_2)
        denominators = torch._foreach_sqrt(velocities)
        torch._foreach_add_(denominators, epsilon)
        torch._foreach_addcdiv_(params, momentums, denominators, value=-alpha)
    return None


def sgd(optimizer, grads, variables, learning_rate):
    """SGD with optional (Nesterov) momentum, Keras formulas."""
    momentum = float(optimizer.momentum)
    lr = float(learning_rate)
    with torch.no_grad():
        params, grads = _prepare(variables, grads)
        if momentum == 0.0:
            torch._foreach_add_(params, grads, alpha=-lr)
            return None
        (momentums,) = _slots(optimizer, ("momentums",), variables)
        torch._foreach_mul_(momentums, momentum)
        torch._foreach_add_(momentums, grads, alpha=-lr)
        if optimizer.nesterov:
            torch._foreach_add_(params, grads, alpha=-lr)
            torch._foreach_add_(params, momentums, alpha=momentum)
        else:
            torch._foreach_add_(params, momentums)
    return None


def dense(inputs, kernel, bias):
    """``inputs @ kernel + bias`` as one ``torch.addmm`` (2-D float inputs of the kernel's dtype)."""
    if type(inputs) is not torch.Tensor or inputs.dim() != 2 or inputs.dtype != kernel.dtype:
        return NotImplemented
    return torch.addmm(bias, inputs, kernel)
