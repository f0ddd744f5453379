"""Normalization layers: Batch, Layer, Group, Unit and Spectral normalization."""
