"""deploy/backup.sh and deploy/restore.sh: a seeded year backed up and restored into another
database and media folder is the same ledger, the same migrations, the same annual totals and
the same files (issue 17, "Backups and restore"). Uses the shared PostgreSQL server, databases
vouchers_hf_*, through manage.py subprocesses; this session's test database is untouched."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.config.production_env import ROOT
from tests.faults.servers import manage

pytestmark = pytest.mark.postgres

SEED = "from bench.year_seed import build_year; build_year()"
TOTALS = (
    "import json; from reporting.services.annual_totals import annual_totals_compute; "
    "print(json.dumps(annual_totals_compute(year=2024, region=None), sort_keys=True, "
    "default=str))"
)


def _server_url(database: str) -> str:
    # pg_dump and pg_restore need a session: behind a pooler, the direct address.
    default = settings.DATABASES.get("direct", settings.DATABASES["default"])
    password = f":{default['PASSWORD']}" if default.get("PASSWORD") else ""
    return (f"postgres://{default['USER']}{password}@{default['HOST'] or '127.0.0.1'}:"
            f"{default['PORT'] or 5432}/{database}")


def _environment(database: str, media: Path, var: Path) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "DJANGO_", "PYTEST"))}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",  # devtools' factories seed the year
        "DATABASE_URL": _server_url(database), "DJANGO_MEDIA_ROOT": str(media),
        "VOUCHERS_VAR_DIR": str(var), "PYTHONPATH": str(ROOT),
    }


def _drop(database: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", "--dbname", _server_url("postgres"), "-qc",  # noqa: S607
         f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'],
        check=False, capture_output=True)


def _checksums(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _script(name: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "deploy" / name), *args], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False, timeout=300)
    assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    source, restored = f"vouchers_hf_source_{os.getpid()}", f"vouchers_hf_restored_{os.getpid()}"
    for database in (source, restored):
        _drop(database)
    try:
        yield source, restored
    finally:
        for database in (source, restored):
            _drop(database)


def test_a_backup_restores_to_the_same_ledger_totals_and_files(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, restored = databases
    # Given a year of business (vouchers, orders with evidence, redemptions, payments)
    subprocess.run(["psql", "--dbname", _server_url("postgres"), "-qc",  # noqa: S603, S607
                    f'CREATE DATABASE "{source}"'], check=True, capture_output=True)
    live = _environment(source, tmp_path / "media", tmp_path / "var")
    manage("migrate", "-v0", env=live)
    manage("shell", "-c", SEED, env=live)
    files = _checksums(tmp_path / "media")
    assert files, "the seeded year has evidence files"
    totals = manage("shell", "-c", TOTALS, env=live)

    # When it is backed up and restored into a new database and media folder
    folder = Path(_script("backup.sh", str(tmp_path / "backups"), env=live).strip())
    assert folder.parent == tmp_path / "backups"
    assert folder.name.startswith("vouchers-")
    assert sorted(path.name for path in folder.iterdir()) == [
        "MANIFEST", "SHA256SUMS", "database.dump", "media-files.sha256", "media.tar.gz"]
    manifest = (folder / "MANIFEST").read_text()
    assert f"database: {source}\n" in manifest
    assert f"media_files: {len(files)}\n" in manifest
    assert "  ledger " in manifest  # the latest migration of each app
    copy = _environment(restored, tmp_path / "media-restored", tmp_path / "var")
    _script("restore.sh", str(folder), env=copy | {
        "RESTORE_DATABASE_URL": copy["DATABASE_URL"],
        "RESTORE_MEDIA_ROOT": copy["DJANGO_MEDIA_ROOT"]})

    # Then the copy is the same: a clean ledger, every migration applied, the same annual
    # totals, the same files byte for byte
    assert "Ledger OK" in manage("ledger_verify", env=copy)
    manage("migrate", "--check", env=copy)
    assert manage("shell", "-c", TOTALS, env=copy) == totals
    assert _checksums(tmp_path / "media-restored") == files


def test_restore_refuses_an_existing_database_and_a_tampered_backup(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, restored = databases
    subprocess.run(["psql", "--dbname", _server_url("postgres"), "-qc",  # noqa: S603, S607
                    f'CREATE DATABASE "{source}"'], check=True, capture_output=True)
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "evidence.pdf").write_bytes(b"%PDF-1.4\n")
    live = _environment(source, tmp_path / "media", tmp_path / "var")
    manage("migrate", "-v0", env=live)
    folder = Path(_script("backup.sh", str(tmp_path / "backups"), env=live).strip())
    arguments = [str(ROOT / "deploy" / "restore.sh"), str(folder)]

    # Restoring over the live database is refused
    over_live = subprocess.run(arguments, env=live | {  # noqa: S603
        "RESTORE_DATABASE_URL": live["DATABASE_URL"],
        "RESTORE_MEDIA_ROOT": str(tmp_path / "elsewhere")}, capture_output=True, text=True,
        check=False)
    assert over_live.returncode == 2
    assert f"database {source} exists already" in over_live.stderr

    # A backup whose archive changed is refused before anything is created
    with (folder / "media.tar.gz").open("ab") as archive:
        archive.write(b"tampered")
    tampered = subprocess.run(arguments, env=live | {  # noqa: S603
        "RESTORE_DATABASE_URL": _server_url(restored),
        "RESTORE_MEDIA_ROOT": str(tmp_path / "elsewhere")}, capture_output=True, text=True,
        check=False)
    assert tampered.returncode != 0
    assert "media.tar.gz: FAILED" in tampered.stdout + tampered.stderr
    assert not (tmp_path / "elsewhere").exists()
