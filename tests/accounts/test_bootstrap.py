"""A new installation: the first operator (bootstrap_operator), then the authorities
(create_authority), each through audited services, each command safe to run again."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.errors import AccessDenied
from accounts.models import AuditEntry, Organisation, Region, User
from accounts.services import authority_create

OPERATOR_PASSWORD = "Pl4tform-operator-pass"
AUTHORITY_PASSWORD = "Auth0rity-user-pass"


@pytest.fixture
def operator(db, monkeypatch) -> User:
    monkeypatch.setenv("BOOTSTRAP_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
    call_command("bootstrap_operator", "--username", "platform_admin", "--email", "a@example.cn")
    return User.objects.get(username="platform_admin")


def test_bootstrap_makes_the_approved_operator_and_its_user_with_audit_lines(db, capsys,
                                                                              monkeypatch):
    # Given an empty installation and a password in the environment
    monkeypatch.setenv("BOOTSTRAP_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
    # When the operator is bootstrapped
    call_command("bootstrap_operator", "--username", "platform_admin")
    # Then one approved operator organisation in Shanghai and its operator user exist
    organisation = Organisation.objects.get(kind="operator")
    assert (organisation.name, organisation.status, organisation.region.short_code) == (
        "长三角科技资源共享服务平台", "approved", "SH"
    )
    user = User.objects.get(username="platform_admin")
    assert (user.organisation, user.role, user.is_staff) == (organisation, "operator", True)
    assert user.check_password(OPERATOR_PASSWORD)
    # And both creations are in the audit trail; the password from the environment is not shown
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "object_id")) == [
        ("organisation_create", str(organisation.pk)), ("user_create", str(user.pk)),
    ]
    assert OPERATOR_PASSWORD not in capsys.readouterr().out


def test_bootstrap_without_a_password_prints_a_generated_one_that_logs_in(db, capsys,
                                                                         monkeypatch):
    monkeypatch.delenv("BOOTSTRAP_OPERATOR_PASSWORD", raising=False)
    call_command("bootstrap_operator", "--username", "platform_admin")
    output = capsys.readouterr().out
    password = output.split("One-time password (shown once; change it after the first login): ")[
        1
    ].strip()
    assert len(password) == 20
    assert User.objects.get(username="platform_admin").check_password(password)


def test_a_second_bootstrap_says_the_operator_exists_and_changes_nothing(operator, capsys):
    counts = (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count())
    capsys.readouterr()

    call_command("bootstrap_operator", "--username", "another_admin")

    output = capsys.readouterr().out
    assert "exists already (长三角科技资源共享服务平台); nothing changed." in output
    assert counts == (Organisation.objects.count(), User.objects.count(),
                      AuditEntry.objects.count())


def test_bootstrap_refuses_a_weak_password_and_creates_nothing(db, monkeypatch):
    monkeypatch.setenv("BOOTSTRAP_OPERATOR_PASSWORD", "12345678")
    with pytest.raises(CommandError):
        call_command("bootstrap_operator", "--username", "platform_admin")
    assert not Organisation.objects.filter(kind="operator").exists()
    assert not AuditEntry.objects.exists()


def test_the_operator_creates_an_authority_and_its_users_as_the_audited_actor(operator, capsys,
                                                                             monkeypatch):
    # When the operator creates Jiangsu's authority with a reviewer and a finance user
    monkeypatch.setenv("AUTHORITY_USER_PASSWORD", AUTHORITY_PASSWORD)
    call_command("create_authority", "--region", "JS", "--operator", "platform_admin",
                 "--reviewer", "js_review_1", "--finance", "js_finance_1")
    # Then the approved authority bears the region's authority name
    authority = Organisation.objects.get(kind="authority", region__short_code="JS")
    assert (authority.name, authority.status) == ("江苏省科学技术厅", "approved")
    assert sorted(authority.users.values_list("username", "role")) == [
        ("js_finance_1", "authority_finance"), ("js_review_1", "authority_reviewer"),
    ]
    assert User.objects.get(username="js_review_1").check_password(AUTHORITY_PASSWORD)
    # And each creation is audited with the operator as its actor
    lines = AuditEntry.objects.filter(actor=operator).order_by("pk")
    assert list(lines.values_list("action", "region__short_code")) == [
        ("organisation_create", "JS"), ("user_create", "JS"), ("user_create", "JS"),
    ]


def test_create_authority_again_reports_what_exists_and_adds_only_new_users(operator, capsys):
    call_command("create_authority", "--region", "ZJ", "--operator", "platform_admin",
                 "--reviewer", "zj_review_1")
    capsys.readouterr()
    audit_lines = AuditEntry.objects.count()

    call_command("create_authority", "--region", "ZJ", "--operator", "platform_admin",
                 "--reviewer", "zj_review_1", "--finance", "zj_finance_1")

    output = capsys.readouterr().out
    assert "The authority of ZJ exists already (浙江省科学技术厅); unchanged." in output
    assert "The user zj_review_1 exists already; unchanged." in output
    assert "one-time password (shown once): " in output  # only the new finance user's
    assert Organisation.objects.filter(kind="authority", region__short_code="ZJ").count() == 1
    assert AuditEntry.objects.count() == audit_lines + 1


def test_only_an_operator_may_create_an_authority(operator, authority_reviewer):
    # Given a reviewer of Jiangsu, When it tries to create Anhui's authority, Then it is refused
    with pytest.raises(AccessDenied):
        authority_create(actor=authority_reviewer, region=Region.objects.get(short_code="AH"),
                         now=AuditEntry.objects.latest("pk").created_at)
    assert not Organisation.objects.filter(kind="authority", region__short_code="AH").exists()
    with pytest.raises(CommandError, match=f"no operator user {authority_reviewer.username}"):
        call_command("create_authority", "--region", "AH", "--operator",
                     authority_reviewer.username)
