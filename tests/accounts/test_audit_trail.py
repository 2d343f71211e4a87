"""The audit trail is append-only: in the model layer everywhere, by trigger on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry
from devtools.factories.accounts import UserFactory


def test_model_layer_refuses_to_change_or_delete_an_entry(db):
    entry = audit_record(actor=None, action="test", reason="first", now=timezone.now())
    entry.reason = "rewritten"
    with pytest.raises(ValueError, match="只能追加"):
        entry.save()
    with pytest.raises(ValueError, match="只能追加"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "first"


def test_login_and_failed_login_are_audited(client, db):
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    client.post(
        "/accounts/login/", {"username": user.username, "password": "correct-horse-battery"}
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["login_failed", "login"]
    assert AuditEntry.objects.get(action="login").ip_address == "127.0.0.1"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_auditentry SET reason = 'tampered' WHERE id = %s",
        "DELETE FROM accounts_auditentry WHERE id = %s",
    ],
)
def test_trigger_rejects_raw_update_and_delete(db, statement):
    entry = audit_record(actor=None, action="test", reason="original", now=timezone.now())
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "original"
