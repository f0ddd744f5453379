"""Core layers: Dense, EinsumDense, Embedding, Activation, Lambda, Masking, Identity.

One public class per module; ``kcore_layers.plugin`` registers them lazily, so this package
imports nothing.
"""
