"""A third-party package joins kcore through its entry point alone.

These tests pip-install fixture packages into the running environment, so they run only when
``KCORE_TEST_INSTALL=1`` (the ``third_party`` nox session sets it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("KCORE_TEST_INSTALL") != "1",
    reason="installs packages into the environment; run via `nox -s third_party`",
)

FIXTURES = Path(__file__).parent / "plugins"


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def _probe(code: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCORE_")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


LAYER_PROBE = """
import json, numpy as np, kcore
out = {"listed": "ExampleScale" in dir(kcore.layers)}
try:
    layer = kcore.layers.ExampleScale(3.0)
    out["value"] = kcore.ops.convert_to_numpy(layer(np.ones((2,), "float32"))).tolist()
except AttributeError as exc:
    out["error"] = str(exc)
print(json.dumps(out))
"""


def test_installed_layer_package_appears_and_disappears():
    _pip("install", "--no-deps", "--no-build-isolation", str(FIXTURES / "kcore-example-layers"))
    try:
        present = _probe(LAYER_PROBE)
        assert present == {"listed": True, "value": [3.0, 3.0]}
    finally:
        _pip("uninstall", "-y", "kcore-example-layers")
    absent = _probe(LAYER_PROBE)
    assert absent["listed"] is False
    assert "No installed kcore plugin provides the layer 'ExampleScale'" in absent["error"]


BROKEN_PROBE = """
import json, warnings, kcore
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    infos = {i.name: i for i in kcore.plugins.plugin_infos()}
info = infos["kcore-broken-plugin"]
print(json.dumps({"status": info.status, "error": info.error.splitlines()[0],
                  "warned": any("kcore-broken-plugin" in str(w.message) for w in caught),
                  "backend": kcore.backend.backend()}))
"""


def test_broken_installed_plugin_is_reported_and_kcore_still_works():
    _pip("install", "--no-deps", "--no-build-isolation", str(FIXTURES / "kcore-broken-plugin"))
    try:
        probe = _probe(BROKEN_PROBE)
        cli = subprocess.run(
            [sys.executable, "-m", "kcore", "plugins", "--json"], capture_output=True, text=True
        )
    finally:
        _pip("uninstall", "-y", "kcore-broken-plugin")
    assert probe["status"] == "failed" and probe["warned"]
    assert "frobnicate" in probe["error"]
    assert probe["backend"]  # the rest of kcore keeps working
    listing = {entry["name"]: entry for entry in json.loads(cli.stdout)}
    assert listing["kcore-broken-plugin"]["status"] == "failed"
