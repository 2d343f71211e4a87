"""Pages of the voucher life cycle. Thin: read through selectors, act through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import selectors as account_selectors
from accounts.models import User


@login_required
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
