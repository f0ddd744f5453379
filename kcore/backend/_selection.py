"""Which backend is active, and loading it by name.

Order: ``KCORE_BACKEND``, else ``"backend"`` in ``$KCORE_HOME/kcore.json``, else the only
installed backend, else the first installed one in :data:`PREFERENCE`. Only the chosen backend's
module (and so its framework) is imported, on first need.
"""

from __future__ import annotations

import os
import threading

from kcore import plugins

#: Preference among several installed backends when nothing chooses one.
PREFERENCE = ("torch", "jax", "tensorflow")
_ALIASES = {"tf": "tensorflow", "pytorch": "torch"}

_lock = threading.RLock()
_chosen_name: str | None = None
_active = None
_listeners: list = []


class BackendNotFoundError(ImportError, ValueError):
    """No backend is installed, or the requested one is not."""


def installed_backends() -> dict[str, object]:
    """name -> BackendSpec for every installed backend plugin."""
    return {name: spec for name, (spec, _) in plugins.registry("backends").items()}


def canonical_name(name: str) -> str:
    """``"tf"`` -> ``"tensorflow"``; other names are returned lower-cased."""
    name = name.strip().lower()
    return _ALIASES.get(name, name)


def _resolve_name() -> tuple[str, str]:
    """(backend name, where the choice came from)."""
    installed = installed_backends()
    if not installed:
        raise BackendNotFoundError(
            "No kcore backend is installed. Install one: pip install kcore-backend-torch "
            "(or kcore-backend-jax, or kcore-backend-tf)."
        )
    env = os.environ.get("KCORE_BACKEND")
    if env:
        return canonical_name(env), "the KCORE_BACKEND environment variable"
    from kcore import config

    configured = config.read_config_file().get("backend")
    if configured:
        return canonical_name(str(configured)), f"the config file {config.config_path()}"
    if len(installed) == 1:
        return next(iter(installed)), "the only installed backend"
    for name in PREFERENCE:
        if name in installed:
            return name, "the preference order " + " > ".join(PREFERENCE)
    return sorted(installed)[0], "the first installed backend by name"


def _check_installed(name: str, source: str) -> None:
    installed = installed_backends()
    if name not in installed:
        raise BackendNotFoundError(
            f"Backend {name!r} (from {source}) is not installed. Installed backends: "
            f"{', '.join(sorted(installed)) or 'none'}. Install it with "
            f"pip install kcore-backend-{'tf' if name == 'tensorflow' else name}, or choose an "
            "installed one."
        )


def backend_name() -> str:
    """The active backend's name, without loading it."""
    global _chosen_name
    name = _chosen_name
    if name is None:
        with _lock:
            if _chosen_name is None:
                name, source = _resolve_name()
                _check_installed(name, source)
                _chosen_name = name
            name = _chosen_name
    return name


def get_backend():
    """The active :class:`kcore.backend.Backend` object, loading it on first call."""
    backend = _active
    if backend is None:
        with _lock:
            if _active is None:
                _load(backend_name())
            backend = _active
    return backend


def _load(name: str) -> None:
    global _active
    spec = installed_backends()[name]
    try:
        backend_cls = spec.resolve()
    except ImportError as exc:
        raise BackendNotFoundError(
            f"Backend {name!r} is registered but cannot be imported ({exc}). Is its framework "
            f"({spec.framework or 'unknown'}) installed? Reinstall the backend plugin."
        ) from exc
    backend = backend_cls()
    _active = backend
    for listener in list(_listeners):
        listener(backend)
    plugins.get_plugin_manager().hook.kcore_backend_loaded(backend=backend)


def set_backend(name: str) -> None:
    """Make ``name`` the active backend (loaded on next use)."""
    global _chosen_name, _active
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a backend name string. Received: {name!r}")
    name = canonical_name(name)
    with _lock:
        _check_installed(name, "set_backend()")
        if _chosen_name == name and _active is not None:
            return
        _chosen_name = name
        _active = None


def on_backend_loaded(listener) -> None:
    """Call ``listener(backend)`` every time a backend is loaded (kcore.ops binds itself here)."""
    _listeners.append(listener)


def reset() -> None:
    """Forget the choice; the next use selects again (tests)."""
    global _chosen_name, _active
    with _lock:
        _chosen_name = None
        _active = None
