"""Entry point of kcore-backend-torch: registers the backend lazily (no torch import here)."""

import kcore
from kcore.records import BackendSpec, DataAdapterSpec, FusedKernelSpec


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


@kcore.hookimpl
def kcore_fused_kernels(backend):
    if backend != "torch":
        return []
    fused = "kcore_backend_torch.fused"
    return [
        FusedKernelSpec("Adam", f"{fused}:adam", backend="torch"),
        FusedKernelSpec("AdamW", f"{fused}:adam", backend="torch"),
        FusedKernelSpec("SGD", f"{fused}:sgd", backend="torch"),
        FusedKernelSpec("Dense", f"{fused}:dense", backend="torch"),
        FusedKernelSpec("LSTM", "kcore_backend_torch.fused_rnn:lstm", backend="torch"),
        FusedKernelSpec("GRU", "kcore_backend_torch.fused_rnn:gru", backend="torch"),
        FusedKernelSpec("Conv", "kcore_backend_torch.fused_conv:conv", backend="torch"),
    ]


@kcore.hookimpl
def kcore_data_adapters():
    return [
        DataAdapterSpec(
            "torch_dataloader",
            "kcore_backend_torch.data:adapt",
            handles=("torch.utils.data.dataloader.DataLoader",),
        )
    ]


@kcore.hookimpl
def kcore_layer_base(backend):
    if backend != "torch":
        return None
    from kcore_backend_torch.module import TorchModuleBase

    return TorchModuleBase
