"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector (one public class per module)."""
