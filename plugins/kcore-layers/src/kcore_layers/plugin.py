"""Entry point of kcore-layers: registers its components lazily (nothing heavy imported here)."""

import kcore
from kcore.records import ActivationSpec

_ACTIVATIONS = "kcore_layers.activations"


@kcore.hookimpl
def kcore_activations():
    from kcore_layers.activations import NAMES

    return [ActivationSpec(name, f"{_ACTIVATIONS}:{name}") for name in NAMES]
