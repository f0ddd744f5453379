"""Weight initializers (``kcore.initializers``), Keras 3's names, defaults and numerics.

The classes live in ``base``, ``constant``, ``random``, ``variance_scaling`` and ``orthogonal``;
``kcore_layers.plugin`` registers them lazily, so this package imports nothing.
"""
