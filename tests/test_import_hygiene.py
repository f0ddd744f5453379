"""Importing kcore and its plugins imports no framework; selecting backend X imports only X."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import kcore

FRAMEWORKS = ("torch", "tensorflow", "jax")


def _run(code: str, **env: str) -> str:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KCORE_")}
    full_env.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_import_kcore_and_plugins_imports_no_framework():
    code = (
        "import sys, json, importlib.util\n"
        "import kcore, kcore.ops, kcore.random, kcore.plugins\n"
        "for name in ('kcore_layers', 'kcore_optim', 'kcore_callbacks', 'kcore_zoo'):\n"
        "    if importlib.util.find_spec(name): __import__(name)\n"
        "kcore.plugins.plugin_infos()\n"
        "dir(kcore.layers); dir(kcore.activations)\n"
        "print(json.dumps([m for m in ('torch', 'tensorflow', 'jax') if m in sys.modules]))\n"
    )
    assert json.loads(_run(code)) == []


def test_plugin_system_is_not_built_at_import():
    code = "import kcore, kcore.plugins as p; print(p._system is None)"
    assert _run(code) == "True"


@pytest.mark.parametrize("backend", sorted(kcore.backend.installed_backends()) or ["none"])
def test_selecting_a_backend_imports_only_its_framework(backend):
    if backend == "none":
        pytest.skip("no backend plugin installed")
    spec = kcore.backend.installed_backends()[backend]
    probe = (
        "print(json.dumps(sorted(m for m in ('torch', 'tensorflow', 'jax') if m in sys.modules)))\n"
    )
    # What the framework drags in by itself (TensorFlow imports jax when jax is installed).
    baseline = json.loads(_run(f"import sys, json, {spec.framework}\n" + probe))
    selected = json.loads(
        _run(
            "import sys, json, kcore\nkcore.backend.get_backend()\n" + probe, KCORE_BACKEND=backend
        )
    )
    assert spec.framework in selected
    assert selected == baseline
