"""When the demo must not be loaded: its users share one published password."""

from __future__ import annotations

from django.conf import settings

from accounts.models import Organisation, User
from config.entrypoints import production_switch_is_on
from devtools.demo.accounts import demo_organisation_names, demo_usernames


def demo_load_refusal() -> str | None:
    """The reason loading the demo here would be wrong, or None where it is harmless.

    Production-like settings (VOUCHERS_ENV=production, or the secure cookies only production
    sets), or a database that already holds organisations or users the demo did not make.
    """
    if production_switch_is_on() or settings.SESSION_COOKIE_SECURE:
        return "these settings are production-like (VOUCHERS_ENV=production or secure cookies)"
    organisations = Organisation.objects.exclude(name__in=demo_organisation_names()).count()
    users = User.objects.exclude(username__in=demo_usernames()).count()
    if organisations or users:
        return (
            f"the database already holds {organisations} organisation(s) and {users} user(s) "
            "that are not the demo's"
        )
    return None
