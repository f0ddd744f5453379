"""The ``kcore`` command: ``kcore plugins [--json]`` and ``kcore info [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["main"]


def _plugins(args: argparse.Namespace) -> int:
    from kcore import plugins

    infos = plugins.plugin_infos()
    if args.json:
        print(json.dumps([info.to_dict() for info in infos], indent=2))
        return 0
    if not infos:
        print("No kcore plugins are installed. Try: pip install kcore-layers kcore-backend-torch")
        return 0
    width = max(len(info.name) for info in infos)
    for info in infos:
        print(f"{info.name:<{width}}  {info.version or '-':<8}  {info.status}")
        if info.hooks:
            print(f"{'':<{width}}  hooks: {', '.join(info.hooks)}")
        for kind, names in sorted(info.registered.items()):
            print(f"{'':<{width}}  {kind} ({len(names)}): {', '.join(sorted(names))}")
        if info.status == "failed":
            for line in info.error.rstrip().splitlines():
                print(f"{'':<{width}}  ! {line}")
    return 0


def _info(args: argparse.Namespace) -> int:
    import kcore
    from kcore import config, plugins
    from kcore.backend import _selection

    infos = plugins.plugin_infos()
    counts = {s: sum(1 for i in infos if i.status == s) for s in ("active", "blocked", "failed")}
    try:
        backend_name = _selection.backend_name()
        backend_error = ""
    except Exception as exc:  # noqa: BLE001 - info must print whatever it can
        backend_name, backend_error = None, str(exc)
    installed = sorted(_selection.installed_backends())
    data = {
        "version": kcore.__version__,
        "backend": backend_name,
        "installed_backends": installed,
        "config_file": str(config.config_path()),
        "config_file_exists": config.config_path().exists(),
        "floatx": config.floatx(),
        "epsilon": config.epsilon(),
        "image_data_format": config.image_data_format(),
        "plugins": counts,
    }
    if backend_error:
        data["backend_error"] = backend_error
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"kcore {data['version']}")
    print(
        f"backend:            {backend_name or 'none'}"
        + (f"  ({backend_error})" if backend_error else "")
    )
    print(f"installed backends: {', '.join(installed) or 'none'}")
    exists = "" if data["config_file_exists"] else " (absent: defaults in use)"
    print(f"config file:        {data['config_file']}{exists}")
    print(f"floatx / epsilon:   {data['floatx']} / {data['epsilon']}")
    print(f"image_data_format:  {data['image_data_format']}")
    print(
        f"plugins:            {counts['active']} active, {counts['blocked']} blocked, "
        f"{counts['failed']} failed"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kcore", description="kcore plugin and backend tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plugins", help="list installed plugins, their status and registrations")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_plugins)
    i = sub.add_parser("info", help="show version, active backend, config and plugin counts")
    i.add_argument("--json", action="store_true", help="print JSON")
    i.set_defaults(func=_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``kcore`` command line; returns the exit code."""
    import warnings

    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        # Failed plugins are shown in the listing itself; don't print the warning twice.
        warnings.simplefilter("ignore")
        return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
