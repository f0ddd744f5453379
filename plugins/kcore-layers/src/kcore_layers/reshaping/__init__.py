"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, cropping, zero-padding, up-sampling."""
