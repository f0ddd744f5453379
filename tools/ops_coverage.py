"""Coverage of Keras 3's ``keras.ops`` by kcore's front end and by each installed backend.

python tools/ops_coverage.py                 # every installed backend
python tools/ops_coverage.py --backend jax   # one backend

For each backend it prints which ``keras.ops`` names (introspected from the installed Keras with
``KERAS_BACKEND=numpy`` in a subprocess, including the ``image``, ``nn``, ``linalg`` and
``numpy`` sub-namespaces; kcore's own table when Keras is absent) are missing from the
``kcore.ops`` front end, which front-end names the backend does not implement (its ``ops``
dict), and the coverage percentages. Each backend is inspected in its own subprocess so only its
framework is imported. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_KERAS_NAMES = r"""
import inspect, json, keras
from keras import ops
names = set()
for mod in (ops, ops.image, ops.nn, ops.linalg, ops.numpy, getattr(ops, "core", None)):
    if mod is None:
        continue
    for n in dir(mod):
        f = getattr(mod, n)
        if n.startswith("_") or not callable(f) or isinstance(f, type) or inspect.ismodule(f):
            continue
        names.add(n)
print(json.dumps(sorted(names)))
"""

_BACKEND_NAMES = r"""
import json, kcore
backend = kcore.backend.get_backend()
print(json.dumps({"name": backend.name, "ops": sorted(backend.ops),
                  "random": sorted(getattr(backend, "random", {}))}))
"""


def _run(code: str, env: dict) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    return proc.returncode, proc.stdout, proc.stderr


def keras_names() -> tuple[list[str], str]:
    """(names, source): ``keras.ops`` names, or kcore's table when Keras cannot be imported."""
    env = dict(os.environ, KERAS_BACKEND="numpy")
    code, out, _ = _run(_KERAS_NAMES, env)
    if code == 0 and out.strip():
        return json.loads(out.strip().splitlines()[-1]), "keras"
    from kcore.ops import SIGNATURES

    return sorted(SIGNATURES), "kcore table (keras not importable)"


def backend_names(name: str) -> tuple[dict | None, str]:
    """The ops / random names the backend implements, or (None, error text)."""
    env = dict(os.environ, KCORE_BACKEND=name)
    code, out, err = _run(_BACKEND_NAMES, env)
    if code != 0 or not out.strip():
        return None, (err.strip().splitlines() or ["unknown error"])[-1]
    return json.loads(out.strip().splitlines()[-1]), ""


def _columns(names: list[str], width: int = 96, indent: str = "    ") -> str:
    lines, line = [], indent
    for n in names:
        if len(line) + len(n) + 2 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += n + ", "
    if line.strip():
        lines.append(line.rstrip(", "))
    return "\n".join(lines) if lines else indent + "(none)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", help="only this backend (torch, jax, tensorflow)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from kcore.backend import installed_backends
    from kcore.ops import SIGNATURES

    front_end = set(SIGNATURES)
    reference, source = keras_names()
    ref_set = set(reference)
    missing_front = sorted(ref_set - front_end)
    extra_front = sorted(front_end - ref_set)
    print(f"Reference: {len(reference)} names from {source}")
    covered = len(ref_set & front_end)
    print(
        f"kcore.ops front end: {len(front_end)} names; covers {covered}/{len(ref_set)} "
        f"reference names ({100.0 * covered / max(len(ref_set), 1):.1f}%)"
    )
    print(f"  reference names missing from kcore.ops ({len(missing_front)}):")
    print(_columns(missing_front))
    if extra_front:
        print(f"  kcore.ops names not in the reference ({len(extra_front)}):")
        print(_columns(extra_front))

    try:
        names = sorted(installed_backends())
    except Exception as exc:  # noqa: BLE001 - report and carry on
        print(f"\nCould not list installed backends: {exc}")
        names = []
    if args.backend:
        names = [args.backend]
    for name in names:
        print(f"\n== backend {name} ==")
        info, error = backend_names(name)
        if info is None:
            print(f"  could not load: {error}")
            continue
        impl = set(info["ops"])
        missing = sorted(front_end - impl)
        done = len(front_end & impl)
        keras_done = len(ref_set & impl)
        print(
            f"  implements {done}/{len(front_end)} kcore.ops names "
            f"({100.0 * done / max(len(front_end), 1):.1f}%); "
            f"{keras_done}/{len(ref_set)} reference names "
            f"({100.0 * keras_done / max(len(ref_set), 1):.1f}%)"
        )
        print(f"  front-end names not implemented ({len(missing)}):")
        print(_columns(missing))
        print(f"  kcore.random implemented: {', '.join(info['random']) or '(none)'}")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
