"""Plugin discovery and the registries built from it.

The plugin system is built on first use (never at ``import kcore``), cached, and reset with
:func:`reset`. It loads every module named in the ``kcore.plugins`` entry-point group, registers
it with one ``pluggy.PluginManager("kcore")``, and keeps a :class:`PluginInfo` per plugin whether
it loaded, was blocked by a switch, or failed. A plugin that fails never takes kcore down: it is
reported (warning + ``failed`` status with the original error) and the rest keeps working.

Switches (read when the system is built):

- ``KCORE_DISABLE_PLUGIN_AUTOLOAD=1``: load no entry points except those in ``KCORE_PLUGINS``.
- ``KCORE_PLUGINS=a,b``: allowlist; every other plugin is ``blocked``.
- ``KCORE_DISABLED_PLUGINS=a,b``: blocklist.

Names in the switches match a distribution name (``kcore-layers``, any case, ``-`` or ``_``) or an
entry-point name.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import threading
import traceback
import warnings
from collections.abc import Iterable
from typing import Any

import pluggy

from kcore import hookspecs
from kcore.records import SPEC_TYPES, ComponentSpec

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginError",
    "PluginConflictError",
    "KcorePluginWarning",
    "get_plugin_manager",
    "plugin_infos",
    "registry",
    "lookup",
    "register",
    "reset",
    "STANDARD_PROVIDERS",
]

ENTRY_POINT_GROUP = "kcore.plugins"

hookimpl = pluggy.HookimplMarker("kcore")

#: Which standard distribution provides each kind; used only to say what to install.
STANDARD_PROVIDERS: dict[str, str] = {
    "backends": "kcore-backend-torch (or kcore-backend-jax, kcore-backend-tf)",
    "layers": "kcore-layers",
    "activations": "kcore-layers",
    "initializers": "kcore-layers",
    "regularizers": "kcore-layers",
    "constraints": "kcore-layers",
    "optimizers": "kcore-optim",
    "schedules": "kcore-optim",
    "losses": "kcore-optim",
    "metrics": "kcore-optim",
    "callbacks": "kcore-callbacks",
    "datasets": "kcore-zoo",
    "applications": "kcore-zoo",
}


class PluginError(RuntimeError):
    """A plugin broke a rule of the plugin system (bad record, bad hook)."""


class PluginConflictError(PluginError):
    """Two plugins registered the same name for the same kind."""


class KcorePluginWarning(UserWarning):
    """A plugin could not be loaded; kcore goes on without it."""


@dataclasses.dataclass
class PluginInfo:
    """What ``kcore plugins`` reports about one plugin.

    Attributes:
        name: the distribution name (or the name given to :func:`register`).
        version: the distribution version, ``""`` if unknown.
        entry_point: ``"name = module"`` as declared, ``""`` for in-process plugins.
        status: ``"active"``, ``"blocked"`` (by a switch) or ``"failed"``.
        error: for ``failed``, the original error and traceback.
        hooks: names of the hooks the plugin implements.
        registered: kind -> the names it registered.
    """

    name: str
    version: str = ""
    entry_point: str = ""
    status: str = "active"
    error: str = ""
    hooks: list[str] = dataclasses.field(default_factory=list)
    registered: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def _env_list(var: str) -> set[str] | None:
    value = os.environ.get(var)
    if value is None:
        return None
    return {_normalize(v) for v in value.split(",") if v.strip()}


def _iter_entry_points() -> Iterable[Any]:
    """All entry points of the ``kcore.plugins`` group (tests patch this)."""
    import importlib.metadata  # ~10 ms: paid on first discovery, not at import

    return importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


class _PluginSystem:
    """The pluggy manager, the plugin infos and the per-kind registries."""

    def __init__(self):
        self.pm = pluggy.PluginManager("kcore")
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self._registries: dict[str, dict[str, tuple[ComponentSpec, str]]] = {}
        self._load_entry_points()

    # -- loading ---------------------------------------------------------------------------------
    def _load_entry_points(self) -> None:
        autoload = os.environ.get("KCORE_DISABLE_PLUGIN_AUTOLOAD", "") in ("", "0")
        allow = _env_list("KCORE_PLUGINS")
        block = _env_list("KCORE_DISABLED_PLUGINS") or set()
        seen: set[tuple[str, str]] = set()
        for ep in _iter_entry_points():
            dist = getattr(ep, "dist", None)
            dist_name = dist.metadata["Name"] if dist is not None else ep.name
            version = dist.version if dist is not None else ""
            if (_normalize(dist_name), ep.name) in seen:
                continue  # the same distribution found twice on sys.path
            seen.add((_normalize(dist_name), ep.name))
            plugin_name = dist_name if dist_name not in self.infos else f"{dist_name}:{ep.name}"
            info = PluginInfo(plugin_name, version, f"{ep.name} = {ep.value}")
            self.infos[plugin_name] = info
            keys = {_normalize(dist_name), _normalize(ep.name)}
            if (
                keys & block
                or (allow is not None and not keys & allow)
                or (not autoload and (allow is None or not keys & allow))
            ):
                info.status = "blocked"
                continue
            try:
                module = ep.load()
            except Exception as exc:  # noqa: BLE001 - every failure must be reported, not raised
                self._fail(info, f"importing {ep.value!r} raised", exc)
                continue
            self._register(module, info)

    def _register(self, plugin: Any, info: PluginInfo) -> None:
        try:
            self.pm.register(plugin, name=info.name)
            callers = self.pm.get_hookcallers(plugin) or []
            unknown = [c.name for c in callers if not c.has_spec()]
            if unknown:
                known = sorted(n for n in dir(hookspecs) if n.startswith("kcore_"))
                hints = "; ".join(
                    f"{name!r} (did you mean {difflib.get_close_matches(name, known, 1)}?)"
                    for name in unknown
                )
                raise PluginError(f"implements hooks kcore does not define: {hints}")
        except Exception as exc:  # noqa: BLE001
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self._fail(info, "registering it failed", exc)
            return
        info.status = "active"
        info.hooks = sorted(c.name for c in callers)

    def _fail(self, info: PluginInfo, what: str, exc: BaseException) -> None:
        info.status = "failed"
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        info.error = f"{type(exc).__name__}: {exc}\n{tb}"
        warnings.warn(
            f"kcore plugin {info.name!r} (entry point {info.entry_point!r}) could not be loaded: "
            f"{what}: {type(exc).__name__}: {exc}. kcore continues without it; run "
            f"`kcore plugins` for the traceback, or block it with KCORE_DISABLED_PLUGINS.",
            KcorePluginWarning,
            stacklevel=4,
        )

    # -- registries ------------------------------------------------------------------------------
    def registry(self, kind: str) -> dict[str, tuple[ComponentSpec, str]]:
        """name-or-alias -> (spec, plugin name) for one kind; built once, then cached."""
        table = self._registries.get(kind)
        if table is not None:
            return table
        spec_type = SPEC_TYPES[kind]
        hook_name = f"kcore_{kind}"
        providers: dict[str, list[tuple[ComponentSpec, str]]] = {}
        hook = getattr(self.pm.hook, hook_name)
        for impl in hook.get_hookimpls():
            plugin_name = impl.plugin_name
            try:
                specs = _as_list(impl.function())
                for spec in specs:
                    if not isinstance(spec, spec_type):
                        raise PluginError(
                            f"{hook_name}() must return {spec_type.__name__} records. "
                            f"Received: {spec!r}"
                        )
            except Exception as exc:  # noqa: BLE001 - one bad plugin must not break the rest
                info = self.infos.setdefault(plugin_name, PluginInfo(plugin_name))
                self._fail(info, f"its {hook_name}() hook failed", exc)
                continue
            info = self.infos.get(plugin_name)
            for spec in specs:
                if info is not None:
                    info.registered.setdefault(kind, []).append(spec.name)
                for key in (spec.name, *spec.aliases):
                    providers.setdefault(key, []).append((spec, plugin_name))
        conflicts = {k: v for k, v in providers.items() if len({p for _, p in v}) > 1 or len(v) > 1}
        if conflicts:
            lines = [
                f"  {kind[:-1]} {name!r} is provided by: "
                + ", ".join(sorted({p for _, p in entries}))
                for name, entries in sorted(conflicts.items())
            ]
            raise PluginConflictError(
                f"Duplicate {kind} names registered by kcore plugins:\n"
                + "\n".join(lines)
                + "\nEach name must come from exactly one plugin: uninstall one of them, or block it "
                "with KCORE_DISABLED_PLUGINS=<distribution>."
            )
        table = {name: entries[0] for name, entries in providers.items()}
        self._registries[kind] = table
        return table


def _as_list(result: Any) -> list[Any]:
    if result is None:
        return []
    if isinstance(result, ComponentSpec):
        return [result]
    return list(result)


#: Kinds whose hooks take run-time arguments; they are not listed as registrations.
_RUNTIME_KINDS = {"fused_kernels"}

_system: _PluginSystem | None = None
_lock = threading.RLock()


def _get() -> _PluginSystem:
    global _system
    system = _system
    if system is None:
        with _lock:
            if _system is None:
                _system = _PluginSystem()
            system = _system
    return system


def get_plugin_manager() -> pluggy.PluginManager:
    """The ``pluggy.PluginManager("kcore")``, built on first call and cached."""
    return _get().pm


def plugin_infos() -> list[PluginInfo]:
    """One :class:`PluginInfo` per discovered plugin, with every kind's registrations filled."""
    system = _get()
    for kind in SPEC_TYPES:
        if kind in _RUNTIME_KINDS:
            continue
        try:
            system.registry(kind)
        except PluginError:
            pass  # surfaced when that kind is used; the listing still shows everything else
    return list(system.infos.values())


