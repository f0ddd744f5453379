"""Attention layers: Attention, AdditiveAttention, MultiHeadAttention, GroupedQueryAttention."""
