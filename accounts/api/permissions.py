"""The API's adapter of the permission matrix (accounts.access) for DRF views."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.permissions import BasePermission

from accounts.access import require_action, scope_for


class ActionPermission(BasePermission):
    """The view names its action in `access_action` (or per method in a dict)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        action = view.access_action
        if isinstance(action, dict):
            action = action[request.method]
        if scope_for(request.user, action) is None:
            if request.user.is_authenticated:
                # raises, and audits the denial
                require_action(request.user, action, now=timezone.now())
            return False
        return True
