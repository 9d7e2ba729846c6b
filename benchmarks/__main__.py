"""`make bench`: run every benchmark, each in its own process; print their ratios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    failed = []
    for module in modules:
        print(f"== {module}", flush=True)
        result = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{module}"], cwd=ROOT, check=False
        )
        if result.returncode != 0:
            failed.append(module)
    if failed:
        print("benchmarks that could not run:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
