"""Where a loaded extract lives, and how a folder of extract CSVs becomes it.

Per account, in the user's data folder (platformdirs, or ACC_ANALYTICS_DIR): `extract.duckdb`, one table per
CSV (named after the file: `issues_issues`), and `extract.json`, what describe_data shows without opening the
database (job, dates, projects, tables with row counts and each column's type and meaning from the extract's
README). Both are written under temporary names and renamed, so a reader sees the old extract or the new one.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..config import Settings
from .engine import locked_config

DB = "extract.duckdb"
META = "extract.json"
_REF = re.compile(r"\(([a-z0-9_]+)\.([a-z0-9_]+)\)")
_demo_dir: Path | None = None


def folder(settings: Settings, account: str) -> Path:
    """The account's analytics folder: ACC_ANALYTICS_DIR, a throwaway folder for the demo, else the data folder."""
    global _demo_dir
    if settings.analytics_dir:
        root = Path(settings.analytics_dir)
    elif settings.demo:  # the demo's data is made up: never mix it into the user's real data folder
        if _demo_dir is None:
            _demo_dir = Path(tempfile.mkdtemp(prefix="acc-mcp-analytics-"))
            atexit.register(shutil.rmtree, _demo_dir, True)
        root = _demo_dir
    else:
        from platformdirs import user_data_dir

        root = Path(user_data_dir("acc-mcp", appauthor=False)) / "analytics"
    return root / re.sub(r"[^A-Za-z0-9_-]", "_", account)


@dataclass
class Column:
    name: str
    type: str
    meaning: str


@dataclass
class Table:
    name: str
    rows: int
    columns: list[Column]


@dataclass
class Extract:
    job: str
    request: str
    completed_at: str
    loaded_at: float
    projects: list[str]
    tables: list[Table]

    @property
    def joins(self) -> list[str]:
        """`a.x = b.y` for each column whose meaning names the column it refers to, and every project id."""
        names = {t.name for t in self.tables}
        out: list[str] = []
        for t in self.tables:
            for c in t.columns:
                m = _REF.search(c.meaning)
                if m and m.group(1) in names and m.group(1) != t.name:
                    out.append(f"{t.name}.{c.name} = {m.group(1)}.{m.group(2)}")
                elif c.name == "bim360_project_id" and "admin_projects" in names:
                    out.append(f"{t.name}.{c.name} = admin_projects.id")
        return out


def load(path: Path) -> Extract | None:
    try:
        raw = json.loads((path / META).read_text())
    except (OSError, ValueError):
        return None
    if not (path / DB).exists():
        return None
    tables = [Table(t["name"], t["rows"], [Column(**c) for c in t["columns"]]) for t in raw.pop("tables")]
    return Extract(**raw, tables=tables)


def meanings(readme: str) -> dict[str, dict[str, str]]:
    """`file.csv` → column → meaning, from README lines `name.csv` then `  - column: meaning`."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in readme.splitlines():
        if line.strip().endswith(".csv") and not line.startswith(" "):
            current = out.setdefault(line.strip(), {})
        elif current is not None and line.startswith("  - "):
            name, _, meaning = line[4:].partition(":")
            current[name.strip()] = meaning.strip()
    return out


def build(path: Path, files: Path, *, job: str, request: str, completed_at: str, projects: list[str]) -> Extract:
    """Load every CSV in `files` into a new database at `path` (replacing the old one when complete)."""
    import duckdb

    path.mkdir(parents=True, exist_ok=True)
    readme = files / "README.txt"
    text = readme.read_text(errors="replace") if readme.exists() else ""
    about = meanings(text)
    listed = next((line[len("Projects:") :] for line in text.splitlines() if line.startswith("Projects:")), "")
    projects = projects or [p.strip() for p in listed.split(",") if p.strip()]
    tmp = path / f".{DB}.{os.getpid()}.part"
    tmp.unlink(missing_ok=True)
    tables: list[Table] = []
    # Reading the CSVs needs the file system: this connection is ours alone and never runs a model's SQL.
    con = duckdb.connect(str(tmp), config=locked_config(external=True))
    try:
        for csv in sorted(files.glob("*.csv")):
            name = re.sub(r"[^a-z0-9_]", "_", csv.stem.lower())
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_csv(?, header = true)', [str(csv)])
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            described = con.execute(f'DESCRIBE "{name}"').fetchall()
            told = about.get(csv.name, {})
            columns = [Column(str(d[0]), str(d[1]), told.get(str(d[0]), "")) for d in described]
            tables.append(Table(name, int(rows[0]) if rows else 0, columns))
    finally:
        con.close()
    os.replace(tmp, path / DB)
    extract = Extract(job, request, completed_at, time.time(), projects, tables)
    meta = path / f".{META}.part"
    meta.write_text(json.dumps(asdict(extract)))
    os.replace(meta, path / META)
    return extract
