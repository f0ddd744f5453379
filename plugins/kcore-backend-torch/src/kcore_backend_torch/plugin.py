"""Entry point of kcore-backend-torch: registers the backend lazily (no torch import here)."""

import kcore
from kcore.records import BackendSpec


@kcore.hookimpl
def kcore_backends():
    return [
        BackendSpec(
            "torch",
            "kcore_backend_torch.backend:TorchBackend",
            framework="torch",
            priority=10,
            description="torch tensors, kcore.ops on torch",
        )
    ]
