"""Rotating DJANGO_SECRET_KEY with the old key in DJANGO_SECRET_KEY_FALLBACKS keeps everyone
signed in; without it, every session ends (issue 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from tests.config.production_env import ROOT, production_environment

OLD_KEY = "old-" + "o" * 60
NEW_KEY = "new-" + "n" * 60


def _signed_in_with_the_old_key(client: Client, user: User) -> None:
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        client.force_login(user)
        assert client.get(reverse("accounts:password_change")).status_code == 200


def test_a_session_signed_with_the_old_key_survives_a_rotation_with_fallbacks(
    client: Client, authority_reviewer: User
) -> None:
    # Given a user signed in while the old key was current
    _signed_in_with_the_old_key(client, authority_reviewer)
    # When the key rotates and the old one is kept as a fallback
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        response = client.get(reverse("accounts:password_change"))
    # Then the user is still signed in
    assert response.status_code == 200
    assert response.wsgi_request.user == authority_reviewer


def test_without_the_fallback_a_rotation_signs_everyone_out(
    client: Client, authority_reviewer: User
) -> None:
    _signed_in_with_the_old_key(client, authority_reviewer)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_values_signed_with_the_old_key_verify_against_the_fallbacks() -> None:
    with override_settings(SECRET_KEY=OLD_KEY):
        value = signing.dumps({"report": 7}, salt="tests")
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert signing.loads(value, salt="tests") == {"report": 7}


def test_the_fallbacks_are_read_from_the_environment_as_a_comma_list(tmp_path: Path) -> None:
    environment = production_environment(
        tmp_path, DJANGO_SECRET_KEY_FALLBACKS=f"{OLD_KEY},older-key")
    result = subprocess.run(
        [sys.executable, "-c",
         "from config.settings import production as s; print(s.SECRET_KEY_FALLBACKS)"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([OLD_KEY, "older-key"])
