"""deploy/nginx/vouchers.conf in front of gunicorn on the production settings: the syntax
check, then real requests through nginx with a self-signed certificate (issue 17, "Behind a
TLS proxy"). nginx comes from Debian (`apt-get install nginx-light`; .ci/run installs it)."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.config.production_env import (
    PASSWORD,
    USERNAME,
    browser,
    fetch,
    manage,
    production_environment,
    production_site,
)
from tests.faults.servers import Process, _port_open, free_port, wait_until, web_server

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = ROOT / "deploy" / "nginx" / "vouchers.conf"


@dataclass
class Proxy:
    folder: Path
    environment: dict[str, str]
    http: str
    https: str
    tls: ssl.SSLContext


def _nginx() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)
    assert found, "nginx is not installed: apt-get install nginx-light (.ci/run installs it)"
    return found


def _certificate(folder: Path) -> None:
    folder.mkdir()
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",  # noqa: S607
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True)


def _local_configuration(folder: Path, *, http: int, https: int, upstream: int) -> Path:
    """The deployed file with this test's ports, certificate and log folder; nothing else
    changes. Wrapped in the main context a Debian nginx.conf would give it."""
    site = CONFIGURATION.read_text()
    for deployed, local in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"), ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/vouchers/", f"{folder}/ssl/"), ("/var/log/nginx/", f"{folder}/logs/"),
    ]:
        assert deployed in site, f"{deployed!r} is no longer in {CONFIGURATION}"
        site = site.replace(deployed, local)
    (folder / "logs").mkdir()
    (folder / "vouchers.conf").write_text(site)
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/logs/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  access_log {folder}/logs/access.log;\n"
        f"  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n  include {folder}/vouchers.conf;\n}}\n")
    return main


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """nginx on two spare ports in front of gunicorn (production settings, 127.0.0.1 only)."""
    nginx = _nginx()
    folder = tmp_path_factory.mktemp("proxy")
    environment = production_environment(folder, DJANGO_ALLOWED_HOSTS="127.0.0.1")
    production_site(environment)
    _certificate(folder / "ssl")
    upstream, http, https = free_port(), free_port(), free_port()
    main = _local_configuration(folder, http=http, https=https, upstream=upstream)
    checked = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(main)],  # noqa: S603
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
    web = web_server(env=environment, log=folder / "gunicorn.log", port=upstream, workers=1)
    server = Process([nginx, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
                     env=environment, log=folder / "nginx.log")
    try:
        wait_until(lambda: _port_open(https), timeout=30, what="nginx listening")
        tls = ssl.create_default_context(cafile=str(folder / "ssl" / "fullchain.pem"))
        yield Proxy(folder, environment, f"http://127.0.0.1:{http}",
                    f"https://127.0.0.1:{https}", tls)
    finally:
        server.kill()
        web.kill()


def test_plain_http_is_redirected_to_https_by_nginx(proxy: Proxy) -> None:
    status, location, _ = fetch(browser(), f"{proxy.http}/accounts/login/?next=/")
    assert (status, location) == (301, "https://127.0.0.1/accounts/login/?next=/")


def test_over_tls_django_sees_https_whatever_the_client_claims(proxy: Proxy) -> None:
    # Given a client that sends its own X-Forwarded-Proto: http
    client = browser(proxy.tls)
    status, location, page = fetch(client, f"{proxy.https}/accounts/login/",
                                   headers={"X-Forwarded-Proto": "http"})
    # Then nginx overwrote it: Django (SECURE_PROXY_SSL_HEADER) serves the page, no redirect
    assert (status, location) == (200, "")
    assert 'name="csrfmiddlewaretoken"' in page


def test_login_through_the_proxy_with_secure_cookies(proxy: Proxy) -> None:
    # Given the login page over https (its CSRF and session cookies are Secure)
    client = browser(proxy.tls)
    _status, _location, page = fetch(client, f"{proxy.https}/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None
    # When the operator signs in, then the session works on the next page
    status, location, _ = fetch(client, f"{proxy.https}/accounts/login/", {
        "csrfmiddlewaretoken": csrf.group(1), "username": USERNAME, "password": PASSWORD},
        headers={"Origin": proxy.https})  # as a browser sends with every POST
    assert (status, location) == (302, "/")
    status, _location, _ = fetch(client, f"{proxy.https}/accounts/password/")
    assert status == 200


def test_a_forged_x_forwarded_for_is_replaced_by_the_address_nginx_saw(proxy: Proxy) -> None:
    # Given a client on 127.0.0.1 claiming to be 198.51.100.9
    client = browser(proxy.tls)
    _status, _location, page = fetch(client, f"{proxy.https}/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None
    # When its login fails
    fetch(client, f"{proxy.https}/accounts/login/",
          {"csrfmiddlewaretoken": csrf.group(1), "username": "nobody", "password": "wrong"},
          headers={"X-Forwarded-For": "198.51.100.9", "Origin": proxy.https})
    # Then the audit trail has the address nginx saw, not the claimed one
    shown = manage("shell", "-c", (
        "from accounts.models import AuditEntry; "
        "print(AuditEntry.objects.filter(action='login_failed').latest('pk').ip_address)"),
        env=proxy.environment)
    assert shown.strip().splitlines()[-1] == "127.0.0.1"


def test_a_body_over_12_megabytes_is_refused_by_nginx(proxy: Proxy) -> None:
    status, _location, _ = fetch(browser(proxy.tls), f"{proxy.https}/accounts/login/",
                                 b"x" * (12 * 1024 * 1024 + 1),
                                 headers={"Content-Type": "application/octet-stream"})
    assert status == 413
    # nginx refused it itself, before it reached gunicorn
    assert "client intended to send too large body" in (
        proxy.folder / "logs" / "vouchers.error.log").read_text()
