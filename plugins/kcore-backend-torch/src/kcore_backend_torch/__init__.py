"""kcore-backend-torch: runs kcore on PyTorch.

``kcore_backend_torch.backend`` holds the backend class (loaded by name when selected);
on torch every kcore layer and model is a ``torch.nn.Module`` (see ``kcore_backend_torch.module``).
"""


def as_module(model):
    """The built ``model`` itself, already a ``torch.nn.Module`` (kept for kcore 0.1 code)."""
    from kcore_backend_torch.module import as_module as _as_module

    return _as_module(model)