def registry(kind: str) -> dict[str, tuple[ComponentSpec, str]]:
    """The registry of one kind: name or alias -> ``(spec, plugin name)``.

    Raises:
        PluginConflictError: two plugins registered the same name for this kind.
    """
    if kind not in SPEC_TYPES:
        raise ValueError(f"Unknown registry kind {kind!r}. Expected one of {sorted(SPEC_TYPES)}.")
    return _get().registry(kind)


def lookup(kind: str, name: str) -> Any:
    """Resolve ``name`` in the ``kind`` registry to its object, or raise a helpful error.

    Raises:
        LookupError: nobody provides ``name``; the message says what to install or lists
            close matches among the installed names.
    """
    entry = registry(kind).get(name)
    if entry is None:
        raise LookupError(missing_message(kind, name))
    return entry[0].resolve()


def missing_message(kind: str, name: str) -> str:
    """The text of the error for a ``kind`` name that no installed plugin provides."""
    table = registry(kind)
    singular = kind[:-1] if kind.endswith("s") else kind
    provider = STANDARD_PROVIDERS.get(kind)
    installed = {_normalize(info.name) for info in _get().infos.values() if info.status == "active"}
    message = f"No installed kcore plugin provides the {singular} {name!r}."
    if provider and not any(_normalize(p.split()[0]) in installed for p in provider.split(",")):
        message += f" {kind.capitalize()} come from {provider}: pip install {provider.split()[0]}"
    else:
        close = difflib.get_close_matches(name, table, n=3)
        if close:
            message += f" Did you mean: {', '.join(close)}?"
        message += f" Installed {kind}: {', '.join(sorted(table)) or 'none'}."
    return message


def register(plugin: Any, name: str | None = None) -> None:
    """Register an in-process plugin (an object or module with ``@kcore.hookimpl`` functions).

    Registries are rebuilt on next use. Raises :class:`PluginError` if ``plugin`` implements a
    hook kcore does not define.
    """
    name = name or getattr(plugin, "__name__", None) or repr(plugin)
    with _lock:
        system = _get()
        info = PluginInfo(name)
        system.infos[name] = info
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", KcorePluginWarning)  # raised below instead
            system._register(plugin, info)
        system._registries.clear()
        if info.status == "failed":
            del system.infos[name]
            raise PluginError(f"Plugin {name!r} was rejected: {info.error.splitlines()[0]}")


def unregister(name: str) -> None:
    """Remove a plugin added with :func:`register`."""
    with _lock:
        if _system is not None and _system.pm.get_plugin(name) is not None:
            _system.pm.unregister(name=name)
            _system.infos.pop(name, None)
            _system._registries.clear()


def reset() -> None:
    """Forget everything discovered; the next use rediscovers (tests, after ``pip install``)."""
    global _system
    from kcore import _namespace

    with _lock:
        _system = None
        _namespace.forget_cached()
