"""Regenerate ``kcore/ops/_generated.py`` from ``kcore/ops/_table.py``.

python tools/gen_ops.py            # write it
python tools/gen_ops.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPS = ROOT / "kcore" / "ops"
TARGET = OPS / "_generated.py"


def _load(name: str):
    # Loaded by path: importing kcore.ops itself needs the file this script writes.
    spec = importlib.util.spec_from_file_location(name, OPS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate() -> str:
    """The generated source for the current table."""
    return _load("_codegen").generate(_load("_table").TABLE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only check it is up to date")
    args = parser.parse_args()
    source = generate()
    if args.check:
        if TARGET.read_text() != source:
            print(f"{TARGET} is stale: run python tools/gen_ops.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(source)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
