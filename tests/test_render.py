from __future__ import annotations

import random
import string

from acc_mcp.render import compact, estimate_tokens, line, render_list, render_record

CURSOR = "x" * 60


def _rows(n: int, rng: random.Random) -> list[dict[str, object]]:
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 12))) for _ in range(200)]
    return [
        {"#": i, "title": " ".join(rng.choices(words, k=rng.randint(1, 40))), "status": "open", "due": "2026-01-01"}
        for i in range(n)
    ]


def test_budget_never_exceeded_and_truncation_line_present() -> None:
    rng = random.Random(1)
    for budget in (200, 500, 1000, 4000):
        for n in (0, 1, 10, 300):
            rows = _rows(n, rng)
            out = render_list(
                "Header.",
                rows,
                budget=budget,
                footer=lambda shown, total=n: f'More: cursor="{CURSOR}"' if shown < total else None,
            )
            assert estimate_tokens(out.text) <= budget
            if out.shown < n:
                assert out.text.rstrip().endswith('"') and "More:" in out.text
            assert out.text.count("\n") == out.shown + (1 if out.shown < n else 0)


def test_line_format_and_compact() -> None:
    row = compact(
        {"#": 7, "title": "Door missing a screw", "status": "open", "assignee": "Wei Chen", "due": None, "tags": []}
    )
    assert line(row) == "#7 Door missing a screw · open · assignee Wei Chen"


def test_record_cut_to_budget() -> None:
    text = render_record("Issue #1", {"title": "x", "description": "word " * 5000}, budget=300)
    assert estimate_tokens(text) <= 300 and "[cut]" in text
