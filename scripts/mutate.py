"""Plant realistic bugs in the tool layer one at a time and check that the tests catch each one.

    python scripts/mutate.py              # every mutant; exit 1 if any is missed
    python scripts/mutate.py --list       # the table, with each substitution checked
    python scripts/mutate.py 3 7          # only mutants 3 and 7 (numbers from --list)

Each mutant is a text substitution (file, old text, new text): `old` must occur exactly once in the file, or the
script stops before running anything, so the table cannot silently go stale when the code is rewritten — re-target
the table (MUTANTS, in scripts/mutants.py) instead. The files are restored after every run (also on Ctrl-C or
SIGTERM), and the script refuses to start while any file it would touch has uncommitted changes.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/tools", "tests/analytics", "tests/test_server.py"]
"""The fast subset that holds the contract tests and the analytics tools (about 15 s green)."""
TIMEOUT = 600


def check_table(mutants: tuple[Mutant, ...]) -> list[str]:
    """Every problem with the table: missing files, `old` not found or found more than once, no-op mutants."""
    problems = []
    for n, m in enumerate(mutants, 1):
        path = ROOT / m.file
        if not path.exists():
            problems.append(f"#{n} {m.description}: {m.file} does not exist")
            continue
        count = path.read_text(encoding="utf-8").count(m.old)
        if count != 1:
            problems.append(f"#{n} {m.description}: old text found {count} times in {m.file} (must be exactly once)")
        if m.old == m.new:
            problems.append(f"#{n} {m.description}: old and new are the same")
    return problems


def dirty(files: set[str]) -> list[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "acc_mcp/tools", *sorted(files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def run_tests(tests: list[str]) -> tuple[bool, float, str]:
    start = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *tests]
    try:
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, time.monotonic() - start, "timed out"
    out = proc.stdout.splitlines()
    failed = [ln for ln in out if ln.startswith(("FAILED", "ERROR"))]
    last = [ln for ln in out if ln.startswith("=") or " passed" in ln or " failed" in ln or " error" in ln][-1:]
    summary = (failed or last or [proc.stdout[-200:]])[0]
    return proc.returncode == 0, time.monotonic() - start, summary


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so that `finally` restores the file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("numbers", nargs="*", type=int, help="run only these mutants (1-based)")
    parser.add_argument("--list", action="store_true", help="show the table and check it; run nothing")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run on unmutated code")
    parser.add_argument("--tests", nargs="+", default=TESTS, help=f"test paths to run (default: {' '.join(TESTS)})")
    args = parser.parse_args(argv)

    problems = check_table(MUTANTS)
    if problems:
        print("The mutant table does not apply to the code (re-target MUTANTS):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    chosen = [(n, m) for n, m in enumerate(MUTANTS, 1) if not args.numbers or n in args.numbers]
    if args.list:
        for n, m in chosen:
            print(f"{n:3}  {m.file:32} {m.description}")
        return 0
    if changed := dirty({m.file for m in MUTANTS}):
        print("Refusing to run: files the mutants touch have uncommitted changes:", file=sys.stderr)
        print("\n".join(f"  {c}" for c in changed), file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)

    if not args.no_baseline:
        ok, seconds, summary = run_tests(args.tests)
        print(f"baseline: {'green' if ok else 'RED'} in {seconds:.0f} s ({summary})", flush=True)
        if not ok:
            print("The tests fail without any mutant; fix them first.", file=sys.stderr)
            return 2

    results: list[tuple[int, Mutant, bool, float, str]] = []
    for n, m in chosen:
        path = ROOT / m.file
        original = path.read_text(encoding="utf-8")
        try:
            path.write_text(original.replace(m.old, m.new, 1), encoding="utf-8")
            passed, seconds, summary = run_tests(args.tests)
        finally:
            path.write_text(original, encoding="utf-8")
        results.append((n, m, not passed, seconds, summary))
        status = "caught" if not passed else "MISSED"
        print(f"{n:3}  {status:6}  {seconds:5.1f} s  {m.file:32} {m.description}", flush=True)

    caught = sum(1 for r in results if r[2])
    print()
    print(f"{'#':>3}  {'result':6}  {'file':32} mutant")
    for n, m, was_caught, _seconds, summary in results:
        print(f"{n:3}  {'caught' if was_caught else 'MISSED':6}  {m.file:32} {m.description}")
        if was_caught:
            print(f"{'':13}by {summary[:110]}")
    print(f"\n{caught}/{len(results)} mutants caught, {len(results) - caught} missed")
    if leftover := dirty({m.file for m in MUTANTS}):
        print("WARNING: files left changed:", *leftover, sep="\n  ", file=sys.stderr)
        return 2
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
