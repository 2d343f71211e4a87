"""The point-in-time recovery drill (docs/operations.md, "Continuous archiving and point-in-time
recovery"): a private cluster archives its WAL with pgBackRest, configured by
deploy/pgbackrest/ with its paths and port replaced; after two ledger postings it is restored to
the moment between them, then to a moment before both. Each restored ledger passes
`ledger_verify` and holds exactly the postings made before its moment.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.servers import (
    ROOT,
    PrivatePostgres,
    PrivateRedis,
    ensure_debian_package,
    manage,
    stack_environment,
    wait_until,
)

pytestmark = [pytest.mark.scale, pytest.mark.postgres]

DEPLOY = ROOT / "deploy" / "pgbackrest"
STANZA = "vouchers"
DATABASE = "vouchers_pitr"

OPEN_ACCOUNTS = """
from django.utils import timezone
from vouchers.ledger.services import account_open
now = timezone.now()
account_open(kind="funding", owner_type="region", owner_id="sh", name="funding", now=now)
account_open(kind="budget", owner_type="program", owner_id="1", name="budget", now=now,
             debits_must_not_exceed_credits=True)
"""
POST = """
from django.utils import timezone
from vouchers.ledger.models import Account
from vouchers.ledger.services import TransferSpec, ledger_post
funding, budget = Account.objects.get(kind="funding"), Account.objects.get(kind="budget")
ledger_post(transfers=[TransferSpec(idempotency_key={key!r}, debit_account_id=funding.pk,
            credit_account_id=budget.pk, amount_fen={amount})], now=timezone.now())
