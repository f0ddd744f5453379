"""Dtype names, Keras promotion rules, and the tree helpers (no framework needed)."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from kcore import tree
from kcore.backend.dtypes import result_type, standardize_dtype


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (("int32", "float16"), "float16"),
        (("int8", "uint8"), "int16"),
        (("uint32", "int32"), "int64"),
        (("int64", "uint8"), "int64"),
        (("uint64", "int64"), "float32"),
        (("float16", "bfloat16"), "float32"),
        (("bool", "int8"), "int8"),
        (("float32", "float64"), "float64"),
        (("float32", "complex64"), "complex64"),
        (("float64", "complex64"), "complex128"),
        (("int32", 1.5), "float32"),  # Python scalars are weak
        (("float16", 1.5), "float16"),
        (("uint8", 3), "uint8"),
        (("bool", True), "bool"),
        ((1, 2), "int32"),
        ((1.0,), "float32"),
        (("int64", 1.0), "float32"),
    ],
)
def test_result_type_follows_keras(inputs, expected):
    assert result_type(*inputs) == expected


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        ("float32", "float32"),
        (np.float64, "float64"),
        (np.dtype("int8"), "int8"),
        (bool, "bool"),
        (int, "int32"),
        (float, "float32"),
        ("float", "float32"),
        ("double", "float64"),
    ],
)
def test_standardize_dtype(dtype, expected):
    assert standardize_dtype(dtype) == expected


def test_standardize_dtype_rejects_unknown():
    with pytest.raises(ValueError, match="Invalid dtype.*float128"):
        standardize_dtype("float128")


def test_tree_round_trip_with_dicts_and_namedtuples():
    point = collections.namedtuple("Point", "x y")
    structure = {"b": [1, (2, 3)], "a": point(4, None)}
    leaves = tree.flatten(structure)
    assert leaves == [4, None, 1, 2, 3]  # sorted keys, None is a leaf
    doubled = tree.map_structure(lambda v: None if v is None else v * 2, structure)
    assert doubled == {"b": [2, (4, 6)], "a": point(8, None)}
    with pytest.raises(ValueError, match="differ"):
        tree.map_structure(lambda a, b: a, [1, 2], [1])
