"""Entry point of kcore-layers: registers its components lazily (nothing heavy imported here)."""

import kcore
from kcore.records import ActivationSpec

# Kept here (not imported from kcore_layers.activations) so registering imports nothing.
_ACTIVATION_NAMES = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    "threshold",
)  # fmt: skip


@kcore.hookimpl
def kcore_activations():
    return [ActivationSpec(name, f"kcore_layers.activations:{name}") for name in _ACTIVATION_NAMES]
