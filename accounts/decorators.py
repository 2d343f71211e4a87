"""The web pages' adapter of the permission matrix (accounts.access)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.access import MATRIX, require_action, scope_for
from accounts.errors import AccessDenied


def action_required(action: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Decorate a web view: anonymous users go to the login page, others get 403."""
    if action not in MATRIX:
        raise KeyError(f"unknown action {action!r}: add it to accounts.access.MATRIX")

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if scope_for(request.user, action) is None:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                try:
                    require_action(request.user, action, now=timezone.now())
                except AccessDenied as error:
                    raise PermissionDenied(error.message) from error
            request.access_scope = scope_for(request.user, action)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.access_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate
