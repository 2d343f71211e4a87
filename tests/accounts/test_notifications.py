"""The outbox of messages (issue 20): written in the change's transaction, e-mailed after it
commits, never lost when the broker is away, never sent twice by two workers, retried when the
mail server refuses, in the recipient's language, as each user chose."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from accounts.models import Notification, Organisation, User
from accounts.services import notifications as service
from accounts.services import objection_lodge, objection_resolve, organisation_approve
from devtools.factories import vouchers as build
from devtools.factories.accounts import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = build.NOW


def _user(email: str = "li@example.cn", language: str = "") -> User:
    return UserFactory(role=User.Role.ENTERPRISE, email=email, language=language)


def _notify(user: User, **fields) -> int:
    arguments = {"kind": "registration_decided", "recipients": [user],
                 "params": {"decision": "approved", "organisation": "甲公司", "reason": ""},
                 "link": "/", "now": NOW} | fields
    with transaction.atomic():
        return service.notify(**arguments)


def _notify_then_fail(user: User) -> None:
    with transaction.atomic():  # the change the message reports rolls back
        service.notify(kind="registration_decided", recipients=[user], params={}, link="/",
                       now=NOW)
        raise ZeroDivisionError


def test_a_message_is_part_of_its_change():
    user = _user()
    with pytest.raises(ZeroDivisionError):
        _notify_then_fail(user)
    assert not Notification.objects.exists()


def test_after_the_commit_the_copy_is_mailed_in_the_recipient_s_language(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://vouchers.example.cn"
    chinese, english = _user("zh@example.cn"), _user("en@example.cn", language="en")

    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: sent at once
        _notify(chinese)
        _notify(english)

    assert {message.to[0]: message.subject for message in mail.outbox} == {
        "zh@example.cn": "[创新券] 机构注册审核结果：通过",
        "en@example.cn": "[创新券] Registration decision: approved",
    }
    assert mail.outbox[0].body.endswith("\n\nhttps://vouchers.example.cn/")
    assert set(Notification.objects.values_list("email", flat=True)) == {"sent"}


def test_a_rollback_sends_nothing(django_capture_on_commit_callbacks):
    user = _user()
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(ZeroDivisionError)):
        _notify_then_fail(user)
    assert callbacks == []
    assert mail.outbox == []


def test_a_broker_outage_delays_the_mail_and_the_sweep_sends_it(
    django_capture_on_commit_callbacks,
):
    user = _user()
    broker_down = mock.patch("celery.app.task.Task.apply_async",
                             side_effect=OperationalError("connection refused"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        _notify(user)

    message = Notification.objects.get()
    assert message.email == Notification.Email.PENDING  # the message exists; its mail waits
    assert mail.outbox == []

    assert service.notification_emails_send(now=NOW + timedelta(minutes=1)) == 1
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.email, message.emailed_at) == ("sent", NOW + timedelta(minutes=1))
    assert service.notification_emails_send(now=NOW + timedelta(minutes=2)) == 0  # once


def test_a_copy_claimed_by_one_worker_is_not_sent_by_another():
    _notify(_user())
    Notification.objects.update(email_claimed_until=NOW + timedelta(minutes=10))
    assert service.notification_emails_send(now=NOW) == 0
    assert service.notification_emails_send(now=NOW + timedelta(minutes=11)) == 1  # ran out


def test_a_refusing_mail_server_is_retried_with_backoff_then_given_up():
    _notify(_user())
    refusing = mock.patch("django.core.mail.EmailMessage.send",
                          side_effect=ConnectionRefusedError("smtp down"))
    moment = NOW
    with refusing:
        for attempt in range(1, service.MAX_EMAIL_ATTEMPTS + 1):
            assert service.notification_emails_send(now=moment) == 0
            message = Notification.objects.get()
            assert message.email_attempts == attempt
            if attempt < service.MAX_EMAIL_ATTEMPTS:
                assert message.email == "pending"
                assert message.email_claimed_until == moment + timedelta(minutes=2 ** attempt)
                assert service.notification_emails_send(now=moment) == 0  # not before then
                moment = message.email_claimed_until
    assert Notification.objects.get().email == "failed"


def test_each_user_chooses_which_kinds_reach_them_by_email():
    chooser, no_address = _user(), _user(email="")
    service.notification_preferences_set(actor=chooser, now=NOW, language="en",
                                         by_email={"registration_decided": False})
    _notify(chooser)
    _notify(no_address)

    assert set(Notification.objects.values_list("email", flat=True)) == {"not_sent"}
    chooser.refresh_from_db()
    assert chooser.language == "en"
    with pytest.raises(Exception, match="未知的消息类型"):
        service.notification_preferences_set(actor=chooser, now=NOW, by_email={"spam": True})


def test_a_reminder_key_writes_each_recipient_s_message_once():
    user = _user()
    assert _notify(user, once_key="voucher_use_by:1:30") == 1
    assert _notify(user, once_key="voucher_use_by:1:30") == 0
    assert _notify(user, once_key="voucher_use_by:1:7") == 1
    assert Notification.objects.count() == 2


def test_reading_marks_only_one_s_own_messages():
    reader, other = _user(), _user()
    _notify(reader)
    _notify(reader)
    _notify(other)
    first = Notification.objects.filter(recipient=reader).first()

    service.notification_mark_read(actor=reader, notification_id=first.pk, now=NOW)
    service.notification_mark_read(actor=reader, notification_id=first.pk,
                                   now=NOW + timedelta(hours=1))  # again: unchanged
    first.refresh_from_db()
    assert first.read_at == NOW
    with pytest.raises(Notification.DoesNotExist):
        service.notification_mark_read(actor=other, notification_id=first.pk, now=NOW)
    assert service.notifications_mark_all_read(actor=reader, now=NOW) == 1
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_a_registration_decision_tells_the_organisation_and_an_objection_the_reviewers():
    reviewer = build.authority("SH")
    institution = OrganisationFactory(kind=Organisation.Kind.INSTITUTION, region_code="SH",
                                      status=Organisation.Status.PENDING)
    member = UserFactory(organisation=institution, role=User.Role.INSTITUTION)

    organisation_approve(actor=reviewer, organisation=institution, now=NOW)
    (decided,) = Notification.objects.filter(kind="registration_decided")
    assert (decided.recipient_id, decided.params["decision"]) == (member.pk, "notice")

    objection = objection_lodge(organisation=institution, lodged_by="王某", contact="138",
                                text="资质存疑", now=NOW + timedelta(days=1))
    assert set(Notification.objects.filter(kind="objection_lodged").values_list(
        "recipient_id", flat=True)) == {reviewer.pk}
    objection_resolve(actor=reviewer, objection=objection, upheld=False, resolution="查无实据",
                      now=NOW + timedelta(days=2))
    (resolved,) = Notification.objects.filter(kind="objection_resolved")
    assert resolved.recipient_id == member.pk
