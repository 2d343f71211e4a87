"""Production settings: the identity key is required, files live outside the checkout, and
plain HTTP is allowed only on loopback (issue 17)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from config.loopback import is_loopback_host
from tests.config.production_env import ROOT, production_environment

SHOW = (
    "import json; from config.settings import production as s; from config.celery import app; "
    "print(json.dumps({'static': s.STATIC_ROOT, 'media': s.MEDIA_ROOT, "
    "'beat': app.conf.beat_schedule_filename, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'identity': s.IDENTITY_KEY_SECRET == s.SECRET_KEY}))"
)


def _settings(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=environment,  # noqa: S603
                          capture_output=True, text=True, check=False)


def test_production_refuses_to_start_without_an_identity_key(tmp_path: Path) -> None:
    # Given the production environment without IDENTITY_KEY_SECRET
    environment = production_environment(tmp_path)
    del environment["IDENTITY_KEY_SECRET"]
    # When the settings load
    result = _settings(environment)
    # Then they refuse, naming the variable: it is never derived from the rotating SECRET_KEY
    assert result.returncode == 1
    assert "Set the IDENTITY_KEY_SECRET environment variable" in result.stderr


def test_production_keeps_its_files_under_var_lib_vouchers_by_default(tmp_path: Path) -> None:
    # Given no VOUCHERS_VAR_DIR, DJANGO_STATIC_ROOT or DJANGO_MEDIA_ROOT
    environment = production_environment(tmp_path)
    del environment["VOUCHERS_VAR_DIR"]
    # When the settings load (importing them makes no folder)
    result = _settings(environment)
    # Then static files, uploads and the beat schedule default outside the checkout
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "static": "/var/lib/vouchers/static", "media": "/var/lib/vouchers/media",
        "beat": "/var/lib/vouchers/celerybeat-schedule", "redirect": True,
        "session_secure": True, "csrf_secure": True, "hsts": 31_536_000, "identity": False,
    }


def test_vouchers_var_dir_moves_every_production_file(tmp_path: Path) -> None:
    result = _settings(production_environment(tmp_path / "srv"))
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["static"], shown["media"], shown["beat"]) == (
        str(tmp_path / "srv" / "static"), str(tmp_path / "srv" / "media"),
        str(tmp_path / "srv" / "celerybeat-schedule"))


def test_loopback_http_turns_off_the_redirect_secure_cookies_and_hsts(tmp_path: Path) -> None:
    # Given the development switch with loopback hosts only
    result = _settings(production_environment(
        tmp_path, DJANGO_INSECURE_LOOPBACK_HTTP="1",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,[::1]"))
    # Then plain HTTP works: no redirect, cookies without Secure, no HSTS
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["redirect"], shown["session_secure"], shown["csrf_secure"], shown["hsts"]) == (
        False, False, False, 0)


@pytest.mark.parametrize("hosts", ["127.0.0.1,vouchers.example.cn", "*", "localhost,.example.cn"])
def test_loopback_http_is_refused_for_a_host_that_is_not_loopback(
    tmp_path: Path, hosts: str
) -> None:
    # Given the development switch on a host the outside world can reach
    result = _settings(production_environment(
        tmp_path, DJANGO_INSECURE_LOOPBACK_HTTP="1", DJANGO_ALLOWED_HOSTS=hosts))
    # Then the settings refuse to load, naming the offending hosts
    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_INSECURE_LOOPBACK_HTTP=1 is accepted only" in (
        result.stderr)
    others = [host for host in hosts.split(",") if host not in {"127.0.0.1", "localhost"}]
    assert f"not loopback: {others}" in result.stderr


@pytest.mark.parametrize(("host", "loopback"), [
    ("localhost", True), ("LOCALHOST", True), ("app.localhost", True), ("127.0.0.1", True),
    ("127.8.9.10", True), ("[::1]", True), ("::1", True), ("*", False), ("", False),
    ("0.0.0.0", False),  # noqa: S104 - a host name here, not an address to bind
    ("10.0.0.1", False), ("vouchers.example.cn", False), ("localhost.cn", False),
])
def test_loopback_names(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
