"""The generated ``kcore.ops`` front end: names, signatures, symbolic dispatch."""

from __future__ import annotations

import importlib.util
import inspect
import os
import subprocess
import sys

import pytest

import kcore
from kcore import ops


def test_sub_namespaces_match_groups():
    assert ops.numpy.add is ops.add
    assert ops.nn.softmax is ops.softmax
    assert ops.linalg.qr is ops.qr
    assert ops.image.resize is ops.resize  # kcore also exposes image ops flat


def test_front_end_functions_have_keras_defaults():
    sig = inspect.signature(ops.mean)
    assert list(sig.parameters) == ["x", "axis", "keepdims"]
    assert sig.parameters["keepdims"].default is False
    assert inspect.signature(ops.conv).parameters["padding"].default == "valid"
    assert str(inspect.signature(ops.einsum)) == "(subscripts, *operands, **kwargs)"


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="keras not installed")
def test_signatures_equal_keras_ops():
    """Every kcore.ops name Keras has takes the same parameters with the same defaults."""
    code = (
        "import inspect, json, keras\n"
        "from keras import ops\n"
        "out = {}\n"
        "for mod in (ops, ops.image):\n"
        "    for n in dir(mod):\n"
        "        f = getattr(mod, n)\n"
        "        if n.startswith('_') or not callable(f) or isinstance(f, type): continue\n"
        "        try: out[n] = str(inspect.signature(f))\n"
        "        except (TypeError, ValueError): pass\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, KERAS_BACKEND="numpy")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        pytest.skip(f"keras could not be introspected: {result.stderr[-300:]}")
    import json

    keras_sigs = json.loads(result.stdout.strip().splitlines()[-1])
    mismatched = {
        name: (str(inspect.signature(getattr(ops, name))), sig)
        for name, sig in keras_sigs.items()
        if hasattr(ops, name) and str(inspect.signature(getattr(ops, name))) != sig
    }
    assert mismatched == {}
    missing = sorted(set(keras_sigs) - set(dir(ops)))
    assert len(missing) <= 0.1 * len(keras_sigs), missing


def test_symbolic_shape_and_dtype_need_no_backend():
    x = kcore.KerasTensor((None, 3), dtype="float16")
    assert ops.shape(x) == (None, 3)
    assert ops.dtype(x) == "float16"
    assert ops.ndim(x) == 2
    assert ops.is_tensor(x) is False
    with pytest.raises(TypeError, match="symbolic"):
        ops.convert_to_numpy(x)


def test_keras_tensor_validates_and_refuses_truth_value():
    with pytest.raises(ValueError, match="shape"):
        kcore.KerasTensor((2, -1))
    with pytest.raises(TypeError, match="truth value"):
        bool(kcore.KerasTensor((2,)))
