"""Entry point of kcore-backend-jax: registers the backend lazily (no jax import here)."""

import kcore
from kcore.records import BackendSpec


@kcore.hookimpl
def kcore_backends():
    return [
        BackendSpec(
            "jax",
            "kcore_backend_jax.backend:JaxBackend",
            framework="jax",
            priority=20,
            description="jax tensors, kcore.ops on jax",
        )
    ]
