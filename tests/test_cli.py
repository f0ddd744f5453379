"""The ``kcore`` command line."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import pytest
from kernel_fixtures import FakeEntryPoint, make_plugin

from kcore import cli
from kcore.records import LayerSpec


def test_plugins_json_lists_fake_plugins_and_failures(fake_entry_points, capsys):
    good = make_plugin("good", kcore_layers=lambda: [LayerSpec("Scale", "x:y")])
    fake_entry_points(
        [
            FakeEntryPoint("good-dist", good),
            FakeEntryPoint("broken-dist", error=ImportError("missing dependency frobnicate")),
        ]
    )
    assert cli.main(["plugins", "--json"]) == 0
    data = {entry["name"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert data["good-dist"]["status"] == "active"
    assert data["good-dist"]["hooks"] == ["kcore_layers"]
    assert data["good-dist"]["registered"] == {"layers": ["Scale"]}
    assert data["broken-dist"]["status"] == "failed"
    assert "missing dependency frobnicate" in data["broken-dist"]["error"]


def test_plugins_text_shows_the_error(fake_entry_points, capsys):
    fake_entry_points([FakeEntryPoint("broken-dist", error=RuntimeError("kaput"))])
    cli.main(["plugins"])
    out = capsys.readouterr().out
    assert "broken-dist" in out and "failed" in out and "RuntimeError: kaput" in out


def test_info_without_backend_still_prints(fake_entry_points, capsys):
    fake_entry_points([])
    assert cli.main(["info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] is None and "kcore-backend-torch" in data["backend_error"]
    assert data["plugins"] == {"active": 0, "blocked": 0, "failed": 0}


def test_console_entry_runs_as_module():
    result = subprocess.run(
        [sys.executable, "-m", "kcore", "plugins", "--json"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    names = {entry["name"] for entry in json.loads(result.stdout)}
    declared = {
        ep.dist.metadata["Name"]
        for ep in importlib.metadata.entry_points(group="kcore.plugins")
        if ep.dist is not None
    }
    assert names == declared


def test_bad_subcommand_exits_nonzero():
    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"])
    assert info.value.code != 0
