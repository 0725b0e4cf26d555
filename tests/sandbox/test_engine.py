"""The sandbox engine's shared pieces on their own: sort dialects, paging styles, filter kinds."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.requests import Request

from acc_mcp.endpoints import endpoint
from acc_mcp.sandbox.filters import Dated, Flag, OneOf, Text, range_filter
from acc_mcp.sandbox.http import ApiError
from acc_mcp.sandbox.pages import Sealer, array_page, cursor_page, keyset_page, limits, query_window
from acc_mcp.sandbox.sorting import check, order, parse_fields, parse_pair, parse_rules


def request(**params: str | int) -> Request:
    query = urlencode({k: str(v) for k, v in params.items()}).encode()
    scope = {"type": "http", "method": "GET", "scheme": "https", "server": ("x", 443), "path": "/things"}
    return Request({**scope, "root_path": "", "query_string": query, "headers": []})


ROWS: list[dict[str, Any]] = [
    {"id": "a", "name": "beta", "n": 2, "at": "2026-10-31T22:00:00.000Z", "ok": True},
    {"id": "b", "name": "Alpha", "n": None, "at": "2026-11-01T00:00:00.000Z", "ok": False},
    {"id": "c", "name": "alpha", "n": 1, "at": None, "ok": None},
]


def test_every_sort_dialect_means_the_same_rules() -> None:
    assert parse_fields("name,-n") == parse_fields("name asc, n desc") == [("name", False), ("n", True)]
    assert parse_fields("-n") == parse_rules([{"field": "n", "order": "DESC"}]) == parse_pair(["n", "desc"], [])
    assert parse_pair(None, ["at"]) == [("at", False)]
    for bad in ("a b c", "a sideways"):
        with pytest.raises(ApiError):
            parse_fields(bad)
    with pytest.raises(ApiError):
        parse_fields("a,b", single=True)
    with pytest.raises(ApiError):
        parse_rules([{"field": "n", "order": "UP"}])
    with pytest.raises(ApiError, match="Sortable fields: name, n"):
        check([("bogus", False)], ("name", "n"))


def test_order_is_stable_case_insensitive_and_puts_unset_last() -> None:
    assert [r["id"] for r in order(ROWS, [("name", False)])] == ["b", "c", "a"]  # Alpha = alpha, stable
    assert [r["id"] for r in order(ROWS, [("n", False)])] == ["c", "a", "b"]
    assert [r["id"] for r in order(ROWS, [("n", True)])] == ["a", "c", "b"]  # None last either way
    assert [r["id"] for r in order(ROWS, [("name", False), ("n", True)])] == ["c", "b", "a"]


def test_limits_come_from_the_registry() -> None:
    assert limits(endpoint("issues.issues.list")) == (100, 100)
    assert limits(endpoint("hq.users.list")) == (10, 100)
    assert limits(endpoint("issues.types.list")) == (200, 200)  # no default in the text: the maximum
    assert limits(endpoint("dc.jobs.list"), maximum=100) == (20, 100)  # no maximum in the text: the row's
    assert query_window(request(), endpoint("admin.projects.list")) == (20, 0)
    for bad in ({"limit": 201}, {"limit": 0}, {"offset": -1}, {"limit": "x"}):
        with pytest.raises(ApiError):
            query_window(request(**bad), endpoint("admin.projects.list"))


def test_array_and_cursor_pages() -> None:
    items: list[dict[str, Any]] = [{"id": str(i)} for i in range(30)]
    assert [i["id"] for i in array_page(request(limit=3, offset=4), items, endpoint("hq.users.list"))] == [
        "4",
        "5",
        "6",
    ]
    ep, sealer = endpoint("assets.assets.list"), Sealer(b"k")
    first = cursor_page(request(limit=20), items, ep, sealer)
    assert len(first["results"]) == 20 and "cursorState=" in first["pagination"]["nextUrl"]
    rest = cursor_page(request(cursorState=first["pagination"]["cursorState"]), items, ep, sealer)
    assert [i["id"] for i in rest["results"]] == [str(i) for i in range(20, 30)] and "cursorState" not in rest[
        "pagination"
    ]
    with pytest.raises(ApiError):
        cursor_page(request(cursorState=first["pagination"]["cursorState"][:-2] + "xx"), items, ep, sealer)


def test_keyset_pages_never_overlap() -> None:
    items: list[dict[str, Any]] = [{"id": f"{i:02d}"} for i in range(7)]
    sealer, seen, after = Sealer(b"k"), [], None
    while True:
        page = keyset_page(request(), items, lambda r: [r["id"]], after, desc=False, limit=3, sealer=sealer, query={})
        seen += [r["id"] for r in page["results"]]
        if "nextPost" not in page["pagination"]:
            break
        after = sealer.unseal(page["pagination"]["nextPost"]["body"]["cursorState"], "")["after"]
    assert seen == [r["id"] for r in items]


def test_filter_kinds() -> None:
    assert [r["id"] for r in OneOf("id").apply(request(**{"filter[id]": "a,c"}), ROWS)] == ["a", "c"]
    with pytest.raises(ApiError, match="Possible values"):
        OneOf("name", ("beta",)).apply(request(**{"filter[name]": "gamma"}), ROWS)
    assert [r["id"] for r in Text("name").apply(request(**{"filter[name]": "ALP"}), ROWS)] == ["b", "c"]
    starts = request(**{"filter[name]": "alp", "filterTextMatch": "equals"})
    assert Text("name", modes=True).apply(starts, ROWS) == []
    assert [r["id"] for r in Flag("ok").apply(request(**{"filter[ok]": "false"}), ROWS)] == ["b", "c"]
    assert [r["id"] for r in Flag("ok", default=True).apply(request(), ROWS)] == ["a"]
    assert [r["id"] for r in Dated("at").apply(request(**{"filter[at]": "..2026-10-31"}), ROWS)] == ["a"]
    assert range_filter("2026-10-31,null", name="x")(None) is True
    with pytest.raises(ApiError):
        range_filter("..", name="x")
