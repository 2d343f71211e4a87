"""The demo loader, the deploy checklist and the Celery wiring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from accounts.models import AuditEntry, City, Organisation, User

ROOT = Path(__file__).resolve().parents[2]


def test_demo_loader_is_idempotent_and_prints_logins(db, capsys):
    call_command("load_demo")
    counts = (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count())
    first_output = capsys.readouterr().out

    call_command("load_demo")

    assert counts == (Organisation.objects.count(), User.objects.count(),
                      AuditEntry.objects.count())
    assert User.objects.filter(username="js_reviewer", role="authority_reviewer").exists()
    assert "js_enterprise" in first_output
    assert City.objects.filter(region__short_code="AH", in_common_area=True).count() == 8


def test_production_settings_pass_the_deploy_check(tmp_path):
    # The browser tests lift Django's async guard in this process; production never does.
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT"}
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    environment = inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64 + "-production-secret-for-the-check",
        "IDENTITY_KEY_SECRET": "y" * 64,
        "DJANGO_ALLOWED_HOSTS": "vouchers.example.cn",
        # Not /var/lib/vouchers, the production default: starting Django makes the static root.
        "VOUCHERS_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_celery_task_runs_through_the_configured_app():
    from accounts.tasks import ping

    assert ping.delay(value="x").get(timeout=10) == "pong:x"


def test_demo_operator_keeps_reference_data_in_the_admin(client, db):
    call_command("load_demo")
    client.force_login(User.objects.get(username="operator"))
    assert client.get("/admin/accounts/city/").status_code == 200
    assert client.get("/admin/accounts/organisation/").status_code == 200
    client.force_login(User.objects.get(username="js_reviewer"))
    assert client.get("/admin/accounts/city/").status_code == 302
