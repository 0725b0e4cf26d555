"""One read-only query against the loaded extract, with the engine locked down.

The connection is opened read-only, with external access off (no files, no network, no extensions) and its
configuration locked, so no statement can turn those back on. Only query statements pass (DuckDB's own parser
says what a statement is, so comments and casing cannot hide an UPDATE); a query that runs past its time limit
is interrupted. Engine errors come back as one sentence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = "1GB"
THREADS = 2
FETCH = 10_000


def locked_config(*, external: bool = False) -> dict[str, Any]:
    """The connection settings: bounded memory and threads, no autoloading extensions, locked."""
    return {
        "enable_external_access": external,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "memory_limit": MEMORY_LIMIT,
        "threads": THREADS,
        "lock_configuration": not external,
    }


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    import duckdb

    return duckdb.connect(str(path), read_only=True, config=locked_config())


def check(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """One query statement (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE), or InvalidInput."""
    import duckdb

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise InvalidInput(f"sql: {sentence(exc)}") from None
    if len(statements) != 1:
        raise InvalidInput(f"sql: send exactly one statement (got {len(statements)}).")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        name = str(kind).rsplit(".", 1)[-1]
        raise InvalidInput(f"sql: only read-only queries run here, not {name} statements; write one SELECT.")


def sentence(exc: BaseException) -> str:
    """The engine's message as one sentence: its first line, without the 'Xxx Error:' prefix."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    head, sep, rest = text.partition("Error: ")
    text = rest if sep and len(head) < 30 else text
    return text.rstrip(".!") + "."


@dataclass
class Result:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    total: int


def run(path: Path, sql: str, *, keep: int, timeout: float) -> Result:
    """Run `sql` (blocking; call it in a worker thread): the first `keep` rows and the total row count."""
    import duckdb

    con = connect(path)
    timer = threading.Timer(timeout, con.interrupt)
    try:
        check(con, sql)
        timer.start()
        try:
            cur = con.execute(sql)
            columns = [d[0] for d in cur.description or []]
            types = [str(d[1]) for d in cur.description or []]
            rows: list[tuple[Any, ...]] = []
            total = 0
            while batch := cur.fetchmany(FETCH):
                total += len(batch)
                if len(rows) < keep:
                    rows.extend(batch[: keep - len(rows)])
        except duckdb.InterruptException:
            raise InvalidInput(
                f"sql: the query ran past its time limit ({timeout:g} s) and was stopped; aggregate or filter more."
            ) from None
        except duckdb.Error as exc:
            raise InvalidInput(f"sql: {sentence(exc)}") from None
        return Result(columns, types, rows, total)
    finally:
        timer.cancel()
        con.close()
