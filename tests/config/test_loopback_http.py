"""The production settings over plain HTTP on loopback, as a browser would see them: a real
gunicorn, a cookie jar that keeps Secure cookies off plain HTTP (issue 17)."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.config.production_env import ROOT, production_environment
from tests.faults.servers import Process, free_port, web_server

PASSWORD = "plain-http-on-loopback-1"  # a throwaway user of a throwaway database
CREATE_USER = (
    "from accounts.models import Organisation, Region, User; "
    "operator = Organisation.objects.create(kind='operator', name='平台运营方', status='approved', "
    "region=Region.objects.get(code='31')); "
    f"User.objects.create_user(username='operator1', password='{PASSWORD}', role='operator', "
    "organisation=operator)"
)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def loopback_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """A migrated SQLite database with one operator, its static files collected (our own only:
    the page under test needs nothing else, and compressing the API docs' takes a minute)."""
    tmp_path = tmp_path_factory.mktemp("loopback")
    environment = production_environment(
        tmp_path, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", DJANGO_INSECURE_LOOPBACK_HTTP="1")
    _manage("migrate", "-v0", env=environment)
    _manage("collectstatic", "--noinput", "-v0", "-i", "drf_spectacular_sidecar", "-i", "admin",
            "-i", "rest_framework", env=environment)
    _manage("shell", "-c", CREATE_USER, env=environment)
    return str(tmp_path), environment


def _serve(environment: dict[str, str], log: Path) -> tuple[Process, str]:
    port = free_port()
    return web_server(env=environment, log=log, port=port, workers=1), f"http://127.0.0.1:{port}"


def _browser() -> urllib.request.OpenerDirector:
    # CookieJar's default policy sends a Secure cookie over https only, as browsers do.
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects())


def _open(browser: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None
          ) -> tuple[int, str, str]:
    body = None if data is None else urllib.parse.urlencode(data).encode()
    try:
        with browser.open(url, data=body, timeout=30) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def test_login_works_over_plain_http_on_loopback_with_the_switch(
    loopback_site: tuple[str, dict[str, str]]
) -> None:
    # Given the production settings with DJANGO_INSECURE_LOOPBACK_HTTP=1, served on 127.0.0.1
    folder, environment = loopback_site
    server, base = _serve(environment, Path(folder) / "gunicorn.log")
    try:
        browser = _browser()
        # When the operator opens the login page over http and signs in
        status, location, page = _open(browser, f"{base}/accounts/login/")
        assert (status, location) == (200, ""), server.output()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert csrf is not None
        status, location, _ = _open(browser, f"{base}/accounts/login/", {
            "csrfmiddlewaretoken": csrf.group(1), "username": "operator1", "password": PASSWORD})
        # Then the login succeeds and the session cookie is sent back on the next page
        assert (status, location) == (302, "/"), server.output()
        status, location, _ = _open(browser, f"{base}/accounts/password/")
        assert (status, location) == (200, "")
    finally:
        server.kill()


def test_without_the_switch_plain_http_is_redirected_to_https(
    loopback_site: tuple[str, dict[str, str]]
) -> None:
    # Given the same site with the production defaults (no switch)
    folder, switched = loopback_site
    environment = {k: v for k, v in switched.items() if k != "DJANGO_INSECURE_LOOPBACK_HTTP"}
    server, base = _serve(environment, Path(folder) / "gunicorn.log")
    try:
        # When the login page is opened over http, then it answers with the https address
        status, location, _ = _open(_browser(), f"{base}/accounts/login/")
        assert (status, location) == (301, f"https{base.removeprefix('http')}/accounts/login/")
    finally:
        server.kill()
