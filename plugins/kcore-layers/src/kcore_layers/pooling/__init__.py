"""Pooling layers: max / average pooling (1D-3D) and global pooling (one class per module)."""
