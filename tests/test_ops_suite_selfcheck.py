"""Checks of the shared op suite itself (no backend needed): the case table and its references."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from kcore.ops import SIGNATURES
from kcore.testing import ops_cases
from kcore.testing.ops_cases import CASES, build_args, expected_dtypes, flatten, reference

#: names tested outside the table (``test_tensor_introspection`` and dedicated tests).
_TESTED_ELSEWHERE = {
    "shape",
    "ndim",
    "size",
    "dtype",
    "is_tensor",
    "convert_to_numpy",
    "custom_gradient",
    "vectorize",
}
_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}


def test_importing_the_suite_imports_no_framework():
    code = (
        "import sys, kcore.testing.ops_cases, kcore.testing.ops_suite\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'jax', 'tensorflow', 'keras')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_case_ids_are_unique_and_ops_exist():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    unknown = sorted({case.op for case in CASES} - set(SIGNATURES))
    assert unknown == []
    assert all(" " not in i for i in ids)


def test_table_covers_the_front_end():
    covered = {case.op for case in CASES} | _TESTED_ELSEWHERE
    missing = sorted(set(SIGNATURES) - covered)
    assert len(missing) <= 0.1 * len(SIGNATURES), missing


def test_inputs_are_deterministic():
    for case in CASES[::25]:
        a, b = flatten(build_args(case)), flatten(build_args(case))
        for x, y in zip(a, b):
            if isinstance(x, np.ndarray):
                np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.ref is not None])
def test_reference_runs(case):
    """Every NumPy reference evaluates (callables in args are never called by references)."""
    out = reference(case, build_args(case))
    assert out is not None


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="keras not installed")
def test_references_and_dtypes_agree_with_keras_numpy(tmp_path):
    """Keras 3's NumPy backend agrees with every reference and expected dtype (64-bit narrowed)."""
    ids = [c.id for c in CASES if c.keras and not any(callable(a) for a in flatten(c.args))]
    ids_path, out_path = tmp_path / "ids.json", tmp_path / "out.npz"
    ids_path.write_text(json.dumps(ids))
    env = dict(os.environ, KERAS_BACKEND="numpy")
    proc = subprocess.run(
        [sys.executable, "-m", "kcore.testing.ops_cases", "--keras", str(ids_path), str(out_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if proc.returncode == 3:
        pytest.skip("keras cannot be imported")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = np.load(out_path)
    meta = json.loads(str(data["__meta__"]))
    problems = {}
    for cid, info in meta.items():
        if info["status"] != "ok":
            continue  # not supported by Keras' NumPy backend
        case = ops_cases.CASES_BY_ID[cid]
        arrays = [data[f"{cid}::{i}"] for i in range(len(info["dtypes"]))]
        expected = expected_dtypes(case)
        if len(expected) == 1:
            expected = expected * len(arrays)
        for want, got in zip(expected, info["dtypes"]):
            if want is not None and _NARROW.get(want, want) != _NARROW.get(got, got):
                problems[cid] = f"dtype {want} != keras {got}"
        args = build_args(case)
        try:
            if case.check is not None:
                case.check(arrays if len(arrays) > 1 else arrays[0], args)
                continue
            if case.ref is None:
                continue
            refs = flatten(reference(case, args))
            assert len(refs) == len(arrays), f"{len(refs)} outputs != keras {len(arrays)}"
            for ref, got, want in zip(refs, arrays, expected):
                ref = np.asarray(ref)
                assert ref.shape == got.shape, f"shape {ref.shape} != keras {got.shape}"
                name = _NARROW.get(want or got.dtype.name, want or got.dtype.name)
                rtol, atol = case.tol or ops_cases.TOLERANCES.get(name, (1e-4, 1e-5))
                kind = np.complex128 if "c" in (ref.dtype.kind, got.dtype.kind) else np.float64
                np.testing.assert_allclose(
                    got.astype(kind), ref.astype(kind), rtol=rtol, atol=atol, equal_nan=True
                )
        except AssertionError as exc:
            problems[cid] = str(exc).strip().splitlines()[0][:200]
    assert problems == {}
