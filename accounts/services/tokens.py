"""API tokens: created in the web UI, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.errors import AccessDenied, Conflict, InvalidInput
from accounts.models import ApiToken, User
from accounts.token_cache import forget_tokens
from accounts.transactions import service_transaction

TOKEN_PREFIX = "yrd_"  # noqa: S105 - a public marker, not a secret
MAX_ACTIVE_TOKENS = 10


def hash_token_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@service_transaction
def api_token_create(
    *, actor: User, name: str, now: datetime, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor; the raw secret is returned once and never stored.

    `expires_at` is optional: without it the token works until it is revoked.
    """
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput("令牌名称为1到64个字符", extra={"field": "name"})
    if expires_at is not None and expires_at <= now:
        raise InvalidInput(_("到期时间应晚于现在"), extra={"field": "expires_at"})
    User.objects.select_for_update().get(pk=actor.pk)  # serialises the count below
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(f"每个用户最多{MAX_ACTIVE_TOKENS}个有效令牌，请先吊销不用的令牌")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        secret_hash=hash_token_secret(raw),
        created_at=now,
        expires_at=expires_at,
    )
    after = {"name": name, "expires_at": expires_at.isoformat() if expires_at else None}
    audit_record(actor=actor, action="api_token_create", target=token, after=after, now=now)
    return token, raw


@service_transaction
def api_token_revoke(*, actor: User, token: ApiToken, now: datetime) -> ApiToken:
    """Revoke one of the actor's own tokens (idempotent: revoking twice changes nothing).

    Its cached copy is tombstoned in the same transaction (refused at once on every process).
    """
    if token.user_id != actor.pk:
        raise AccessDenied("只能吊销自己的令牌")
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        forget_tokens([token.secret_hash])
        audit_record(actor=actor, action="api_token_revoke", target=token, now=now)
    token.refresh_from_db()
    return token
