"""Schema fuzzing through the MCP client: valid and invalid arguments drawn from each tool's published schema.

Used by tests/test_fuzz.py (a bounded run) and bench/reliability.py (a bigger one). Valid arguments come
from hypothesis-jsonschema (`from_schema`), half of them with the identifying parameters replaced by values
that exist in the sandbox so the calls get past the lookups; invalid ones are dictionaries of the tool's
parameter names and unknown names mapped to hostile JSON (wrong types, control characters, bidi
overrides, 64 KB strings, dot ids, huge numbers).

Every answer must hold: the call returns (no protocol failure); an error is a non-empty sentence, never
a bare "Error executing tool X", at most 1,000 characters, with no control or format characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from mcp import Client

MAX_ERROR = 1000

_NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [".", "..", "../..", "%2e%2e", "\x1b[2J\x1b[31m", "\u202eevil", "a\x00b", " ", "", "#", "RFI ", "b.", "me"]
    ),
    st.builds(lambda n: "x" * n, st.sampled_from([4001, 65536])),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def valid_strategy(schema: dict[str, Any], samples: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    def known(pair: tuple[dict[str, Any], bool]) -> dict[str, Any]:
        args, use_samples = pair
        if use_samples:
            args = {**args, **{k: v for k, v in samples.items() if k in args or k in schema.get("required", [])}}
            args = {k: v for k, v in args.items() if k in schema.get("properties", {})}
        return args

    # Each property's values from hypothesis-jsonschema, the object assembled here: its object strategy
    # (`from_object_schema`) does not run on current hypothesis releases.
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    objects = st.fixed_dictionaries(
        {k: from_schema(p) for k, p in props.items() if k in required},
        optional={k: from_schema(p) for k, p in props.items() if k not in required},
    )
    return st.tuples(objects, st.booleans()).map(known)


def invalid_strategy(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    names = [*schema.get("properties", {}), "bogus", "__proto__", "Project", "limit "]
    return st.dictionaries(st.sampled_from(names), _JSON, max_size=5)


def draw(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """`n` examples of `strategy`, the same ones every run (derandomised, no example database)."""
    out: list[Any] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        out.append(example)

    collect()
    return out[:n]


@dataclass
class FuzzStats:
    calls: int = 0
    errors: int = 0
    problems: list[str] = field(default_factory=list)


def problem(tool: str, result: Any) -> str | None:
    """What is wrong with an answer, or None."""
    if not result.is_error:
        return None
    text = "\n".join(b.text for b in result.content if b.type == "text")
    if not text.strip() or text.strip() == f"Error executing tool {tool}":
        return f"{tool}: bare error {text!r}"
    if len(text) > MAX_ERROR:
        return f"{tool}: error of {len(text)} characters"
    bad = {c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")}
    if bad:
        return f"{tool}: control characters {sorted(bad)!r} in {text[:120]!r}"
    return None


async def fuzz(client: Client, samples: dict[str, Any], per_tool: int) -> FuzzStats:
    """`per_tool` valid and `per_tool` invalid calls of every listed tool."""
    stats = FuzzStats()
    for tool in (await client.list_tools()).tools:
        schema = tool.input_schema
        cases = draw(valid_strategy(schema, samples), per_tool) + draw(invalid_strategy(schema), per_tool)
        for args in cases:
            stats.calls += 1
            try:
                result = await client.call_tool(tool.name, args)
            except Exception as exc:  # a protocol failure: the worst outcome
                stats.problems.append(f"{tool.name}({_short(args)}): {type(exc).__name__}: {exc}"[:300])
                continue
            stats.errors += bool(result.is_error)
            if (found := problem(tool.name, result)) is not None:
                stats.problems.append(f"{found} for {_short(args)}")
    return stats


def _short(args: Any) -> str:
    return repr(args)[:160]
