"""`Authorization: Token yrd_…` (or `Bearer`) against the hashed, revocable API tokens.

A token found valid is kept in the shared cache (accounts/token_cache.py), so a busy client's
requests read no token row; revocation, deactivation and expiry still apply at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken
from accounts.services.tokens import hash_token_secret
from accounts.token_cache import LAST_USED_INTERVAL, cached_token, remember_token

__all__ = ["LAST_USED_INTERVAL", "ApiTokenAuthentication", "record_token_use"]


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Token <令牌>"))
        # The secret has 256 random bits, so its SHA-256 is looked up through the unique index
        # (or the cache): a slow KDF would add nothing, and timing reveals nothing about an
        # unknown secret.
        secret_hash = hash_token_secret(parts[1].decode(errors="replace"))
        token = cached_token(secret_hash)
        from_cache = token is not None
        if token is None:
            token = _token_from_database(secret_hash)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已吊销"))
        now = timezone.now()
        if token.is_expired_at(now):
            raise exceptions.AuthenticationFailed(
                _("令牌已过期，请创建新令牌"), code="token_expired"
            )
        record_token_use(token, now=now)
        if not from_cache:
            remember_token(token, now=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"


def _token_from_database(secret_hash: str) -> ApiToken | None:
    try:
        return ApiToken.objects.select_related("user__organisation").get(
            secret_hash=secret_hash, revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None


def record_token_use(token: ApiToken, *, now: datetime) -> None:
    """Set `last_used_at`, at most once per LAST_USED_INTERVAL (best effort, not audited).

    The read row usually shows a recent use already: then nothing is written. Otherwise a
    compare-and-set lets one of several concurrent requests write it; either way the token
    in hand then counts as just used (a cached copy lives no longer than the interval).
    """
    stale = now - LAST_USED_INTERVAL
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token yrd_… (created on the web page 我的 API 令牌)",
        }
