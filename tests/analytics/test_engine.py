"""The security matrix: every statement kind but a query is refused, and every way out of the database file
(files, globbing, HTTP, extensions, settings) fails; a runaway query is interrupted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from acc_mcp.analytics import engine, store
from acc_mcp.errors import InvalidInput


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = tmp_path_factory.mktemp("files")
    (files / "issues_issues.csv").write_text("issue_id,status\na,open\nb,closed\n")
    (files / "README.txt").write_text("issues_issues.csv\n  - issue_id: The id.\n  - status: Status.\n")
    folder = tmp_path_factory.mktemp("db")
    store.build(folder, files, job="j", request="r", completed_at="2026-11-01T00:00:00Z", projects=["p"])
    return folder / store.DB


REFUSED_STATEMENTS = {
    "INSERT": "insert into issues_issues values ('c', 'open')",
    "UPDATE": "update issues_issues set status = 'x'",
    "DELETE": "delete from issues_issues",
    "CREATE": "create table t (a int)",
    "DROP": "drop table issues_issues",
    "ALTER": "alter table issues_issues add column x int",
    "ATTACH": "attach '/tmp/other.db' as o",
    "DETACH": "detach o",
    "COPY": "copy issues_issues to '/tmp/out.csv'",
    "EXPORT": "export database '/tmp/out'",
    "INSTALL": "install httpfs",
    "LOAD": "load httpfs",
    "PRAGMA": "pragma database_list",
    "SET": "set threads = 8",
    "RESET": "reset threads",
    "CALL": "call pragma_version()",
    "EXPLAIN": "explain select 1",
    "TRANSACTION": "begin transaction",
    "CHECKPOINT": "checkpoint",
    "VACUUM": "vacuum",
    "two statements": "select 1; select 2",
    "hidden after a comment": "/* select */ delete from issues_issues",
}


@pytest.mark.parametrize("sql", REFUSED_STATEMENTS.values(), ids=REFUSED_STATEMENTS.keys())
def test_only_one_query_statement_runs(db: Path, sql: str) -> None:
    with pytest.raises(InvalidInput, match=r"^sql: (only read-only queries|send exactly one)"):
        engine.run(db, sql, keep=10, timeout=5)


ESCAPES = {
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_csv_auto": "select * from read_csv_auto('/etc/passwd')",
    "read_text": "select * from read_text('/etc/passwd')",
    "read_blob": "select * from read_blob('/etc/passwd')",
    "read_json": "select * from read_json('/etc/hostname')",
    "read_parquet": "select * from read_parquet('/tmp/x.parquet')",
    "glob": "select * from glob('/etc/*')",
    "file as table": "select * from '/etc/passwd'",
    "HTTP": "select * from read_csv('http://example.com/x.csv')",
    "HTTPS as table": "select * from 'https://example.com/x.parquet'",
    "S3": "select * from read_parquet('s3://bucket/x.parquet')",
    "the database file itself": f"select * from read_blob('{Path.cwd()}/pyproject.toml')",
}


@pytest.mark.parametrize("sql", ESCAPES.values(), ids=ESCAPES.keys())
def test_files_network_and_extensions_are_out_of_reach(db: Path, sql: str) -> None:
    with pytest.raises(InvalidInput, match=r"^sql: .*(disabled|Permission|not|Catalog|extension)"):
        engine.run(db, sql, keep=10, timeout=5)


def test_the_configuration_is_locked_and_limited(db: Path) -> None:
    settings = engine.run(
        db,
        "select name, value from duckdb_settings() where name in "
        "('enable_external_access', 'lock_configuration', 'threads', 'autoload_known_extensions')",
        keep=10,
        timeout=5,
    )
    assert dict(settings.rows) == {
        "enable_external_access": "false",
        "lock_configuration": "true",
        "threads": "2",
        "autoload_known_extensions": "false",
    }
    with pytest.raises(InvalidInput):
        engine.run(db, "select set_config('threads', '8')", keep=1, timeout=5)


def test_queries_run_and_count_every_row(db: Path) -> None:
    result = engine.run(
        db, "-- open ones\nWITH x AS (FROM issues_issues) SELECT * FROM x ORDER BY 1", keep=1, timeout=5
    )
    assert result.columns == ["issue_id", "status"] and result.rows == [("a", "open")] and result.total == 2
    assert engine.run(db, "describe issues_issues", keep=10, timeout=5).total == 2


def test_a_runaway_query_is_interrupted(db: Path) -> None:
    with pytest.raises(InvalidInput, match=r"time limit \(0.3 s\)"):
        engine.run(db, "select count(*) from range(100000000000)", keep=1, timeout=0.3)


def test_engine_errors_are_one_sentence(db: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        engine.run(db, "select nope from issues_issues", keep=1, timeout=5)
    assert "\n" not in str(err.value) and str(err.value).startswith("sql: ") and str(err.value).endswith(".")


def test_duckdb_is_not_imported_until_an_analytics_tool_runs() -> None:
    code = (
        "import sys; from acc_mcp.demo import demo_server; demo_server({'toolsets': ('all',)}); "
        "assert 'duckdb' not in sys.modules, 'duckdb imported at start'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
