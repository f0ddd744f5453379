"""Shared fixtures: fake plugin distributions, isolation of kcore's global state."""

from __future__ import annotations

import pytest

from kcore import config, plugins
from kcore.backend import _selection


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """Fresh plugin system and backend choice, no user config; restored afterwards."""
    for var in ("KCORE_BACKEND", "KCORE_PLUGINS", "KCORE_DISABLED_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("KCORE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.setenv("KCORE_HOME", str(tmp_path / "kcore-home"))
    plugins.reset()
    _selection.reset()
    config._reset()
    yield monkeypatch
    plugins.reset()
    _selection.reset()
    config._reset()


@pytest.fixture
def fake_entry_points(isolated):
    """Replace discovery with a list of fake entry points: ``fake_entry_points([...])``."""

    def install(entry_points):
        isolated.setattr(plugins, "_iter_entry_points", lambda: list(entry_points))
        plugins.reset()
        _selection.reset()

    return install
