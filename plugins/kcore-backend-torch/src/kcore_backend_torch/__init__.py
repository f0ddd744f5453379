"""kcore-backend-torch: runs kcore on PyTorch.

``kcore_backend_torch.backend`` holds the backend class (loaded by name when selected);
``as_module(model)`` gives a ``torch.nn.Module`` view of a kcore model sharing its parameters.
"""


def as_module(model):
    """A ``torch.nn.Module`` sharing ``model``'s parameters (see ``kcore_backend_torch.module``)."""
    from kcore_backend_torch.module import as_module as _as_module

    return _as_module(model)
