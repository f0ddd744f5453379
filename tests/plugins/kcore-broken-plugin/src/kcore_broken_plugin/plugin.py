"""Raises on import, as a plugin with a missing dependency would."""

raise ImportError("kcore-broken-plugin needs the package 'frobnicate', which is not installed")
