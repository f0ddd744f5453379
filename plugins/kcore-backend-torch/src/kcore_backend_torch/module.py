"""On torch every kcore layer and model *is* a ``torch.nn.Module``.

The core asks the ``kcore_layer_base`` hook for a base class when a backend loads; this plugin
answers :class:`TorchModuleBase`. Its module state is *derived* from kcore's own tracking instead
of being registered through ``nn.Module.__setattr__``:

- ``_parameters``: the layer's own variables whose value is a ``torch.nn.Parameter`` (the very
  objects kcore trains, so ``model.parameters()`` feeds a torch optimizer directly); non-trainable
  float variables are Parameters with ``requires_grad=False``, as in Keras on torch;
- ``_buffers``: the layer's own non-float variables (plain tensors);
- ``_modules``: the layer's direct sub-layers, keyed by layer name.

So ``parameters()``, ``named_parameters()``, ``state_dict()`` / ``load_state_dict()`` (in
place), ``train()`` / ``eval()``, ``zero_grad()``, ``requires_grad_()`` and nesting a kcore model
inside a torch module all work, while attribute access stays plain Python (kcore's
``__setattr__`` and ``__call__`` win; ``forward`` calls the layer). Torch forward hooks are stored
but never fire: kcore's ``__call__`` runs, not ``nn.Module``'s.
"""

from __future__ import annotations

from collections import OrderedDict

import torch

__all__ = ["TorchModuleBase", "as_module"]

# nn.Module's per-instance bookkeeping, created on first use: kcore layers never run
# ``nn.Module.__init__`` (they may even predate the torch backend being loaded).
_HOOK_DICTS = (
    "_backward_pre_hooks",
    "_backward_hooks",
    "_forward_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_hooks_always_called",
    "_forward_pre_hooks",
    "_forward_pre_hooks_with_kwargs",
    "_state_dict_hooks",
    "_state_dict_pre_hooks",
    "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks",
)


def _key(name: str, taken: set) -> str:
    key = name.replace(".", "_").replace("/", "_") or "variable"
    base, i = key, 1
    while key in taken:
        key, i = f"{base}_{i}", i + 1
    taken.add(key)
    return key


class TorchModuleBase(torch.nn.Module):
    """``torch.nn.Module`` behaviour for kcore layers, with state derived from kcore tracking."""

    training = True
    _is_full_backward_hook = None
    call_super_init = False

    # kcore's Layer.__setattr__ runs first; these keep nn.Module's registration out of the way.
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__

    def __getattr__(self, name):
        if name in _HOOK_DICTS:
            value = OrderedDict()
            object.__setattr__(self, name, value)
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def _parameters(self):
        taken: set = set()
        return OrderedDict(
            (_key(v.name, taken), v.value)
            for v in self.__dict__.get("_own_variables", ())
            if isinstance(v.value, torch.nn.Parameter)
        )

    @property
    def _buffers(self):
        taken = set(self._parameters)
        return OrderedDict(
            (_key(v.name, taken), v.value)
            for v in self.__dict__.get("_own_variables", ())
            if not isinstance(v.value, torch.nn.Parameter)
        )

    @property
    def _non_persistent_buffers_set(self):
        return set()

    @property
    def _modules(self):
        taken: set = set()
        return OrderedDict(
            (_key(layer.name, taken), layer) for layer in self.__dict__.get("_layers", ())
        )

    def __setstate__(self, state):
        # nn.Module's version re-creates its own bookkeeping, some of which is derived here.
        self.__dict__.update(state)

    def forward(self, *args, **kwargs):
        """Call the layer (``layer(*args, **kwargs)``), for code that calls ``forward``."""
        return self(*args, **kwargs)


def as_module(model):
    """The model itself: on torch every kcore layer is already a ``torch.nn.Module``.

    Kept for code written against kcore 0.1; checks the model is built so its weights exist.
    """
    if not getattr(model, "built", False):
        raise ValueError(
            "as_module: the model must be built first (call it on data, or build it with an "
            "Input) so its weights exist."
        )
    return model
