"""Sign-in, sign-up and registration review through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.credit_codes import compose_credit_code
from accounts.models import Organisation
from devtools.factories.accounts import OrganisationFactory, UserFactory


def test_login_page_is_chinese_first(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-Hans">' in body
    assert "登录" in body


def test_login_page_switches_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_with_valid_password_reaches_home(client, db):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.status_code == 200
    assert user.username in response.content.decode()


def _registration(**overrides):
    data = {
        "kind": "enterprise", "name": "常州新材料有限公司",
        "credit_code": compose_credit_code(division="320400", serial=555),
        "legal_representative": "李四", "contact_phone": "0519-12345678",
        "address": "常州市新北区", "username": "czxcl", "email": "",
        "password": "a-Strong-passphrase-9", "password_again": "a-Strong-passphrase-9",
    }
    return data | overrides


def test_registration_form_creates_a_pending_enterprise(client, db):
    response = client.post(reverse("accounts:register"), _registration(), follow=True)
    assert response.status_code == 200
    organisation = Organisation.objects.get(name="常州新材料有限公司")
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.city.name == "常州市"
    assert "待审核" in response.content.decode()


def test_registration_form_shows_the_code_error_next_to_the_field_and_keeps_input(client, db):
    bad = _registration(credit_code="91320400XXXXXXXXX1")
    response = client.post(reverse("accounts:register"), bad)
    body = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码" in body
    assert 'value="常州新材料有限公司"' in body
    assert not Organisation.objects.filter(name="常州新材料有限公司").exists()


def test_reviewer_sees_only_own_region_registrations(client, db):
    jiangsu = OrganisationFactory(region_code="JS", status="pending", name="江苏待审")
    shanghai = OrganisationFactory(region_code="SH", status="pending", name="上海待审")
    client.force_login(UserFactory.authority("JS"))

    body = client.get(reverse("accounts:registration_queue")).content.decode()
    assert "江苏待审" in body
    assert "上海待审" not in body
    other = client.get(reverse("accounts:registration_review", args=[shanghai.pk]))
    assert other.status_code == 404
    mine = client.post(
        reverse("accounts:registration_review", args=[jiangsu.pk]), {"decision": "approve"}
    )
    assert mine.status_code == 302
    jiangsu.refresh_from_db()
    assert jiangsu.status == Organisation.Status.APPROVED


@pytest.mark.parametrize("role", ["enterprise", "institution"])
def test_market_users_cannot_open_the_review_queue(client, db, role):
    client.force_login(UserFactory(role=role, organisation=OrganisationFactory(kind=role)))
    assert client.get(reverse("accounts:registration_queue")).status_code == 403


def test_repeated_failed_logins_lock_the_account_for_that_address(client, db, settings):
    from accounts.models import AuditEntry

    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "bad"})

    locked = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "correct-horse-battery"},
    )

    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_locked_out").count() >= 1
