"""The message centre on the pages and the API (issue 20): the unread count in the header, the
list in the page's language, opening a message marks it read and goes to its record, nobody
sees another's messages, and each user's e-mail choices."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Notification, User
from accounts.services.notifications import notify
from devtools.factories import vouchers as build
from devtools.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _message(user: User, link: str = "/orders/1/") -> Notification:
    with transaction.atomic():
        notify(kind="order_placed", recipients=[user], link=link, now=build.NOW,
               params={"enterprise": "甲科技有限公司", "contract": "HT-9",
                       "total_fee_fen": 1_000_00, "voucher_fen": 500_00})
    return Notification.objects.filter(recipient=user).latest("pk")


@pytest.fixture
def institution_user() -> User:
    return UserFactory(role=User.Role.INSTITUTION, email="inst@example.cn")


def test_the_header_counts_unread_messages_and_the_list_shows_them_in_words(
    client, institution_user
):
    _message(institution_user)
    _message(institution_user)
    client.force_login(institution_user)

    home = client.get("/").content.decode()
    page = client.get(reverse("accounts:messages")).content.decode()

    assert 'aria-label="2 条未读"' in home
    assert "新订单：甲科技有限公司" in page
    assert "服务费 ¥1,000.00，其中创新券支付 ¥500.00" in page
    assert "order_placed" not in page
    assert "total_fee_fen" not in page


def test_in_english_the_same_messages_read_in_english(client, institution_user):
    _message(institution_user)
    client.force_login(institution_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("accounts:messages")).content.decode()

    assert "New order from 甲科技有限公司" in page
    assert "fee ¥1,000.00, of which ¥500.00 paid by voucher" in page
    assert "1 unread" in page
    institution_user.refresh_from_db()
    assert institution_user.language == "en"  # and so are the user's e-mails from now on


def test_opening_a_message_marks_it_read_and_goes_to_its_record(client, institution_user):
    message = _message(institution_user, link="/orders/42/")
    client.force_login(institution_user)

    response = client.post(reverse("accounts:message_open", args=[message.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/orders/42/"
    message.refresh_from_db()
    assert message.read_at is not None
    page = client.get(reverse("accounts:messages")).content.decode()
    assert 'class="badge" aria-label' not in page


def test_a_message_never_sends_its_reader_off_the_site(client, institution_user):
    message = _message(institution_user, link="https://evil.example/")
    client.force_login(institution_user)
    response = client.post(reverse("accounts:message_open", args=[message.pk]))
    assert response["Location"] == reverse("accounts:messages")


def test_nobody_opens_or_sees_another_s_message(client, institution_user):
    message = _message(institution_user)
    other = UserFactory(role=User.Role.INSTITUTION)
    client.force_login(other)

    assert client.post(reverse("accounts:message_open", args=[message.pk])).status_code == 404
    assert "甲科技有限公司" not in client.get(reverse("accounts:messages")).content.decode()
    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read_and_the_unread_filter(client, institution_user):
    _message(institution_user)
    client.force_login(institution_user)
    client.post(reverse("accounts:messages_read_all"))
    unread = client.get(reverse("accounts:messages") + "?show=unread").content.decode()
    assert "没有未读消息" in unread


def test_the_preferences_page_turns_a_kind_s_email_off(client, institution_user):
    client.force_login(institution_user)
    page = client.get(reverse("accounts:message_preferences")).content.decode()
    assert "新订单" in page
    assert "inst@example.cn" in page

    client.post(reverse("accounts:message_preferences"), {"language": "zh-hans"})  # all off
    assert _message(institution_user).email == Notification.Email.NOT_SENT
    client.post(reverse("accounts:message_preferences"),
                {"language": "zh-hans", "email_order_placed": "on"})
    assert _message(institution_user).email == Notification.Email.PENDING


def test_the_api_lists_the_caller_s_messages_and_marks_them_read(institution_user):
    from tests.api.conftest import token_client

    message = _message(institution_user)
    _message(UserFactory(role=User.Role.INSTITUTION))  # someone else's
    api = token_client(institution_user)

    listed = api.get("/api/v1/notifications/?unread=true").json()
    assert [row["id"] for row in listed["results"]] == [message.pk]
    assert listed["results"][0]["title"] == "新订单：甲科技有限公司"
    assert listed["results"][0]["params"]["total_fee_fen"] == 1_000_00
    english = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][0]["title"] == "New order from 甲科技有限公司"

    read = api.post(f"/api/v1/notifications/{message.pk}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert api.get("/api/v1/notifications/?unread=true").json()["results"] == []
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    other = Notification.objects.exclude(recipient=institution_user).get()
    assert api.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
