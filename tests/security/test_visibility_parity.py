"""A page and an endpoint list the same records for every role (vouchers/visibility.py).

The world has two regions' programs and three orders: Jiangsu's enterprise ordering from a
Shanghai institution (cross-region) and from a Jiangsu one, and Shanghai's enterprise ordering
from the Shanghai institution. Each order is delivered and confirmed with its evidence and
claimed; the claims are approved and each region's finance officer batches its own. Then
for each role, each record kind is listed through the web page (the page's context) and
through the API list endpoint, and both must hold exactly the same ids (a role without the
action is refused by both).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from devtools.factories import vouchers as build
from devtools.factories.accounts import OrganisationFactory, UserFactory
from tests.api.conftest import open_program
from vouchers.models import PaymentBatch, Program, Redemption, ServiceOrder
from vouchers.services import applications, redemptions, settlements

ROLES = [
    "js_enterprise", "sh_enterprise", "sh_institution", "js_institution", "js_reviewer",
    "sh_reviewer", "js_finance", "sh_finance", "operator",
]


@dataclass
class World:
    users: dict[str, User]
    js_program: Program
    sh_program: Program
    cross_order: ServiceOrder  # Jiangsu voucher, Shanghai institution
    js_order: ServiceOrder  # Jiangsu voucher, Jiangsu institution
    sh_order: ServiceOrder  # Shanghai voucher, Shanghai institution


def _claimed(voucher, enterprise: User, institution: User) -> ServiceOrder:
    order = build.place_order(voucher, enterprise, institution.organisation)
    build.delivered_and_confirmed(order, institution, enterprise)
    build.request_redemption(order, institution)
    return order


@pytest.fixture
def world(db) -> World:
    users = {
        "js_reviewer": build.authority("JS"),
        "sh_reviewer": build.authority("SH"),
        "js_finance": build.authority("JS", role=User.Role.AUTHORITY_FINANCE),
        "sh_finance": build.authority("SH", role=User.Role.AUTHORITY_FINANCE),
        "js_enterprise": build.enterprise_user("JS"),
        "sh_enterprise": build.enterprise_user("SH"),
        "sh_institution": build.institution_user("SH"),
        "js_institution": build.institution_user("JS"),
        "operator": UserFactory(
            organisation=OrganisationFactory(
                kind=Organisation.Kind.OPERATOR, region_code="SH", credit_code=None
            ),
            role=User.Role.OPERATOR,
        ),
    }
    js_program = open_program(users["js_reviewer"])
    sh_program = open_program(users["sh_reviewer"])
    js_voucher = build.issue_voucher(js_program, users["js_enterprise"],
                                     reviewer=users["js_reviewer"])
    sh_voucher = build.issue_voucher(sh_program, users["sh_enterprise"],
                                     reviewer=users["sh_reviewer"])
    world = World(
        users=users, js_program=js_program, sh_program=sh_program,
        cross_order=_claimed(js_voucher, users["js_enterprise"], users["sh_institution"]),
        js_order=_claimed(js_voucher, users["js_enterprise"], users["js_institution"]),
        sh_order=_claimed(sh_voucher, users["sh_enterprise"], users["sh_institution"]),
    )
    for region in ("js", "sh"):
        reviewer, finance = users[f"{region}_reviewer"], users[f"{region}_finance"]
        for redemption in Redemption.objects.filter(program__region=reviewer.organisation.region):
            redemptions.redemption_approve(actor=reviewer, redemption=redemption, now=build.NOW)
        payees = Redemption.objects.filter(program__region=finance.organisation.region)
        for payee in {redemption.payee for redemption in payees}:
            settlements.payment_batch_create(actor=finance, payee=payee, now=build.NOW)
    # An application still waiting, so reviewers' lists hold more than the issued ones.
    applications.application_submit(
        actor=users["sh_enterprise"], program=sh_program, amount_fen=10_000_00,
        purpose="检测", planned_categories=[build.category()], now=build.NOW,
    )
    return world


# record kind → (web page, the context key of its rows, API list endpoint)
LISTS = {
    "program": ("vouchers:programs", "programs", "api:program-list"),
    "application": ("vouchers:application_list", "page", "api:application-list"),
    "voucher": ("vouchers:voucher_list", "page", "api:voucher-list"),
    "order": ("vouchers:order_list", "page", "api:order-list"),
    "redemption": ("vouchers:redemption_list", "page", "api:redemption-list"),
    "batch": ("vouchers:batch_list", "page", "api:batch-list"),
    "institution": ("vouchers:institution_search", "page", "api:institution-list"),
}


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _web_ids(client: Client, url: str, key: str) -> set[int] | None:
    """The ids a page lists, or None when the page refuses the role."""
    response = client.get(url)
    if response.status_code == 403:
        return None
    assert response.status_code == 200
    return {row.pk for row in response.context[key]}


def _api_ids(client: APIClient, url: str) -> set[int] | None:
    response = client.get(url, {"page_size": 200})
    if response.status_code == 403:
        return None
    assert response.status_code == 200
    assert response.json()["next"] is None
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(LISTS))
def test_the_page_and_the_endpoint_list_the_same_records(world, role, kind):
    page, key, endpoint = LISTS[kind]
    user = world.users[role]
    on_the_page = _web_ids(_web(user), reverse(page), key)
    on_the_api = _api_ids(_api(user), reverse(endpoint))
    assert on_the_page == on_the_api


def _order_pages(world: World, user: User) -> dict[str, set[int] | None]:
    """Deliveries and evidence as the order pages show them, over the orders `user` sees."""
    client = _web(user)
    response = client.get(reverse("vouchers:order_list"))
    deliveries: set[int] = set()
    evidence: set[int] = set()
    for order in response.context["page"]:
        detail = client.get(reverse("vouchers:order_detail", args=[order.pk])).context
        deliveries |= {delivery.pk for delivery in detail["deliveries"]}
        evidence |= {item.pk for item in detail["evidence"]}
    return {"deliveries": deliveries, "evidence": evidence}


def _api_evidence(world: World, user: User) -> set[int]:
    client, evidence = _api(user), set()
    for order in ServiceOrder.objects.all():
        response = client.get(reverse("api:evidence-list", args=[order.pk]))
        if response.status_code == 200:
            evidence |= {row["id"] for row in response.json()["results"]}
    return evidence


@pytest.mark.parametrize("role", ROLES)
def test_order_pages_show_the_deliveries_and_evidence_the_api_lists(world, role):
    user = world.users[role]
    shown = _order_pages(world, user)
    assert shown["deliveries"] == _api_ids(_api(user), reverse("api:delivery-list"))
    assert shown["evidence"] == _api_evidence(world, user)


def _orders(*orders: ServiceOrder) -> set[int]:
    return {order.pk for order in orders}


def test_each_scope_lists_what_the_matrix_says(world):
    """Hand-written expectations: a party its own, an authority its region's as issuer or
    (orders) as server too, the operator all; finance sees no evidence."""
    users, cross, js, sh = world.users, world.cross_order, world.js_order, world.sh_order
    orders = {role: _web_ids(_web(users[role]), reverse("vouchers:order_list"), "page")
              for role in ROLES}
    assert orders["js_enterprise"] == _orders(cross, js)
    assert orders["sh_institution"] == _orders(cross, sh)
    assert orders["js_reviewer"] == _orders(cross, js)
    assert orders["sh_reviewer"] == _orders(cross, sh)  # serves the cross-region order
    assert orders["operator"] == _orders(cross, js, sh)
    # Redemptions and batches belong to the issuing region only.
    sh_redemptions = _web_ids(_web(users["sh_reviewer"]), reverse("vouchers:redemption_list"),
                              "page")
    assert sh_redemptions == {sh.redemptions.get().pk}
    js_batches = _api_ids(_api(users["js_finance"]), reverse("api:batch-list"))
    assert js_batches == set(
        PaymentBatch.objects.filter(region=world.js_program.region).values_list("pk", flat=True)
    )
    assert len(js_batches) == 2  # the Shanghai and the Jiangsu institution
    programs = _web_ids(_web(users["sh_enterprise"]), reverse("vouchers:programs"), "programs")
    assert programs == {world.sh_program.pk}
    assert _order_pages(world, users["js_finance"])["evidence"] == set()
    assert _web_ids(_web(users["sh_institution"]), reverse("vouchers:voucher_list"),
                    "page") is None


# role → (status for a Jiangsu batch, status for a Shanghai batch), on the page and the API
# alike: the web CSV and both API exports all follow "batch.view" through batches_visible_to.
BATCH_EXPORT_STATUSES = {
    "js_enterprise": (403, 403), "sh_enterprise": (403, 403),
    "sh_institution": (403, 403), "js_institution": (403, 403),  # payees read no batch
    "js_reviewer": (200, 404), "js_finance": (200, 404),
    "sh_reviewer": (404, 200), "sh_finance": (404, 200),
    "operator": (200, 200),
}


def _export_answers(user: User, batch: PaymentBatch) -> dict[str, tuple[int, int | None]]:
    """(status, row count) of the batch's web CSV, API JSON and API CSV exports."""
    web = _web(user).get(reverse("vouchers:batch_export", args=[batch.pk]))
    api = _api(user)
    as_json = api.get(reverse("api:batch-export", args=[batch.pk]))
    as_csv = api.get(reverse("api:batch-export-csv", args=[batch.pk]))

    def csv_rows(response) -> int | None:
        if response.status_code != 200:
            return None
        return len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) - 1

    json_rows = len(as_json.json()["rows"]) if as_json.status_code == 200 else None
    return {
        "web": (web.status_code, csv_rows(web)),
        "api": (as_json.status_code, json_rows),
        "api_csv": (as_csv.status_code, csv_rows(as_csv)),
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_web_and_api_batch_exports_answer_alike_for_every_role(world, role):
    # Given each region's batches (Jiangsu: two payees, one claim each; Shanghai: one)
    js_region, sh_region = world.js_program.region, world.sh_program.region
    user = world.users[role]
    expected_js, expected_sh = BATCH_EXPORT_STATUSES[role]
    for batch, expected in [
        *((batch, expected_js) for batch in PaymentBatch.objects.filter(region=js_region)),
        *((batch, expected_sh) for batch in PaymentBatch.objects.filter(region=sh_region)),
    ]:
        # When the user asks for the batch's export on the page and on the API
        answers = _export_answers(user, batch)

        # Then all three answer the matrix's status, and when they answer, the same one row
        rows = 1 if expected == 200 else None
        assert answers == {"web": (expected, rows), "api": (expected, rows),
                           "api_csv": (expected, rows)}, batch.number
