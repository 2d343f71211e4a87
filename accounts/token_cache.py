"""API tokens kept in the shared cache by their digest, so that a request reads no token row.

An entry is the token as authentication last read it (with its user and organisation),
cached only while it was valid, for at most API_TOKEN_CACHE_SECONDS and never past the
token's expiry or the moment its last use is due to be written again. Authentication
checks expiry and the user's activity on every request, cached or not.

Invalidation never relies on the entry timing out: withdrawing a credential writes a
tombstone over the token's entry, before the transaction commits and again after. Entries
are only ever *added* (`cache.add`), so a request that read the token before the withdrawal
cannot put it back over the tombstone. A cache that cannot be reached while a credential is
withdrawn makes the withdrawal fail (and roll back) rather than leave a working copy behind:
a ServiceUnavailable refusal (503, "try again in a moment"), never a server error; on reads,
an unreachable cache only means the database is asked.

The cache must be shared by every process that serves the API (Redis in production): with a
per-process cache a withdrawal could not reach the other processes, so it is on by default
only with Redis or Memcached (config/settings/base.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.errors import ServiceUnavailable
from accounts.models import ApiToken

logger = logging.getLogger(__name__)

FORGOTTEN = "forgotten"
# `last_used_at` is shown to the token's owner to the minute; writing it on every request
# would make every read a write (and queue a busy token's requests on its row lock).
LAST_USED_INTERVAL = timedelta(minutes=1)


def _key(secret_hash: str) -> str:
    return f"api-token:{secret_hash}"


def _seconds() -> int:
    return int(settings.API_TOKEN_CACHE_SECONDS)


def cached_token(secret_hash: str) -> ApiToken | None:
    """The cached token with this digest, or None (not cached, forgotten, cache down)."""
    if _seconds() <= 0:
        return None
    try:
        value = cache.get(_key(secret_hash))
    except Exception:  # an unreachable cache: the database answers instead
        logger.warning("token cache unreachable on read", exc_info=True)
        return None
    return value if isinstance(value, ApiToken) else None


def remember_token(token: ApiToken, *, now: datetime) -> None:
    """Cache a token just found valid, unless a tombstone or another copy is there."""
    seconds = float(_seconds())
    if token.last_used_at is not None:  # gone when its last use is due to be written again
        seconds = min(seconds, (token.last_used_at + LAST_USED_INTERVAL - now).total_seconds())
    if token.expires_at is not None:
        seconds = min(seconds, (token.expires_at - now).total_seconds())
    if seconds < 1:
        return
    try:
        cache.add(_key(token.secret_hash), token, timeout=int(seconds))
    except Exception:
        logger.warning("token cache unreachable on write", exc_info=True)


def forget_tokens(secret_hashes: Iterable[str]) -> None:
    """Tombstone these tokens' entries now and once the open transaction commits.

    Refuses (ServiceUnavailable) if the cache cannot be reached now: the caller's
    transaction then rolls back.
    """
    if _seconds() <= 0:
        return
    tombstones = {_key(secret_hash): FORGOTTEN for secret_hash in secret_hashes}
    if not tombstones:
        return
    # Longer than any entry lives, so no copy read before the withdrawal outlasts it.
    timeout = _seconds() + int(LAST_USED_INTERVAL.total_seconds())
    try:
        cache.set_many(tombstones, timeout=timeout)
    except Exception as error:
        logger.warning("token cache unreachable on withdrawal", exc_info=True)
        raise ServiceUnavailable(
            _("暂时无法完成：令牌缓存服务不可用，未作任何更改，请稍后重试")
        ) from error
    transaction.on_commit(lambda: cache.set_many(tombstones, timeout=timeout), robust=True)


def forget_tokens_of(*, user_ids: Iterable[int] = (), organisation_id: int | None = None) -> None:
    """Tombstone every unrevoked token of these users, or of the organisation's users."""
    if _seconds() <= 0:
        return
    tokens = ApiToken.objects.filter(revoked_at__isnull=True)
    if organisation_id is not None:
        tokens = tokens.filter(user__organisation_id=organisation_id)
    else:
        tokens = tokens.filter(user_id__in=list(user_ids))
    forget_tokens(tokens.values_list("secret_hash", flat=True))
