"""How much ``import kcore`` adds on top of ``import numpy`` (best of N fresh interpreters).

python bench/import_time.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

# Measure what an installed user sees: byte-code caches written and used.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_of(code: str, repeat: int) -> float:
    subprocess.run([sys.executable, "-c", code], check=True, env=ENV)  # warm the caches
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=ENV)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    base = best_of("import numpy", args.repeat)
    rows = {
        "import kcore": best_of("import numpy, kcore", args.repeat),
        "import kcore, kcore.ops": best_of("import numpy, kcore, kcore.ops", args.repeat),
        "... + plugin discovery": best_of(
            "import numpy, kcore, kcore.ops; kcore.plugins.plugin_infos()", args.repeat
        ),
    }
    print(f"{'what':<28} {'ms over numpy':>14}")
    print(f"{'import numpy (baseline)':<28} {base * 1000:>11.1f} ms total")
    for name, seconds in rows.items():
        print(f"{name:<28} {(seconds - base) * 1000:>14.1f}")


if __name__ == "__main__":
    main()
