"""The environment of a subprocess on the production settings, apart from this test run's."""

from __future__ import annotations

import http.cookiejar
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 64 + "-production-secret-for-the-tests"
IDENTITY = "y" * 64 + "-identity-key-for-the-tests"


def production_environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings on SQLite in `var_dir`; every project variable of the caller dropped."""
    inherited = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "DJANGO_", "PYTEST", "VOUCHERS_"))
        and key != "IDENTITY_KEY_SECRET"
    }
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "IDENTITY_KEY_SECRET": IDENTITY,
        "DJANGO_ALLOWED_HOSTS": "vouchers.example.cn",
        "VOUCHERS_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    } | extra


PASSWORD = "plain-http-on-loopback-1"  # a throwaway user of a throwaway database
USERNAME = "operator1"
CREATE_USER = (
    "from accounts.models import Organisation, Region, User; "
    "operator = Organisation.objects.create(kind='operator', name='平台运营方', status='approved', "
    "region=Region.objects.get(code='31')); "
    f"User.objects.create_user(username='{USERNAME}', password='{PASSWORD}', role='operator', "
    "organisation=operator)"
)


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def production_site(environment: dict[str, str]) -> None:
    """Migrate the SQLite database, collect our own static files (the pages under test need
    nothing else, and compressing the API docs' takes a minute) and add one operator."""
    manage("migrate", "-v0", env=environment)
    manage("collectstatic", "--noinput", "-v0", "-i", "drf_spectacular_sidecar", "-i", "admin",
           "-i", "rest_framework", env=environment)
    manage("shell", "-c", CREATE_USER, env=environment)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def browser(tls: ssl.SSLContext | None = None) -> urllib.request.OpenerDirector:
    """A client that keeps cookies like a browser (a Secure cookie goes over https only, by
    CookieJar's default policy) and shows redirects instead of following them."""
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()]
    if tls is not None:
        handlers.append(urllib.request.HTTPSHandler(context=tls))
    return urllib.request.build_opener(*handlers)


def fetch(client: urllib.request.OpenerDirector, url: str, data: dict[str, str] | bytes | None
          = None, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, Location and body of one request."""
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    try:
        with client.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode(
            errors="replace")
