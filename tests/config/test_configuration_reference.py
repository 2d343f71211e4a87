"""Every environment variable the configuration reads has a row in docs/operations.md's
"Configuration reference" table, and every row names a variable still read (issue 17).

The reads are found in the source of config/ and manage.py, not by importing them: `env(...)`
and `env.<cast>(...)` (django-environ), `os.environ[...]`, `os.environ.get/setdefault(...)`
and `os.getenv(...)`, each with its name as a string literal.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "config").rglob("*.py")), ROOT / "manage.py"]
OPERATIONS = ROOT / "docs" / "operations.md"
SECTION = "## Configuration reference"
ROW_NAME = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|")
OS_ENVIRON_METHODS = {"get", "setdefault", "pop"}


def _is_os_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os")


def _read_name_node(node: ast.AST) -> ast.expr | bool | None:
    """The expression naming the variable this node reads; False if it reads none."""
    if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
        return node.slice
    if not isinstance(node, ast.Call):
        return False
    function = node.func
    is_env = (isinstance(function, ast.Name) and function.id == "env") or (
        isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)
        and function.value.id == "env")
    is_os = (isinstance(function, ast.Attribute) and function.attr in OS_ENVIRON_METHODS
             and _is_os_environ(function.value)) or (
        isinstance(function, ast.Attribute) and function.attr == "getenv"
        and isinstance(function.value, ast.Name) and function.value.id == "os")
    if not (is_env or is_os):
        return False
    named = [keyword.value for keyword in node.keywords if keyword.arg in {"var", "key"}]
    return node.args[0] if node.args else (named[0] if named else None)


def environment_reads(source: str, filename: str) -> tuple[dict[str, list[str]], list[str]]:
    """Variable name -> where it is read; and the reads whose name is not a string literal."""
    reads: dict[str, list[str]] = {}
    unnamed: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        name = _read_name_node(node)
        if name is False:
            continue
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            reads.setdefault(name.value, []).append(where)
        else:
            unnamed.append(where)
    return reads, unnamed


def configuration_reads() -> tuple[dict[str, list[str]], list[str]]:
    reads: dict[str, list[str]] = {}
    unnamed: list[str] = []
    for path in SOURCES:
        found, not_named = environment_reads(path.read_text(), str(path.relative_to(ROOT)))
        for name, places in found.items():
            reads.setdefault(name, []).extend(places)
        unnamed += not_named
    return reads, unnamed


def documented_names(markdown: str) -> list[str]:
    """The first-column names of the table under the "Configuration reference" heading."""
    _before, found, after = markdown.partition(f"\n{SECTION}\n")
    assert found, f"docs/operations.md has no {SECTION!r} section"
    section = re.split(r"\n## ", after, maxsplit=1)[0]
    return [match.group(1) for line in section.splitlines() if (match := ROW_NAME.match(line))]


def test_the_scanner_finds_every_form_of_read() -> None:
    source = (
        'A = env("ONE")\nB = env.str("TWO", default="x")\nC = env.db(var="THREE")\n'
        'D = os.environ["FOUR"]\nE = os.environ.get("FIVE")\nos.environ.setdefault("SIX", "y")\n'
        'F = os.getenv("SEVEN")\nG = env.bool(name)\nenviron.Env.read_env(path)\n'
        'H = settings.get("NOT_AN_ENV_READ")\n'
    )
    reads, unnamed = environment_reads(source, "example.py")
    assert reads == {"ONE": ["example.py:1"], "TWO": ["example.py:2"],
                     "THREE": ["example.py:3"], "FOUR": ["example.py:4"],
                     "FIVE": ["example.py:5"], "SIX": ["example.py:6"],
                     "SEVEN": ["example.py:7"]}
    assert unnamed == ["example.py:8"]


def test_the_table_is_read_from_its_own_section_only() -> None:
    markdown = ("# Ops\n| `OUTSIDE` | x |\n\n## Configuration reference\n\n| Name | Default |\n"
                "|---|---|\n| `FIRST` | 1 |\n| `SECOND_2` | 2 |\n\n## Next\n| `AFTER` | 3 |\n")
    assert documented_names(markdown) == ["FIRST", "SECOND_2"]


def test_every_variable_read_from_the_environment_is_in_the_configuration_reference() -> None:
    reads, unnamed = configuration_reads()
    documented = set(documented_names(OPERATIONS.read_text()))
    missing = {name: places for name, places in sorted(reads.items()) if name not in documented}
    assert not unnamed, f"environment reads whose name is not a string literal: {unnamed}"
    assert not missing, (
        f"{len(missing)} environment variable(s) read but missing from the {SECTION!r} table "
        "in docs/operations.md: "
        + "; ".join(f"{name} (read at {', '.join(places)})" for name, places in missing.items()))


def test_every_row_of_the_configuration_reference_names_a_variable_still_read() -> None:
    reads, _unnamed = configuration_reads()
    rows = documented_names(OPERATIONS.read_text())
    stale = [name for name in rows if name not in reads]
    doubled = sorted({name for name in rows if rows.count(name) > 1})
    assert not stale, (
        f"rows of the {SECTION!r} table in docs/operations.md naming a variable that config/ "
        f"and manage.py no longer read: {', '.join(stale)}")
    assert not doubled, f"variables with more than one row: {', '.join(doubled)}"
