"""Forgiving argument types: a model's first try should land, so near-misses are read as meant.

`forgiving(type)` wraps a parameter's type with a validator that runs before pydantic's: an enum value in any
case, with spaces or hyphens for underscores (`"OPEN"`, `"in progress"` → `"in_progress"`), and a single value
or a comma-separated string where a list is expected (`"open"` → `["open"]`). The JSON schema is unchanged, so
the tool list costs no more; anything still invalid gets the usual one-sentence error.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BeforeValidator


def _key(value: str) -> str:
    text = value.strip().lower()
    sign = "-" if text.startswith("-") else ""  # a sort key's '-' (descending) is meaningful
    return sign + text.removeprefix("-").replace(" ", "_").replace("-", "_")


def _literals(tp: Any) -> tuple[Any, ...]:
    """The values of a Literal (inside an Optional too), else ()."""
    if get_origin(tp) is Literal:
        return get_args(tp)
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(v for arg in get_args(tp) for v in _literals(arg))
    return ()


def _list_item(tp: Any) -> Any | None:
    """The item type when `tp` is `list[X]` or `list[X] | None`."""
    if get_origin(tp) is list:
        return get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        for arg in get_args(tp):
            if get_origin(arg) is list:
                return get_args(arg)[0]
    return None


def _canonical(values: tuple[Any, ...]) -> Any:
    # Sort keys keep their leading '-' (descending): match them exactly first, then loosely.
    loose = {_key(v): v for v in values if isinstance(v, str)}

    def fix(value: Any) -> Any:
        if not isinstance(value, str) or value in values:
            return value
        return loose.get(_key(value), value)

    return fix


def forgiving(tp: Any) -> Any:
    """`tp` with a before-validator for case-insensitive enums and single values for lists (else `tp`)."""
    item = _list_item(tp)
    if item is not None:
        values = _literals(item)
        fix = _canonical(values)

        def as_list(value: Any) -> Any:
            if isinstance(value, str) and values:  # "open, pending": enum values never hold a comma
                value = [v for v in (s.strip() for s in value.split(",")) if v]
            elif value is not None and not isinstance(value, list):  # a name may hold a comma: one item
                value = [value]
            if not isinstance(value, list):
                return value
            return [fix(v) for v in value] if values else list(value)  # without enum values, fix changes nothing

        return Annotated[tp, BeforeValidator(as_list)]
    values = _literals(tp)
    if values:
        return Annotated[tp, BeforeValidator(_canonical(values))]
    return tp
