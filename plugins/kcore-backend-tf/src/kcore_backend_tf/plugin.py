"""Entry point of kcore-backend-tf: registers the backend lazily (no tensorflow import here)."""

import kcore
from kcore.records import BackendSpec


@kcore.hookimpl
def kcore_backends():
    return [
        BackendSpec(
            "tensorflow",
            "kcore_backend_tf.backend:TFBackend",
            framework="tensorflow",
            priority=30,
            description="tensorflow tensors, kcore.ops on tensorflow",
        )
    ]
