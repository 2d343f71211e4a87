"""Every list page of the portal runs the same number of queries whatever its length (issue 22).

Each case renders a page with a few rows, adds twice as many again (each with a new
counterparty, so a per-row lookup cannot hide behind a shared one), renders it again and
compares the queries; the rows must show up, or the comparison proves nothing. The reviewer's
redemption queue also has its exact count pinned: its warnings are read for the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.views import page_rows as rows
from tests.views.conftest import World
from vouchers.models import PaymentBatch, SpotCheck

FEW = 2  # rows before; then 2 × FEW more, so ~3 × FEW in all (under a page of 20)


@dataclass(frozen=True)
class ListPage:
    url_name: str
    viewer: str  # the World attribute of the user who reads the page
    add: Callable[[World, int], object]
    query: dict[str, str] = field(default_factory=dict)
    url_args: Callable[[], list[int]] | None = None  # a detail page listing rows
    totals_only: bool = False  # the records show as figures in a fixed table, not as lines


PAGES = {
    # Enterprise
    "enterprise vouchers": ListPage("vouchers:voucher_list", "enterprise", rows.issued),
    "enterprise applications": ListPage("vouchers:application_list", "enterprise",
                                        rows.issued),
    "enterprise orders": ListPage("vouchers:order_list", "enterprise", rows.confirmed),
    "enterprise redemptions": ListPage("vouchers:redemption_list", "enterprise",
                                       rows.requested),
    "enterprise ratings": ListPage("vouchers:rating_list", "enterprise", rows.rated),
    "enterprise ratings awaited": ListPage("vouchers:rating_list", "enterprise",
                                           rows.confirmed),
    "enterprise history": ListPage("vouchers:history", "enterprise", rows.issued),
    "enterprise programs": ListPage("vouchers:programs", "enterprise", rows.programs),
    "enterprise API tokens": ListPage("accounts:api_tokens", "enterprise", rows.api_tokens),
    "institution search": ListPage("vouchers:institution_search", "enterprise",
                                   rows.institutions),
    # Institution
    "institution orders": ListPage(
        "vouchers:order_list", "institution",
        partial(rows.confirmed, enterprise_own=False, institution_own=True)),
    "institution redemptions": ListPage(
        "vouchers:redemption_list", "institution",
        partial(rows.approved, enterprise_own=False, institution_own=True)),
    "institution ratings": ListPage(
        "vouchers:rating_list", "institution",
        partial(rows.rated, enterprise_own=False, institution_own=True)),
    "institution history": ListPage(
        "vouchers:history", "institution",
        partial(rows.ordered, enterprise_own=False, institution_own=True)),
    "institution catalogue": ListPage("vouchers:catalogue", "institution", rows.catalogue),
    "institution messages": ListPage("accounts:messages", "institution", rows.messages),
    # Authority reviewer
    "reviewer application queue": ListPage("vouchers:application_queue", "reviewer",
                                           rows.applied),
    "reviewer redemption queue": ListPage("vouchers:redemption_queue", "reviewer",
                                          partial(rows.requested, enterprise_own=False)),
    "reviewer orders": ListPage("vouchers:order_list", "reviewer",
                                partial(rows.confirmed, enterprise_own=False)),
    "reviewer ratings": ListPage(
        "vouchers:rating_list", "reviewer",
        partial(rows.rated, enterprise_own=False, institution_region="JS")),
    "reviewer records": ListPage("vouchers:record_list", "reviewer", rows.recorded),
    "reviewer batches": ListPage("vouchers:batch_list", "reviewer",
                                 partial(rows.batched, enterprise_own=False)),
    "reviewer registrations": ListPage("accounts:registration_queue", "reviewer",
                                       rows.registrations),
    "reviewer notices": ListPage("accounts:notice_review", "reviewer", rows.notices),
    "reviewer spot checks": ListPage("vouchers:spot_check_list", "reviewer", rows.spot_checks),
    "reviewer spot check detail": ListPage("vouchers:spot_check_detail", "reviewer",
                                           rows.sample_of,
                                           url_args=partial(rows.latest, SpotCheck)),
    "reviewer checker queue": ListPage("vouchers:spot_check_queue", "reviewer",
                                       rows.checker_queue),
    "reviewer oversight cases": ListPage("vouchers:case_list", "reviewer", rows.oversight_cases),
    "reviewer blacklist": ListPage("vouchers:blacklist", "reviewer", rows.blacklisted),
    "reviewer budget": ListPage("vouchers:budget_use", "reviewer", rows.programs),
    "reviewer programs": ListPage("vouchers:programs", "reviewer", rows.programs),
    "reviewer audit trail": ListPage("accounts:audit_trail", "reviewer", rows.audit_lines,
                                     {"action": rows.ORDER_PLACED}),
    "reviewer history": ListPage("vouchers:history", "reviewer", rows.audit_lines),
    "reviewer reports": ListPage("reporting:index", "reviewer", rows.report_runs),
    # Authority finance
    "finance batches": ListPage("vouchers:batch_list", "finance",
                                partial(rows.batched, enterprise_own=False)),
    "finance unbatched payees": ListPage("vouchers:batch_list", "finance",
                                         partial(rows.approved, enterprise_own=False)),
    "finance redemptions": ListPage("vouchers:redemption_list", "finance",
                                    partial(rows.approved, enterprise_own=False)),
    "finance batch detail": ListPage("vouchers:batch_detail", "finance", rows.batch_of,
                                     url_args=partial(rows.latest, PaymentBatch)),
    "finance audit trail": ListPage("accounts:audit_trail", "finance", rows.audit_lines,
                                    {"action": rows.ORDER_PLACED}),
    # Operator
    "operator orders": ListPage("vouchers:order_list", "operator",
                                partial(rows.confirmed, enterprise_own=False)),
    "operator ratings": ListPage("vouchers:rating_list", "operator",
                                 partial(rows.rated, enterprise_own=False)),
    "operator records": ListPage("vouchers:record_list", "operator", rows.recorded),
    "operator audit trail": ListPage("accounts:audit_trail", "operator", rows.audit_lines,
                                     {"action": rows.ORDER_PLACED}),
    "operator overview": ListPage("vouchers:overview", "operator", rows.confirmed,
                                  totals_only=True),
    "operator budget": ListPage("vouchers:budget_use", "operator", rows.programs,
                                {"region": "32"}),
    # Public
    "public directory": ListPage("vouchers:directory", "enterprise", rows.institutions),
    "public notices": ListPage("accounts:notices", "enterprise", rows.notices),
}


def _render(client: Client, page: ListPage) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as context:
        args = page.url_args() if page.url_args else []
        response = client.get(reverse(page.url_name, args=args), page.query)
    assert response.status_code == 200
    return len(context), response.content


@pytest.mark.parametrize("name", PAGES)
def test_a_list_page_runs_as_many_queries_for_three_times_the_rows(world, name):
    page = PAGES[name]
    client = Client()
    client.force_login(getattr(world, page.viewer))
    page.add(world, FEW)
    _render(client, page)  # the first request of a session warms caches and the session
    few_queries, few_content = _render(client, page)

    page.add(world, 2 * FEW)
    more_queries, more_content = _render(client, page)

    if page.totals_only:  # the new records changed the figures
        assert more_content != few_content
    else:  # the new rows are on the page
        assert len(more_content) > len(few_content)
    assert more_queries == few_queries


# The reviewer's redemption queue with its warnings: the session, the user, the user's
# organisation, the page's count and rows, the warnings' eight queries (one per signal,
# vouchers/review_warnings.py), the programs of its filter, the page's city recommendations
# and the header's unread messages, whatever the number of rows.
REDEMPTION_QUEUE_QUERIES = 16


def test_the_redemption_queue_reads_a_page_and_its_warnings_in_a_fixed_number_of_queries(world):
    redemptions = rows.requested(world, 3 * FEW, enterprise_own=False)
    client = Client()
    client.force_login(world.reviewer)
    page = PAGES["reviewer redemption queue"]
    _render(client, page)

    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(page.url_name))

    assert [item.pk for item in response.context["page"]] == [item.pk for item in redemptions]
    assert len(context) == REDEMPTION_QUEUE_QUERIES
