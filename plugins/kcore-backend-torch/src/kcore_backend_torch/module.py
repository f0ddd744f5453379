"""A kcore model as a ``torch.nn.Module``: ``kcore_backend_torch.as_module(model)``.

The module registers the model's own variables (trainable ones are ``torch.nn.Parameter``s, so the
very same objects), so ``module.parameters()``, ``state_dict()``, torch optimizers, hooks and
``torch.save`` work on kcore's weights directly, and ``module(x)`` calls the model.
"""

from __future__ import annotations

import torch

__all__ = ["KcoreModule", "as_module"]


class KcoreModule(torch.nn.Module):
    """Wraps a built kcore model; parameters are shared, not copied.

    Args:
        model: a built kcore ``Model`` or ``Layer`` on the torch backend.
    """

    def __init__(self, model):
        super().__init__()
        if not getattr(model, "built", False) or not model.weights and not model.built:
            raise ValueError(
                "as_module: the model must be built first (call it on data, or build it with an "
                "Input) so its weights exist."
            )
        object.__setattr__(self, "model", model)  # a kcore model is not an nn.Module child
        for variable in model.variables:
            name = variable.path.replace("/", "__").replace(".", "_")
            value = variable.value
            if isinstance(value, torch.nn.Parameter):
                self.register_parameter(name, value)
            else:
                self.register_buffer(name, value, persistent=True)

    def forward(self, *args, **kwargs):
        return self.model(*args, **kwargs)


def as_module(model) -> KcoreModule:
    """A ``torch.nn.Module`` view of ``model`` sharing its parameters."""
    return KcoreModule(model)
