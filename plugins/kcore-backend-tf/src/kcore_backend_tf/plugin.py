"""Entry point of kcore-backend-tf: registers the backend lazily (no tensorflow import here)."""

import kcore
from kcore.records import BackendSpec, DataAdapterSpec, FusedKernelSpec


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


@kcore.hookimpl
def kcore_data_adapters():
    return [
        DataAdapterSpec(
            "tf_data_dataset",
            "kcore_backend_tf.data:adapt",
            handles=("tensorflow.python.data.ops.dataset_ops.DatasetV2",),
        )
    ]


@kcore.hookimpl
def kcore_fused_kernels(backend):
    if backend != "tensorflow":
        return []
    return [FusedKernelSpec("LSTM", "kcore_backend_tf.fused_rnn:lstm", backend="tensorflow")]
