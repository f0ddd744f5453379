"""Convolution layers: Conv1D-3D, their transposes, separable and depthwise convolutions."""
