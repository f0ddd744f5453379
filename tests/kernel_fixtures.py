"""Fake plugin distributions for the kernel tests (imported by name, not via conftest)."""

from __future__ import annotations

import types


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
