"""Hostile input to the registration form and service: clear refusals, nothing half-written."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.credit_codes import compose_credit_code
from accounts.errors import ApplicationError, InvalidInput
from accounts.forms import RegistrationForm
from accounts.models import Organisation, User
from accounts.services import organisation_register
from accounts.text import clean_text

VALID = {
    "kind": "enterprise",
    "name": "无锡新材料有限公司",
    "legal_representative": "王五",
    "contact_phone": "0510-1234567",
    "address": "无锡市滨湖区",
    "username": "wxxcl",
    "email": "",
    "password": "a-Strong-passphrase-9",
    "password_again": "a-Strong-passphrase-9",
}


@pytest.mark.parametrize(
    "name", ["正常\u202e公司", "零\u200b宽", "换行\n公司", "空\x00字符", "\u2066隔离\u2069"]
)
def test_names_hiding_characters_are_refused_by_the_service(db, name):
    with pytest.raises(InvalidInput) as caught:
        organisation_register(
            kind="enterprise",
            name=name,
            credit_code=compose_credit_code(division="320200", serial=71),
            username="hidden",
            password="a-Strong-passphrase-9",
            now=timezone.now(),
        )
    assert caught.value.code == "hidden_characters"
    assert caught.value.extra["field"] == "name"
    assert not Organisation.objects.exists()
    assert not User.objects.filter(username="hidden").exists()


def test_chinese_punctuation_is_kept_as_typed():
    text = "演示：上海（浦东）科技，有限公司"
    assert clean_text(text, field="f", label="名称", max_length=40) == text


def test_oversized_name_is_refused_with_its_limit(db):
    with pytest.raises(InvalidInput, match="128"):
        clean_text("长" * 129, field="name", label="单位名称", max_length=128)


_serials = itertools.count(100)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    field=st.sampled_from([*sorted(VALID), "credit_code"]),
    value=st.one_of(
        st.text(max_size=300),
        st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Lo"]), max_size=40),
        st.sampled_from(["-1", "9" * 40, "'; DROP TABLE accounts_user; --", "<script>", ""]),
    ),
)
def test_any_registration_input_is_either_accepted_or_refused_cleanly(db, field, value):
    serial = next(_serials)
    before = (Organisation.objects.count(), User.objects.count())
    data = VALID | {
        "credit_code": compose_credit_code(division="320200", serial=serial),
        "username": f"fuzz{serial}",
        field: value,
    }
    form = RegistrationForm(data)
    outcome = "invalid_form"
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            organisation_register(
                kind=cleaned["kind"], name=cleaned["name"], credit_code=cleaned["credit_code"],
                username=cleaned["username"], password=cleaned["password"],
                legal_representative=cleaned["legal_representative"],
                contact_phone=cleaned["contact_phone"], address=cleaned["address"],
                now=timezone.now(),
            )
            outcome = "registered"
        except ApplicationError as error:
            outcome = "refused:" + error.code
    after = (Organisation.objects.count(), User.objects.count())
    if outcome == "registered":
        assert after == (before[0] + 1, before[1] + 1)
    else:
        assert after == before


def test_hidden_characters_are_refused_in_other_free_text(db):
    from accounts.services import objection_lodge
    from devtools.factories import vouchers as build
    from vouchers.models import Application
    from vouchers.services import applications

    program = build.make_program()
    enterprise = build.enterprise_user()
    with pytest.raises(InvalidInput) as caught:
        applications.application_submit(
            actor=enterprise, program=program, amount_fen=1000_00, purpose="检测\u202e新品",
            planned_categories=[build.category()], now=build.NOW,
        )
    assert caught.value.extra["field"] == "purpose"
    assert not Application.objects.exists()
    institution = build.institution_user().organisation
    Organisation.objects.filter(pk=institution.pk).update(
        status=Organisation.Status.NOTICE, notice_ends_at=build.NOW.replace(year=2100)
    )
    with pytest.raises(InvalidInput):
        objection_lodge(organisation=institution, lodged_by="张\u200b三", contact="1", text="x",
                        now=timezone.now())


# The 500s of issue 18, each now a refusal at its layer.


def test_an_over_long_user_name_is_a_wrong_credential_and_never_reaches_the_lockout(db, client):
    from axes.models import AccessAttempt

    # Given a user name of 20,000 characters, when it signs in on the page and in the admin
    page = client.post("/accounts/login/", {"username": "x" * 20_000, "password": "p"})
    admin_page = client.post("/admin/login/", {"username": "x" * 20_000, "password": "p"})
    # Then both answer the form again with the wrong-credentials error, and axes saw nothing
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    assert admin_page.status_code == 200
    assert not AccessAttempt.objects.exists()


def test_brackets_inside_json_strings_do_not_count_towards_the_depth():
    from accounts.api.parsers import json_depth_exceeds

    assert json_depth_exceeds('{"a": "' + "[" * 100 + '"}', 64) is False
    assert json_depth_exceeds("[" * 65 + "]" * 65, 64) is True
    assert json_depth_exceeds("[" * 64 + "]" * 64, 64) is False

