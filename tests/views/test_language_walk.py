"""One language per page: every page each role reaches, walked in Chinese and in English.

Given a cross-region world with a record in each state the lists show, when each role (and an
anonymous visitor) follows every same-site link from the home page, in each language, then an
English page shows no Chinese character and a Chinese page no English word, once the values
people typed (names, addresses, reasons, file names) are taken out. Every finding is reported
at once. The walked URL patterns are pinned, so a new page is walked or the test says so."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import AuditEntry, Objection, Organisation, User
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory
from tests.views.conftest import confirmed_order, issue
from vouchers.models import (
    Application,
    Delivery,
    EvidenceFile,
    PaymentBatch,
    Program,
    Redemption,
    ServiceCategory,
    ServiceOrder,
    ServiceRating,
    Voucher,
)
from vouchers.services import applications, oversight, redemptions, settlements

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Words a Chinese page may show: formats and protocols, the language switcher's "English".
CHINESE_PAGE_ALLOWED = {"API", "CSV", "XLSX", "PDF", "IP", "URL", "ID", "English", "JSON", "PNG",
                        "JPG", "JPEG", "HTTP", "HTTPS", "Bearer", "Authorization", "yrd",
                        "Idempotency", "Key", "Token", "MB", "SHA",
                        "CB"}  # a claw-back's reference (CB-12), quoted by payees and treasury
ENGLISH_PAGE_ALLOWED = {"简体中文"}  # the switcher names each language in itself
SKIPPED_ROUTES = {"accounts:logout", "set_language", "vouchers:evidence_download",
                  "vouchers:batch_export", "reporting:run_download", "reporting:run_progress",
                  "vouchers:bulk_review_progress"}
VISIBLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

# The pages each role reaches (URL names); a new page must be added here, and so is walked.
PAGES = {
    "anonymous": {  # the home page sends an anonymous visitor to sign in
        "accounts:login", "accounts:register", "accounts:notices",
        "accounts:notice_detail", "vouchers:directory",
    },
    "enterprise": {
        "home", "vouchers:programs", "vouchers:application_create",
        "vouchers:application_list", "vouchers:application_detail", "vouchers:voucher_list",
        "vouchers:institution_search", "vouchers:order_create", "vouchers:order_list",
        "vouchers:order_detail", "vouchers:redemption_list", "vouchers:redemption_detail",
        "vouchers:rating_list", "vouchers:directory", "vouchers:history", "accounts:messages",
        "accounts:message_preferences", "accounts:api_tokens", "accounts:password_change",
        "accounts:notices", "accounts:notice_detail", "vouchers:evidence_preview",
    },
    "institution": {
        "home", "vouchers:order_list", "vouchers:order_detail", "vouchers:delivery_log",
        "vouchers:catalogue", "vouchers:redemption_list", "vouchers:redemption_detail",
        "vouchers:rating_list", "vouchers:directory", "vouchers:history", "accounts:messages",
        "accounts:message_preferences", "accounts:api_tokens", "accounts:password_change",
        "accounts:notices", "accounts:notice_detail", "vouchers:evidence_preview",
    },
    "reviewer": {
        "home", "accounts:registration_queue", "accounts:registration_review",
        "vouchers:application_queue", "vouchers:application_review",
        "vouchers:redemption_queue", "vouchers:redemption_detail", "accounts:notice_review",
        "vouchers:budget_use", "vouchers:program_create", "vouchers:program_update",
        "vouchers:program_fund", "vouchers:program_deadlines", "vouchers:program_serving_area",
        "vouchers:program_materials", "accounts:region_rules",
        "vouchers:program_review_tiers",
        "vouchers:order_list", "vouchers:order_detail", "vouchers:spot_check_list",
        "vouchers:spot_check_detail", "vouchers:spot_check_queue", "vouchers:case_list",
        "vouchers:case_detail",
        "vouchers:rating_list", "vouchers:record_list", "vouchers:blacklist",
        "vouchers:claw_back_list",
        "vouchers:batch_list", "vouchers:batch_detail", "vouchers:redemption_list",
        "vouchers:application_list", "vouchers:application_detail", "reporting:index",
        "accounts:audit_trail", "vouchers:directory", "vouchers:history", "accounts:messages",
        "accounts:message_preferences", "accounts:api_tokens", "accounts:password_change",
        "accounts:notices", "accounts:notice_detail", "vouchers:evidence_preview",
        "vouchers:suspensions", "vouchers:voucher_review",
    },
    "finance": {
        "home", "vouchers:batch_list", "vouchers:batch_detail", "vouchers:redemption_list",
        "vouchers:claw_back_list",
        "vouchers:redemption_detail", "vouchers:budget_use", "vouchers:program_fund",
        "vouchers:order_detail", "reporting:index", "accounts:audit_trail",
        "vouchers:directory", "vouchers:history", "accounts:messages",
        "accounts:message_preferences", "accounts:api_tokens", "accounts:password_change",
        "accounts:notices", "accounts:notice_detail",
        # reached through the audit trail's and timelines' links to the records
        "vouchers:application_detail", "vouchers:order_list",
    },
    "operator": {
        "home", "vouchers:overview", "vouchers:budget_use", "vouchers:reference",
        "vouchers:city_common_area", "vouchers:rating_list",
        "vouchers:record_list", "vouchers:order_list", "vouchers:order_detail",
        "reporting:index", "accounts:audit_trail", "vouchers:directory", "vouchers:history",
        "accounts:messages", "accounts:message_preferences", "accounts:api_tokens",
        "accounts:password_change", "accounts:notices", "accounts:notice_detail",
        # reached through the audit trail's links to the records
        "vouchers:application_detail", "vouchers:batch_detail", "vouchers:batch_list",
        "vouchers:evidence_preview", "vouchers:redemption_detail", "vouchers:redemption_list",
    },
}


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts and styles, plus the
    attributes a screen reader speaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


@dataclass
class Walk:
    findings: dict[str, set[str]] = field(default_factory=dict)
    routes: dict[str, set[str]] = field(default_factory=dict)


def user_values() -> list[str]:
    """What people typed or uploaded, and the numbers the system gave records: not the UI's
    words. Longest first, so a name is removed before a shorter name inside it."""
    values: set[str] = set()
    for model, names in (
        (Organisation, ["name", "address", "legal_representative", "actual_controller",
                        "credit_code"]),
        (User, ["username", "email", "first_name", "last_name"]),
        (Program, ["name"]), (Application, ["purpose", "decision_reason"]),
        (Voucher, ["code"]), (ServiceOrder, ["contract_number", "fee_justification"]),
        (Delivery, ["description", "report_number", "invoice_number", "invoice_code"]),
        (EvidenceFile, ["original_name"]), (Redemption, ["decision_reason"]),
        (PaymentBatch, ["number", "payment_reference"]), (ServiceRating, ["comment"]),
        (AuditEntry, ["reason"]), (Objection, ["text", "lodged_by"]),
        (ServiceCategory, ["code"]),  # the API's category codes, shown to the operator
    ):
        present = [name for name in names if name in {f.name for f in model._meta.fields}]
        for row in model.objects.values_list(*present):
            values |= {str(value) for value in row if value}
    return sorted(values, key=len, reverse=True)


def offending(text: str, *, language: str, values: list[str]) -> list[str]:
    for value in values:
        text = text.replace(value, " ")
    text = EMAIL.sub(" ", text)
    if language == "en":
        found = CJK.findall(text)
        return [word for word in found if word not in ENGLISH_PAGE_ALLOWED]
    return [word for word in ENGLISH_WORD.findall(text) if word not in CHINESE_PAGE_ALLOWED]


def route_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/api/", "/admin/", "/i18n/", "/static/")) or "format=" in url:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name


def walk(client: Client, *, role: str, language: str, values: list[str], result: Walk) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    queue, seen, fetched = ["/"], set(), set()
    while queue:
        url = queue.pop(0)
        route = route_of(url)
        if route is None or route in seen or route in SKIPPED_ROUTES or url in fetched:
            continue
        fetched.add(url)
        response = client.get(url)
        if response.status_code == 302:  # the anonymous home page sends visitors to sign in
            queue.append(response["Location"])
            continue
        seen.add(route)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        result.routes.setdefault(role, set()).add(route)
        parser = VisibleText()
        parser.feed(response.content.decode())
        words = offending(" ".join(parser.parts), language=language, values=values)
        if words:
            result.findings.setdefault(f"{language} {role} {url}", set()).update(words)
        queue += parser.links


@pytest.fixture
def walk_world(world):
    """Records in the states the pages list: an issued voucher, a confirmed and rated order
    with a redemption in review and one paid in a batch, a pending application, a pending
    registration and an institution in its public notice with an objection."""
    now = timezone.now()
    order = confirmed_order(world)
    redemption = redemptions.redemption_request(actor=world.institution, order=order, now=now)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                   now=now)
    settlements.payment_batch_create(actor=world.finance, payee=order.payee, now=now)
    second = f.place_order(issue(world, amount_fen=50_000_00), world.enterprise,
                           world.institution.organisation)
    f.delivered_and_confirmed(second, world.institution, world.enterprise)
    redemptions.redemption_request(actor=world.institution, order=second, now=now)
    f.place_order(Voucher.objects.get(pk=second.voucher_id), world.enterprise,
                  world.institution.organisation, total_fee_fen=1_000_00)  # to be delivered
    applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=10_000_00,
        purpose="购买检测服务", planned_categories=[f.category()], now=now,
    )
    OrganisationFactory(region_code="JS", status=Organisation.Status.PENDING,
                        name="南京待审核科技有限公司")
    in_notice = OrganisationFactory(region_code="JS", kind=Organisation.Kind.INSTITUTION,
                                    status=Organisation.Status.NOTICE, name="无锡公示检测中心",
                                    notice_ends_at=now + timedelta(days=7))
    Objection.objects.create(organisation=in_notice, lodged_by="张先生",
                             contact="13800000000", text="该机构成立不满两年", created_at=now)
    today = timezone.localdate(now)  # a spot check of today, failed by another reviewer: a case
    draw = oversight.spot_check_draw(actor=world.reviewer, period_start=today,
                                     period_end=today, percentage=100, now=now)
    oversight.spot_check_record(actor=f.authority("JS"), item=draw.items.first(), passed=False,
                                note="发票与合同不符", now=now)
    return world


@pytest.mark.django_db
def test_every_page_speaks_one_language(walk_world, client):
    users = {
        "anonymous": None, "enterprise": walk_world.enterprise,
        "institution": walk_world.institution, "reviewer": walk_world.reviewer,
        "finance": walk_world.finance, "operator": walk_world.operator,
    }
    values = user_values()
    result = Walk()
    for role, user in users.items():
        for language in ("zh-hans", "en"):
            client = Client()
            if user is not None:
                client.force_login(user)
            walk(client, role=role, language=language, values=values, result=result)

    assert not result.findings, "\n".join(
        f"{page}: {' '.join(sorted(words))}" for page, words in sorted(result.findings.items()))
    missing = {role: sorted(PAGES[role] - result.routes.get(role, set())) for role in PAGES}
    assert not any(missing.values()), missing
    unpinned = {role: sorted(result.routes[role] - PAGES[role]) for role in PAGES}
    assert not any(unpinned.values()), f"new pages: pin them in PAGES {unpinned}"
    assert {role: len(routes) for role, routes in result.routes.items()} == {
        role: len(pages) for role, pages in PAGES.items()}
