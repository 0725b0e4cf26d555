"""Run every benchmark, one after another, each in its own interpreter; print a PASS/MISS summary.

python bench/run.py            # all
python bench/run.py scale      # some, by name
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = ("tool_cost", "result_cost", "overhead", "scale", "cold_start", "memory", "reliability")


def main(argv: list[str]) -> int:
    chosen = [s for s in SCRIPTS if not argv or s in argv]
    summary: list[tuple[str, str, float]] = []
    for name in chosen:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(BENCH / f"{name}.py")], capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        sys.stdout.write(proc.stdout)
        if proc.returncode not in (0, 1):
            sys.stdout.write(proc.stderr)
        status = {0: "PASS", 1: "MISS"}.get(proc.returncode, f"ERROR ({proc.returncode})")
        summary.append((name, status, elapsed))
        sys.stdout.flush()
    print("\n== summary ==")
    for name, status, elapsed in summary:
        print(f"{name:<12} {status:<10} {elapsed:6.1f} s")
    return 0 if all(s == "PASS" for _, s, _ in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
