"""Shared by the benchmarks: the bench database, result tables and docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = os.environ.get("BENCH_DATABASE", "vouchers_bench")


def psql(sql: str, database: str = "postgres") -> str:
    """Run one statement with psql on the bench server (trust auth, local only)."""
    result = subprocess.run(  # noqa: S603 - fixed program, our own SQL
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qAtc", sql, database],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def recreate_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')


@dataclass
class Table:
    """One benchmark's result: a title, column names, rows and notes under the table."""

    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [
            f"### {self.title}",
            "",
            "| " + " | ".join(self.columns) + " |",
            "|" + "---|" * len(self.columns),
        ]
        lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in self.rows]
        lines += ["", *[f"- {note}" for note in self.notes]] if self.notes else []
        return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def machine() -> str:
    """Cores, memory, PostgreSQL version and git revision, for the record."""
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB, "
        f"{psql('SHOW server_version')} PostgreSQL, Python {platform.python_version()}, "
        f"git {revision}, load average {load:.1f} at start"
    )


def append_to_doc(tables: list[Table], header: str) -> None:
    """Append one run's tables under a dated heading to docs/benchmarks.md."""
    stamp = datetime.now(tz=ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M %Z")
    text = f"\n## Run of {stamp}\n\n{header}\n\n" + "\n".join(t.markdown() for t in tables)
    if not DOC.exists():
        DOC.write_text("# Benchmarks\n\nRecorded by `make bench` (see the end for the analysis).\n")
    with DOC.open("a") as handle:
        handle.write(text)
