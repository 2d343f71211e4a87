"""load_demo refuses where its published password could reach real users, unless --force."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, User
from devtools.demo.accounts import DEMO_PASSWORD


def test_load_demo_refuses_production_like_settings_and_loads_nothing(db, settings):
    # Given the secure cookies only the production settings set
    settings.SESSION_COOKIE_SECURE = True
    # When the demo is loaded, Then it is refused, naming the reason and the password
    with pytest.raises(CommandError, match="production-like") as refusal:
        call_command("load_demo")
    assert DEMO_PASSWORD in str(refusal.value)
    assert not User.objects.exists()


def test_load_demo_refuses_when_the_machine_says_production(db, monkeypatch):
    monkeypatch.setenv("VOUCHERS_ENV", "production")
    with pytest.raises(CommandError, match="production-like"):
        call_command("load_demo")
    assert not Organisation.objects.exists()


def test_load_demo_refuses_a_database_with_real_organisations(db, monkeypatch):
    # Given an installation whose operator was bootstrapped
    monkeypatch.setenv("BOOTSTRAP_OPERATOR_PASSWORD", "Pl4tform-operator-pass")
    call_command("bootstrap_operator", "--username", "platform_admin", "--name", "真实运营方")
    # When the demo is loaded, Then it is refused and no demo user exists
    with pytest.raises(CommandError, match="1 organisation\\(s\\) and 1 user\\(s\\)"):
        call_command("load_demo")
    assert list(User.objects.values_list("username", flat=True)) == ["platform_admin"]


def test_load_demo_with_force_loads_and_warns_about_the_password(db, settings, capsys):
    settings.SESSION_COOKIE_SECURE = True
    call_command("load_demo", "--force")
    assert User.objects.filter(username="js_reviewer").exists()
    error = capsys.readouterr().err
    assert "WARNING: loading the demo although these settings are production-like" in error
    assert DEMO_PASSWORD in error


def test_load_demo_runs_again_over_its_own_data(db):
    # The guard counts only what the demo did not make: a rerun is not refused.
    call_command("load_demo")
    call_command("load_demo")
    assert User.objects.count() == 18  # with js_city_reviewer
