"""Everything this package does to join kcore: one hook, one lazy record."""

import kcore
from kcore.records import LayerSpec


@kcore.hookimpl
def kcore_layers():
    return [LayerSpec("ExampleScale", "kcore_example_layers.scale:ExampleScale")]
