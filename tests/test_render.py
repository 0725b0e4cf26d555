from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import date

from acc_mcp.render import (
    Day,
    ShortId,
    compact,
    due,
    estimate_tokens,
    line,
    plain,
    render_list,
    render_record,
    short_day,
    when,
)

CURSOR = "x" * 60
ISSUE = {"#": "number", "title": "bare", "status": "bare"}
PHOTO = {"id": "lead", "title": "bare", "taken": "bare", "by": "joined"}
JOB = {"id": "lead", "status": "bare"}
REQUEST = {"name": "bare", "schedule": "echo", "services": "echo"}


def _rows(n: int, rng: random.Random) -> list[dict[str, object]]:
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 12))) for _ in range(200)]
    return [
        {"#": i, "title": " ".join(rng.choices(words, k=rng.randint(1, 40))), "status": "open", "due": "2026-01-01"}
        for i in range(n)
    ]


def _footer(total: int) -> Callable[[int], str | None]:
    return lambda shown: f'More: cursor="{CURSOR}"' if shown < total else None


def test_budget_never_exceeded_and_truncation_line_present() -> None:
    rng = random.Random(1)
    for budget in (200, 500, 1000, 4000):
        for n in (0, 1, 10, 300):
            rows = _rows(n, rng)
            out = render_list(
                "Header.",
                rows,
                roles=ISSUE,
                budget=budget,
                footer=_footer(n),
            )
            assert estimate_tokens(out.text) <= budget
            if out.shown < n:
                assert out.text.rstrip().endswith('"') and "More:" in out.text
            assert out.text.count("\n") == out.shown + (1 if out.shown < n else 0)


def test_line_format_and_compact() -> None:
    row = compact(
        {"#": 7, "title": "Door missing a screw", "status": "open", "assignee": "Wei Chen", "due": None, "tags": []}
    )
    assert line(row, ISSUE) == "#7 Door missing a screw · open · assignee Wei Chen"


def test_record_cut_to_budget() -> None:
    text = render_record("Issue #1", {"title": "x", "description": "word " * 5000}, roles=ISSUE, budget=300)
    assert estimate_tokens(text) <= 300 and "[cut]" in text
    noted = render_record("Issue #1", {"description": "word " * 5000}, roles={}, budget=300, note="Then do this.")
    assert estimate_tokens(noted) <= 300 and noted.endswith("\nThen do this.")


def test_short_id_in_lines_whole_in_records_and_structured() -> None:
    uid = "00a4bdc8-16f7-407d-90f8-85892ddc70cc"
    row = {"id": ShortId(uid, "photo"), "title": "Crane pick", "taken": Day(date(2026, 11, 2)), "by": "Aisha Rahman"}
    assert line(row, PHOTO) == "00a4bdc8 Crane pick · Nov 2 by Aisha Rahman"
    assert f"id: {uid}" in render_record("Photo", row, roles=PHOTO, budget=500)
    assert plain(row) == {"id": uid, "title": "Crane pick", "taken": "2026-11-02", "by": "Aisha Rahman"}
    labelled = ShortId(uid, "request", "Weekly extract")
    assert str(labelled) == "Weekly extract (00a4bdc8)" and plain([labelled]) == [uid]


def test_days_are_short_with_the_year_only_when_it_differs() -> None:
    today = date(2026, 11, 2)
    assert str(short_day("2026-03-09T10:00:00Z", today)) == "Mar 9"
    assert str(short_day("2025-12-31", today)) == "Dec 31 2025"
    assert str(due("2026-10-29", today)) == "Oct 29, overdue"
    assert str(due("2026-11-02", today)) == "Nov 2"  # due today is not overdue yet
    assert short_day(None, today) is None and short_day("soon", today) is None


def test_grouped_lines_share_a_heading_and_keep_which_rows_are_shown() -> None:
    rows = [
        {"id": ShortId("a1b2c3d4-0", "job"), "status": "complete", "request": ShortId("r1", "request", "Weekly")},
        {"id": ShortId("e5f6a7b8-0", "job"), "status": "failed", "request": ShortId("r2", "request", "Daily")},
        {"id": ShortId("c9d0e1f2-0", "job"), "status": "complete", "request": ShortId("r1", "request", "Weekly")},
        {"id": ShortId("99999999-0", "job"), "status": "queued"},
    ]
    out = render_list("4 jobs in all.", rows, roles=JOB, budget=1000, footer=lambda _n: None, group="request")
    assert out.text.splitlines() == [
        "4 jobs in all.",
        "99999999 queued",  # rows without the key come first, under no heading
        "request Weekly (r1):",
        "a1b2c3d4 complete",
        "c9d0e1f2 complete",
        "request Daily (r2):",
        "e5f6a7b8 failed",
    ]
    # Cut by the budget: still the first rows, whatever their group.
    small = render_list("4 jobs in all.", rows, roles=JOB, budget=45, footer=lambda _n: None, group="request")
    assert small.shown == 2 and "e5f6a7b8" in small.text and "c9d0e1f2" not in small.text


def test_a_descriptive_field_that_only_repeats_the_name_is_left_out_of_the_line() -> None:
    weekly = {"name": "Weekly issues + RFIs extract", "schedule": "weekly", "services": ["issues", "rfis"]}
    assert line(weekly, REQUEST) == "Weekly issues + RFIs extract"
    monthly = {"name": "Weekly issues extract", "schedule": "monthly", "services": ["issues", "rfis"]}
    assert line(monthly, REQUEST) == "Weekly issues extract · monthly · issues, rfis"  # anything new is written whole
    assert line({"title": "Door left open", "status": "open"}, ISSUE) == "Door left open · open"  # never the status
    assert line({"#": 3, "title": "x"}, {}) == "# 3 · title x"  # roles come from the view, not the key


def test_when_marks_utc_only_when_known() -> None:
    assert when("2026-11-02T14:05:09.100Z") == "2026-11-02 14:05 UTC"
    assert when("2026-11-02T14:05:09") == "2026-11-02 14:05"  # no offset, nothing documented: no zone claimed
    assert when("2026-11-02T14:05:09", naive_utc=True) == "2026-11-02 14:05 UTC"
    assert when("not a time") == "not a time" and when(None) is None
