"""Pages of the voucher life cycle. Thin: read through selectors, act through services."""

from __future__ import annotations

from django.shortcuts import render

from accounts import selectors as account_selectors
from accounts.access import action_required
from accounts.models import User


@action_required("home.view")
def home(request):
    """What waits for this user, by role."""
    user = request.user
    tiles = []
    if user.role == User.Role.AUTHORITY_REVIEWER:
        tiles.append({
            "label": "待审核的注册",
            "count": account_selectors.organisations_awaiting_review(actor=user).count(),
            "url_name": "accounts:registration_queue",
        })
    return render(request, "vouchers/home.html", {"tiles": tiles})