"""
JOURNAL = "SELECT idempotency_key FROM ledger_transfer ORDER BY id"
BALANCES = ("SELECT kind || ' ' || debits_posted_fen || ' ' || credits_posted_fen"
            " FROM ledger_account ORDER BY kind")


class Repository:
    """pgBackRest with the production configuration pointed at a private folder and cluster.

    Every command runs as the postgres OS user: the server's archive-push runs as that user,
    and a repository file that root wrote (root is not refused) could no longer be updated.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config = folder / "pgbackrest.conf"
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._chown(folder)

    def configure(self, cluster: PrivatePostgres) -> None:
        production = configparser.ConfigParser(interpolation=None)
        production.read(DEPLOY / "pgbackrest.conf")
        production["global"].update({
            "repo1-path": str(self.folder / "repository"),
            "lock-path": str(self.folder / "lock"), "log-path": str(self.folder / "log"),
            "log-level-console": "warn", "log-level-file": "off", "archive-timeout": "30",
        })
        production[STANZA].update({
            "pg1-path": cluster.psql("SHOW data_directory"), "pg1-port": str(cluster.port),
        })
        self.config.write_text("".join(
            f"[{section}]\n" + "".join(f"{key}={value}\n" for key, value in options.items())
            for section, options in production.items() if section != "DEFAULT"
        ))
        self._chown(self.config)

    def command(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [*self._as_owner, "pgbackrest", f"--config={self.config}", f"--stanza={STANZA}",
             *args],
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert result.returncode == 0, f"pgbackrest {' '.join(args)}: {result.stderr[-3000:]}"
        return result.stdout

    def _chown(self, path: Path) -> None:
        if self._as_owner:
            shutil.chown(path, "postgres", "postgres")


def archiving_settings(config: Path) -> dict[str, str]:
    """deploy/pgbackrest/archiving.conf, its archive_command told where the config is."""
    settings = {}
    for line in (DEPLOY / "archiving.conf").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = (part.strip() for part in line.split("=", 1))
            settings[name] = value.strip("'")
    settings["archive_command"] = settings["archive_command"].replace(
        "pgbackrest ", f"pgbackrest --config={config} ", 1)
    return settings


@pytest.fixture
def archived() -> Iterator[tuple[PrivatePostgres, Repository]]:
    """A private cluster archiving into a fresh repository, with a first full backup."""
    if shutil.which("pg_createcluster") is None:
        pytest.fail("the recovery drill needs Debian's postgresql-common (pg_createcluster)")
    ensure_debian_package("pgbackrest", "pgbackrest")  # as .ci/run's ensure_pgbackrest
    # Not tmp_path: the server's postgres user must reach the folder, and pytest's base
    # folder is private to the user running the tests.
    repository = Repository(Path(tempfile.mkdtemp(prefix="vouchers-pitr-")))
    cluster = PrivatePostgres()
    try:
        cluster.create(archiving_settings(repository.config))
        repository.configure(cluster)
        repository.command("stanza-create")
        repository.command("check")  # archive_command works: a segment reached the repository
        repository.command("--type=full", "backup")
        yield cluster, repository
    finally:
        cluster.drop()
        shutil.rmtree(repository.folder, ignore_errors=True)


def restore_to(moment: str, cluster: PrivatePostgres, repository: Repository) -> None:
    cluster.stop()
    repository.command("restore", "--delta", "--type=time", f"--target={moment}",
                       "--target-action=promote")
    try:
        cluster.start()
    except subprocess.CalledProcessError as error:  # pg_ctlcluster prints the server's log
        output = ((error.stdout or b"") + (error.stderr or b"")).decode(errors="replace")
        raise AssertionError(f"restored cluster did not start: {output[-3000:]}") from error
    # The server takes connections while it still replays WAL: wait for the promotion.
    wait_until(lambda: cluster.psql("SELECT pg_is_in_recovery()") == "f", timeout=60,
               what="restored cluster promoted")


def database_now(cluster: PrivatePostgres) -> str:
    return cluster.psql("SELECT now()")


def test_a_restore_to_a_moment_keeps_exactly_the_postings_made_before_it(archived, tmp_path):
    cluster, repository = archived
    cluster.psql(f"CREATE DATABASE {DATABASE}")
    environment = stack_environment(database_url=cluster.url(DATABASE), redis=PrivateRedis(),
                                    var_dir=tmp_path)
    manage("migrate", "--noinput", env=environment)
    manage("shell", "-c", OPEN_ACCOUNTS, env=environment)
    repository.command("--type=diff", "backup")

    before_both = database_now(cluster)
    manage("shell", "-c", POST.format(key="pitr-first", amount=1_000), env=environment)
    between = database_now(cluster)  # after the first commit, in the database's clock
    time.sleep(1)
    manage("shell", "-c", POST.format(key="pitr-second", amount=2_500), env=environment)
    second_segment = cluster.psql("SELECT pg_walfile_name(pg_current_wal_lsn())")
    assert cluster.psql(JOURNAL, DATABASE).split() == ["pitr-first", "pitr-second"]
    cluster.psql("SELECT pg_switch_wal()")
    repository.command("check")  # returns once the switched-out segment is archived

    (info,) = json.loads(repository.command("info", "--output=json"))
    assert [backup["type"] for backup in info["backup"]] == ["full", "diff"]
    (archive,) = info["archive"]
    assert archive["min"] <= info["backup"][0]["archive"]["start"]
    assert archive["max"] >= second_segment

    restore_to(between, cluster, repository)
    assert cluster.psql(JOURNAL, DATABASE).split() == ["pitr-first"]
    assert cluster.psql(BALANCES, DATABASE).splitlines() == ["budget 0 1000", "funding 1000 0"]
    verified = manage("ledger_verify", env=environment)
    assert "Checked 2 accounts and 1 transfers" in verified
    assert "Ledger OK" in verified

    # The promotion above began a new timeline after `before_both`; the default target
    # timeline (latest) still passes through that moment.
    restore_to(before_both, cluster, repository)
    assert cluster.psql(JOURNAL, DATABASE) == ""
    assert cluster.psql(BALANCES, DATABASE).splitlines() == ["budget 0 0", "funding 0 0"]
    verified = manage("ledger_verify", env=environment)
    assert "Checked 2 accounts and 0 transfers" in verified
    assert "Ledger OK" in verified
