"""Walk every URL of the site and the API as every role, against accounts.access.MATRIX.

A URL whose view declares no action fails the test: nothing is reachable that the matrix
does not know. Allowed roles must get past the permission check (any answer but 401/403 or
a redirect to the login page — 404 for a made-up object, 405 for a GET on a POST-only view);
refused roles must be stopped there (401/403, or the login page for anonymous visitors).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.access import ANONYMOUS, MATRIX
from accounts.models import AuditEntry, User
from devtools.factories.accounts import OrganisationFactory, UserFactory
from devtools.factories.vouchers import city_reviewer

# Framework URLs with their own protection: the Django admin (staff only), the language switch,
# and the operations endpoints outside the matrix: the health probes are public by design (no
# data), /metrics admits only its networks or token (tests/config/test_metrics.py).
FRAMEWORK_PREFIXES = ("admin/", "i18n/", "health/", "metrics")
MISSING_OBJECT = "987654321"


# Who may do what, on which objects, written out from the scheme's rules (docs/security.md),
# not read from accounts.access: a role added to or dropped from the matrix by mistake, or a
# scope widened, fails here. role=scope; a role not named is refused. Scopes: own (its own
# organisation's), issuer (what its region issued), server (what its region's institutions
# served), region (either), city (a city reviewer's: its city's enterprises'), all, any (no
# particular object).
EVERYONE = ("anonymous=any enterprise=any institution=any reviewer=any finance=any operator=any"
            " city=any")
SIGNED_IN = "enterprise=any institution=any reviewer=any finance=any operator=any city=any"
POLICY = {
    "account.login": EVERYONE,
    "account.register": "anonymous=any",
    "directory.view": EVERYONE,
    "notice.view": EVERYONE,
    "notice.object": EVERYONE,
    "reference.view": EVERYONE,
    "api.docs": EVERYONE,
    "home.view": SIGNED_IN,
    "account.password_change": SIGNED_IN,
    "api_token.manage": SIGNED_IN,
    "me.view": SIGNED_IN,
    "notification.view": SIGNED_IN,
    "notification.read": SIGNED_IN,
    "notification.preferences": SIGNED_IN,
    "delivery.rate": "enterprise=own",
    "record.view": "reviewer=all finance=all operator=all",
    "rating.view": "enterprise=own institution=own reviewer=server finance=server operator=all",
    "program.view": "enterprise=issuer reviewer=issuer finance=issuer operator=all",
    "application.submit": "enterprise=own",
    "application.view": "enterprise=own reviewer=issuer finance=issuer operator=all city=city",
    "voucher.view": "enterprise=own reviewer=issuer finance=issuer operator=all",
    "institution.search": SIGNED_IN,
    "order.place": "enterprise=own",
    "order.cancel": "enterprise=own",
    "order.view": "enterprise=own institution=own reviewer=region finance=region operator=all",
    "delivery.confirm": "enterprise=own",
    "delivery.dispute": "enterprise=own",
    "delivery.view": "enterprise=own institution=own reviewer=region finance=region operator=all",
    "catalogue.manage": "institution=own",
    "delivery.log": "institution=own",
    "evidence.upload": "institution=own enterprise=own",
    "evidence.view": "enterprise=own institution=own reviewer=region operator=all",
    "redemption.request": "institution=own enterprise=own",
    "redemption.view": (
        "enterprise=own institution=own reviewer=issuer finance=issuer operator=all city=city"
    ),
    "payment.view": "enterprise=own institution=own finance=issuer operator=all",
    "history.view": "enterprise=own institution=own reviewer=region finance=region operator=all",
    "registration.review": "reviewer=region",
    "notice.conclude": "reviewer=region",
    "application.recommend": "city=city",
    "redemption.recommend": "city=city",
    "application.review": "reviewer=issuer",
    "redemption.review": "reviewer=issuer",
    "program.manage": "reviewer=issuer",
    "program.fund": "reviewer=issuer finance=issuer",
    "spotcheck.manage": "reviewer=issuer",
    "clawback.perform": "reviewer=issuer",
    "blacklist.manage": "reviewer=region",
    "region_rules.manage": "reviewer=region",
    "batch.manage": "finance=issuer",
    "batch.view": "finance=issuer reviewer=issuer operator=all",
    "treasury.import": "finance=issuer",
    "clawback.repay": "finance=issuer",
    "clawback.view": "finance=issuer reviewer=issuer operator=all",
    "reconciliation.resolve": "finance=issuer reviewer=issuer",
    "budget.view": "reviewer=region finance=region operator=all",
    "report.view": "reviewer=region finance=region operator=all",
    "report.request": "reviewer=region finance=region operator=all",
    "report.download": "reviewer=region finance=region operator=all",
    "audit.view": "reviewer=region finance=region operator=all",
    "ledger.view": "finance=issuer reviewer=issuer operator=all",
    "overview.view": "operator=all",
    "reference.manage": "operator=all",
    "organisation.manage": "operator=all",
}
ROLE_NAMES = {
    "anonymous": ANONYMOUS,
    "enterprise": User.Role.ENTERPRISE,
    "institution": User.Role.INSTITUTION,
    "reviewer": User.Role.AUTHORITY_REVIEWER,
    "finance": User.Role.AUTHORITY_FINANCE,
    "operator": User.Role.OPERATOR,
    "city": User.Role.CITY_REVIEWER,
}
SCOPE_NAMES = {
    "any": "any",
    "own": "own_organisation",
    "issuer": "own_region_as_issuer",
    "server": "own_region_as_server",
    "region": "own_region",
    "city": "own_city",
    "all": "all",
}


def _policy(action: str) -> dict[str, str]:
    pairs = (entry.split("=") for entry in POLICY[action].split())
    return {ROLE_NAMES[role]: SCOPE_NAMES[scope] for role, scope in pairs}


def test_the_matrix_grants_exactly_the_policy():
    assert set(MATRIX) == set(POLICY)
    for action, row in MATRIX.items():
        assert {role: str(scope) for role, scope in row.items()} == _policy(action), action


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _action_of(callback) -> str | dict | None:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return getattr(callback, "access_action", None) or getattr(view_class, "access_action", None)


def _concrete(route: str) -> str:
    path = re.sub(r"<(?:(?:int|str|slug|uuid|path):)?\w+>", MISSING_OBJECT, route)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def site_urls():
    for route, callback in _walk(get_resolver().url_patterns):
        if route.startswith(FRAMEWORK_PREFIXES):
            continue
        yield route, callback


def test_every_url_declares_an_action_of_the_matrix():
    unknown = [route for route, callback in site_urls() if _action_of(callback) is None]
    assert unknown == [], f"URLs without an access action (add @action_required): {unknown}"
    for route, callback in site_urls():
        action = _action_of(callback)
        for name in action.values() if isinstance(action, dict) else [action]:
            assert name in MATRIX, f"{route} names unknown action {name!r}"


def _users():
    authority_users = {
        role: UserFactory.authority("JS", role=role)
        for role in (User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE)
    }
    operator = UserFactory(
        organisation=OrganisationFactory(kind="operator", credit_code=None, city=None),
        role=User.Role.OPERATOR,
    )
    return {
        ANONYMOUS: None,
        User.Role.ENTERPRISE: UserFactory(role=User.Role.ENTERPRISE),
        User.Role.INSTITUTION: UserFactory(
            role=User.Role.INSTITUTION,
            organisation=OrganisationFactory(kind="institution", region_code="SH"),
        ),
        **authority_users,
        User.Role.OPERATOR: operator,
        User.Role.CITY_REVIEWER: city_reviewer("JS"),
    }


def _stopped(response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "/accounts/login/" in location


@pytest.mark.django_db
def test_each_role_is_let_through_or_stopped_as_the_matrix_says(client):
    users = _users()
    mismatches = []
    checked = 0
    for route, callback in site_urls():
        action = _action_of(callback)
        action = action["GET"] if isinstance(action, dict) else action
        url = _concrete(route)
        for role, user in users.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            allowed = role in _policy(action)
            if response.status_code >= 500 or allowed == _stopped(response):
                mismatches.append((url, role, action, response.status_code))
            checked += 1
    assert mismatches == []
    assert checked >= 7 * 60  # the whole site and API, every role


@pytest.mark.django_db
def test_a_refusal_is_audited(client):
    client.force_login(UserFactory(role=User.Role.ENTERPRISE))
    response = client.get("/review/applications/")
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="permission_denied")
    assert entry.after == {"action": "application.review"}


@pytest.mark.django_db
def test_authorities_read_and_export_only_their_region_s_trail(client):
    from accounts.audit import audit_record
    from accounts.models import Region

    # The page shows the reason beside the action's label; the export has the code as well.
    audit_record(actor=None, action="marker_js", region=Region.objects.get(short_code="JS"),
                 reason="marker_js", now=timezone.now())
    audit_record(actor=None, action="marker_sh", region=Region.objects.get(short_code="SH"),
                 reason="marker_sh", now=timezone.now())
    reviewer = UserFactory.authority("JS")
    client.force_login(reviewer)

    page = client.get("/accounts/audit/").content.decode()
    export = b"".join(client.get("/accounts/audit/?format=csv").streaming_content).decode()

    assert "marker_js" in page
    assert "marker_sh" not in page
    assert export.startswith("\ufeff时间,操作")
    assert "marker_js" in export
    assert "marker_sh" not in export
    assert AuditEntry.objects.filter(action="audit_export", actor=reviewer).count() == 1
