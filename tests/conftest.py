"""Shared fixtures: fake plugin distributions, isolation of kcore's global state."""

from __future__ import annotations

import types

import pytest

from kcore import config, plugins
from kcore.backend import _selection


class FakeDist:
    """Stands in for an ``importlib.metadata.Distribution``."""

    def __init__(self, name: str, version: str = "1.0"):
        self.metadata = {"Name": name}
        self.version = version


class FakeEntryPoint:
    """Stands in for an entry point of the ``kcore.plugins`` group."""

    def __init__(self, dist: str, module=None, error: BaseException | None = None, name=None):
        self.name = name or dist.replace("-", "_")
        self.value = f"{self.name}.plugin"
        self.dist = FakeDist(dist)
        self._module = module
        self._error = error

    def load(self):
        if self._error is not None:
            raise self._error
        return self._module


def make_plugin(name: str, **hooks) -> types.ModuleType:
    """A plugin module whose hook functions are ``hooks`` (marked with ``kcore.hookimpl``)."""
    import kcore

    module = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        fn.__name__ = hook_name
        setattr(module, hook_name, kcore.hookimpl(fn))
    return module


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
