"""The permission matrix, written once as data and enforced in one place.

For each action, the roles that may take it and on which objects (the scope). Web views
declare their action with `@action_required` (accounts/decorators.py), API views with
`access_action` and `ActionPermission` (accounts/api/permissions.py); both are thin adapters
that end in `require_action`. This module is domain code: it knows nothing of HTTP, Django's
views or DRF. Which *objects* a scope covers is applied by the selectors (they take the
actor); services call `require_action` again before writing, then check the region and
impartiality (accounts/permissions.py), so a page and the API obey one rule. A role missing
from an action's row is refused.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser

from accounts.audit import audit_record
from accounts.errors import AccessDenied
from accounts.models import User

ANONYMOUS = "anonymous"


class Scope(StrEnum):
    ANY = "any"  # the action concerns no particular object (signing in, searching)
    OWN_ORGANISATION = "own_organisation"
    OWN_REGION_AS_ISSUER = "own_region_as_issuer"  # vouchers, programs its region issued
    OWN_REGION_AS_SERVER = "own_region_as_server"  # services delivered by its institutions
    OWN_REGION = "own_region"  # either of the two above
    OWN_CITY = "own_city"  # a city reviewer's: the records of enterprises of its city
    ALL = "all"


_E, _I = User.Role.ENTERPRISE, User.Role.INSTITUTION
_R, _F, _O = User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE, User.Role.OPERATOR
_C = User.Role.CITY_REVIEWER
_SIGNED_IN: dict[str, Scope] = {
    _E: Scope.ANY, _I: Scope.ANY, _R: Scope.ANY, _F: Scope.ANY, _O: Scope.ANY, _C: Scope.ANY
}
_EVERYONE: dict[str, Scope] = {ANONYMOUS: Scope.ANY, **_SIGNED_IN}
_AUTHORITIES_AND_OPERATOR: dict[str, Scope] = {
    _R: Scope.OWN_REGION, _F: Scope.OWN_REGION, _O: Scope.ALL
}

MATRIX: dict[str, dict[str, Scope]] = {
    # Public pages and the account itself
    "account.login": _EVERYONE,
    "account.register": {ANONYMOUS: Scope.ANY},
    "directory.view": _EVERYONE,
    "notice.view": _EVERYONE,
    "notice.object": _EVERYONE,
    "reference.view": _EVERYONE,
    "api.docs": _EVERYONE,
    "home.view": _SIGNED_IN,
    "account.password_change": _SIGNED_IN,
    "api_token.manage": _SIGNED_IN,
    "me.view": _SIGNED_IN,
    # Each user's own messages (the selectors read the recipient's only)
    "notification.view": _SIGNED_IN,
    "notification.read": _SIGNED_IN,
    "notification.preferences": _SIGNED_IN,
    # Service ratings: the enterprise rates; the institution sees its own, authorities those
    # of their region's institutions, the operator all
    "delivery.rate": {_E: Scope.OWN_ORGANISATION},
    # Institutions' records are shared across the area: every authority reads them all
    "record.view": {_R: Scope.ALL, _F: Scope.ALL, _O: Scope.ALL},
    "rating.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                    _R: Scope.OWN_REGION_AS_SERVER, _F: Scope.OWN_REGION_AS_SERVER,
                    _O: Scope.ALL},
    # Enterprise
    "program.view": {_E: Scope.OWN_REGION_AS_ISSUER, _R: Scope.OWN_REGION_AS_ISSUER,
                     _F: Scope.OWN_REGION_AS_ISSUER, _O: Scope.ALL},
    "application.submit": {_E: Scope.OWN_ORGANISATION},
    "application.view": {_E: Scope.OWN_ORGANISATION, _R: Scope.OWN_REGION_AS_ISSUER,
                         _F: Scope.OWN_REGION_AS_ISSUER, _O: Scope.ALL, _C: Scope.OWN_CITY},
    "voucher.view": {_E: Scope.OWN_ORGANISATION, _R: Scope.OWN_REGION_AS_ISSUER,
                     _F: Scope.OWN_REGION_AS_ISSUER, _O: Scope.ALL},
    "institution.search": _SIGNED_IN,
    "order.place": {_E: Scope.OWN_ORGANISATION},
    "order.cancel": {_E: Scope.OWN_ORGANISATION},
    "order.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                   **_AUTHORITIES_AND_OPERATOR},
    "delivery.confirm": {_E: Scope.OWN_ORGANISATION},
    "delivery.dispute": {_E: Scope.OWN_ORGANISATION},
    "delivery.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                      **_AUTHORITIES_AND_OPERATOR},
    # Institution
    "catalogue.manage": {_I: Scope.OWN_ORGANISATION},
    "delivery.log": {_I: Scope.OWN_ORGANISATION},
    "evidence.upload": {_I: Scope.OWN_ORGANISATION, _E: Scope.OWN_ORGANISATION},
    "evidence.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                      _R: Scope.OWN_REGION, _O: Scope.ALL},
    "redemption.request": {_I: Scope.OWN_ORGANISATION, _E: Scope.OWN_ORGANISATION},
    "redemption.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                        _R: Scope.OWN_REGION_AS_ISSUER, _F: Scope.OWN_REGION_AS_ISSUER,
                        _O: Scope.ALL, _C: Scope.OWN_CITY},
    "payment.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                     _F: Scope.OWN_REGION_AS_ISSUER, _O: Scope.ALL},
    "history.view": {_E: Scope.OWN_ORGANISATION, _I: Scope.OWN_ORGANISATION,
                     **_AUTHORITIES_AND_OPERATOR},
    # Authority reviewer
    "registration.review": {_R: Scope.OWN_REGION},
    "region_rules.manage": {_R: Scope.OWN_REGION},
    "notice.conclude": {_R: Scope.OWN_REGION},
    "application.review": {_R: Scope.OWN_REGION_AS_ISSUER},
    "redemption.review": {_R: Scope.OWN_REGION_AS_ISSUER},
    "program.manage": {_R: Scope.OWN_REGION_AS_ISSUER},
    # Either authority role records an appropriation into its region's program budget.
    "program.fund": {_R: Scope.OWN_REGION_AS_ISSUER, _F: Scope.OWN_REGION_AS_ISSUER},
    "spotcheck.manage": {_R: Scope.OWN_REGION_AS_ISSUER},
    "clawback.perform": {_R: Scope.OWN_REGION_AS_ISSUER},
    "blacklist.manage": {_R: Scope.OWN_REGION},
    # City reviewer (first tier of a two-tier program): recommends, the region decides
    "application.recommend": {_C: Scope.OWN_CITY},
    "redemption.recommend": {_C: Scope.OWN_CITY},
    # Authority finance
    "batch.manage": {_F: Scope.OWN_REGION_AS_ISSUER},
    "batch.view": {_F: Scope.OWN_REGION_AS_ISSUER, _R: Scope.OWN_REGION_AS_ISSUER,
                   _O: Scope.ALL},
    "treasury.import": {_F: Scope.OWN_REGION_AS_ISSUER},
    "clawback.repay": {_F: Scope.OWN_REGION_AS_ISSUER},
    "clawback.view": {_F: Scope.OWN_REGION_AS_ISSUER, _R: Scope.OWN_REGION_AS_ISSUER,
                      _O: Scope.ALL},
    "reconciliation.resolve": {_F: Scope.OWN_REGION_AS_ISSUER, _R: Scope.OWN_REGION_AS_ISSUER},
    # Oversight, reports, ledger
    "budget.view": {**_AUTHORITIES_AND_OPERATOR},
    "report.view": {**_AUTHORITIES_AND_OPERATOR},
    "report.request": {**_AUTHORITIES_AND_OPERATOR},
    "report.download": {**_AUTHORITIES_AND_OPERATOR},
    "audit.view": {**_AUTHORITIES_AND_OPERATOR},
    "ledger.view": {_F: Scope.OWN_REGION_AS_ISSUER, _R: Scope.OWN_REGION_AS_ISSUER,
                    _O: Scope.ALL},
    # Platform operator
    "overview.view": {_O: Scope.ALL},
    "reference.manage": {_O: Scope.ALL},
    "organisation.manage": {_O: Scope.ALL},  # authorities and their users (create_authority)
}


def role_of(user: User | AnonymousUser | None) -> str:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return user.role or ANONYMOUS


def scope_for(user: User | AnonymousUser | None, action: str) -> Scope | None:
    """The scope on which `user` may take `action`, or None. Unknown actions are a bug."""
    return MATRIX[action].get(role_of(user))


def require_action(
    user: User | AnonymousUser | None, action: str, *, now: datetime
) -> Scope:
    """The scope, or AccessDenied — and every denial goes to the audit trail.

    Inside a service's transaction the denial's audit line is rolled back with the rest;
    the page and API adapters, which check first, record it outside any transaction.
    """
    scope = scope_for(user, action)
    if scope is None:
        actor = user if user is not None and user.is_authenticated else None
        audit_record(actor=actor, action="permission_denied", after={"action": action}, now=now)
        raise AccessDenied("您的角色无权执行此操作", code="permission_denied",
                           extra={"action": action})
    return scope
