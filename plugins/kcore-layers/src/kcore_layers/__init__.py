"""kcore-layers: layer families, activations, initializers, regularizers and constraints for kcore.

Everything here speaks ``kcore.ops`` only; it never imports a framework.
"""
