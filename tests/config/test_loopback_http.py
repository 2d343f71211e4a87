"""The production settings over plain HTTP on loopback, as a browser would see them: a real
gunicorn, a cookie jar that keeps Secure cookies off plain HTTP (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.config.production_env import (
    PASSWORD,
    USERNAME,
    browser,
    fetch,
    production_environment,
    production_site,
)
from tests.faults.servers import Process, free_port, web_server


@pytest.fixture(scope="module")
def loopback_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """A migrated SQLite database with one operator and the static files, on 127.0.0.1."""
    tmp_path = tmp_path_factory.mktemp("loopback")
    environment = production_environment(
        tmp_path, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", DJANGO_INSECURE_LOOPBACK_HTTP="1")
    production_site(environment)
    return str(tmp_path), environment


def _serve(environment: dict[str, str], log: Path) -> tuple[Process, str]:
    port = free_port()
    return web_server(env=environment, log=log, port=port, workers=1), f"http://127.0.0.1:{port}"


def test_login_works_over_plain_http_on_loopback_with_the_switch(
    loopback_site: tuple[str, dict[str, str]]
) -> None:
    # Given the production settings with DJANGO_INSECURE_LOOPBACK_HTTP=1, served on 127.0.0.1
    folder, environment = loopback_site
    server, base = _serve(environment, Path(folder) / "gunicorn.log")
    try:
        client = browser()
        # When the operator opens the login page over http and signs in
        status, location, page = fetch(client, f"{base}/accounts/login/")
        assert (status, location) == (200, ""), server.output()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert csrf is not None
        status, location, _ = fetch(client, f"{base}/accounts/login/", {
            "csrfmiddlewaretoken": csrf.group(1), "username": USERNAME, "password": PASSWORD})
        # Then the login succeeds and the session cookie is sent back on the next page
        assert (status, location) == (302, "/"), server.output()
        status, location, _ = fetch(client, f"{base}/accounts/password/")
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
        status, location, _ = fetch(browser(), f"{base}/accounts/login/")
        assert (status, location) == (301, f"https{base.removeprefix('http')}/accounts/login/")
    finally:
        server.kill()
