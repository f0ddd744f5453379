"""Test helpers shared by kcore and its plugins.

- :mod:`kcore.testing.ops_cases`: the table of ``kcore.ops`` conformance cases (NumPy only).
- :mod:`kcore.testing.ops_suite`: pytest test functions every backend plugin runs with
  ``from kcore.testing.ops_suite import *``.

Importing this package imports no framework.
"""
