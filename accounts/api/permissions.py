"""The API's adapter of the permission matrix (accounts.access) for DRF views."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import BasePermission

from accounts.access import require_action, scope_for

# Methods that only describe a view's reads: they need the right to read it (GET's action).
READ_ALIKE_METHODS = frozenset({"HEAD", "OPTIONS"})


class ActionPermission(BasePermission):
    """The view names its action in `access_action` (or per method in a dict)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        action = action_for(view.access_action, request.method)
        if scope_for(request.user, action) is None:
            if request.user.is_authenticated:
                # raises, and audits the denial
                require_action(request.user, action, now=timezone.now())
            return False
        return True


def action_for(access_action: str | dict[str, str], method: str) -> str:
    """The matrix action of `method` on a view; a method the view's dict does not name is
    not allowed (405, as DRF answers for methods a view has no handler for)."""
    if isinstance(access_action, str):
        return access_action
    if method in access_action:
        return access_action[method]
    if method in READ_ALIKE_METHODS and "GET" in access_action:
        return access_action["GET"]
    raise MethodNotAllowed(method)
