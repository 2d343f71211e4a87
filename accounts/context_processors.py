"""Template context every page needs: the signed-in user's unread message count (header)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.selectors import unread_notification_count


def unread_messages(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Counted only if the page shows it (one indexed COUNT on the partial unread index).
    return {"unread_messages": SimpleLazyObject(lambda: unread_notification_count(actor=user))}
