"""The home page is a to-do list per role: each count is the number of records its link
lists, and records that must not count (another organisation's, another region's, another
state's) are in the data so that a count that includes them would show."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory
from tests.views.conftest import confirmed_order, issue
from vouchers.models import Program
from vouchers.services import deliveries, oversight, redemptions, settlements

# Each list page names its records by links to their pages (or by one card per record).
RECORD = {
    "vouchers:order_list": r'href="/orders/(\d+)/"',
    "accounts:registration_queue": r'href="/accounts/registrations/(\d+)/"',
    "vouchers:application_queue": r'href="/review/applications/(\d+)/"',
    "vouchers:redemption_queue": r'href="/redemptions/(\d+)/"',
    "accounts:notice_review": r'<section class="card">\s*<h2>([^<]+)</h2>',
    "vouchers:spot_check_list": r'href="/oversight/spot-checks/(\d+)/"',
}


def home_items(client) -> dict[str, tuple[int, str]]:
    """label → (count, link) as the home page shows them."""
    body = client.get(reverse("home")).content.decode()
    return {label: (int(count), url) for url, label, count in re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span></li>', body)}


def listed(client, url: str, pattern: str) -> set[str]:
    body = client.get(url.replace("&amp;", "&")).content.decode()
    return set(re.findall(pattern, body))


def check_every_item(client, expected: dict[str, int], patterns: dict[str, str]):
    items = home_items(client)
    assert {label: count for label, (count, _url) in items.items()} == expected
    for label, (count, url) in items.items():
        assert len(listed(client, url, patterns[label])) == count, label


def _delivered(world, voucher, enterprise):
    order = f.place_order(voucher, enterprise, world.institution.organisation)
    return order, f.deliver(order, world.institution)


def test_the_home_page_greets_the_organisation_and_the_person(client, world):
    client.force_login(world.enterprise)
    body = client.get(reverse("home")).content.decode()
    assert "<h1>苏州精密制造有限公司</h1>" in body
    assert f"您好，{world.enterprise.username}。" in body
    assert "我可以办理" in body
    assert reverse("vouchers:institution_search") in body


def test_enterprise_counts_match_their_lists(client, world):
    voucher = issue(world)
    _delivered(world, voucher, world.enterprise)            # waits for confirmation
    _delivered(world, voucher, world.enterprise)            # waits too
    confirmed_order(world)                                  # confirmed: not waiting for it
    neighbour = f.enterprise_user("JS")                     # another enterprise's delivery
    _delivered(world, issue_for(world, neighbour), neighbour)
    general = f.make_program(actor=world.reviewer, name="通用项目", payee_mode="enterprise",
                             **f.dates_open_all_year(timezone.now()))
    own_payee = _confirmed_general_use(world, general)      # payee is the enterprise itself
    claimed = _confirmed_general_use(world, general)
    f.request_redemption(claimed, world.enterprise)          # already claimed: not counted
    client.force_login(world.enterprise)

    check_every_item(client, {"待确认的交付": 2, "可申请兑付的订单": 1}, {
        "待确认的交付": RECORD["vouchers:order_list"],
        "可申请兑付的订单": RECORD["vouchers:order_list"]})
    _, url = home_items(client)["可申请兑付的订单"]
    assert listed(client, url, RECORD["vouchers:order_list"]) == {str(own_payee.pk)}


def issue_for(world, enterprise, program: Program | None = None):
    from vouchers.services import applications

    application = applications.application_submit(
        actor=enterprise, program=program or world.program, amount_fen=50_000_00,
        purpose="检测", planned_categories=[f.category()], now=timezone.now())
    return applications.application_approve(actor=world.reviewer, application=application,
                                             now=timezone.now())


def _confirmed_general_use(world, program):
    voucher = issue_for(world, world.enterprise, program) if not hasattr(
        program, "_voucher") else program._voucher
    program._voucher = voucher
    order = f.place_order(voucher, world.enterprise, world.institution.organisation)
    delivery = f.deliver(order, world.institution)
    f.attach_evidence(order, world.enterprise)
    deliveries.delivery_confirm(actor=world.enterprise, delivery=delivery, now=timezone.now())
    return order


def test_institution_counts_match_their_lists(client, world):
    voucher = issue(world)
    for _ in range(3):                                      # placed with it: to deliver
        f.place_order(voucher, world.enterprise, world.institution.organisation)
    _delivered(world, voucher, world.enterprise)            # delivered, not confirmed
    ready = [confirmed_order(world), confirmed_order(world)]
    f.request_redemption(ready[1], world.institution)        # claimed already
    f.place_order(voucher, world.enterprise, world.other_institution.organisation)  # not its
    client.force_login(world.institution)

    check_every_item(client, {"待交付的订单": 3, "可申请兑付的订单": 1}, {
        "待交付的订单": RECORD["vouchers:order_list"],
        "可申请兑付的订单": RECORD["vouchers:order_list"]})


def test_reviewer_counts_match_their_lists(client, world):
    for status in ("pending", "pending", "approved"):
        OrganisationFactory(region_code="JS", status=status)
    OrganisationFactory(region_code="SH", status="pending")           # another region's
    in_notice = dict(kind=Organisation.Kind.INSTITUTION, status=Organisation.Status.NOTICE,
                     notice_ends_at=timezone.now() + timedelta(days=3))
    OrganisationFactory(region_code="JS", name="江苏公示机构", **in_notice)
    OrganisationFactory(region_code="SH", name="上海公示机构", **in_notice)
    from vouchers.services import applications

    f.request_redemption(confirmed_order(world), world.institution)    # waits for review
    approved = f.request_redemption(confirmed_order(world), world.institution)
    redemptions.redemption_approve(actor=world.reviewer, redemption=approved,
                                   now=timezone.now())                 # approved: not waiting
    for enterprise in (f.enterprise_user("JS"), f.enterprise_user("JS")):
        applications.application_submit(
            actor=enterprise, program=world.program, amount_fen=10_000_00, purpose="检测",
            planned_categories=[f.category()], now=timezone.now())
    zhejiang = f.make_program(actor=f.authority("ZJ"), region_code="ZJ",
                              **f.dates_open_all_year(timezone.now()))
    applications.application_submit(                                   # another region's
        actor=world.other_enterprise, program=zhejiang, amount_fen=10_000_00, purpose="检测",
        planned_categories=[f.category()], now=timezone.now())
    today = timezone.localdate()
    open_check = oversight.spot_check_draw(actor=world.reviewer, period_start=today,
                                           period_end=today, percentage=100, now=timezone.now())
    done = oversight.spot_check_draw(actor=world.reviewer, period_start=today, period_end=today,
                                     percentage=100, now=timezone.now())
    checker = f.authority("JS")  # not the reviewer who approved the redemptions
    for item in done.items.all():
        oversight.spot_check_record(actor=checker, item=item, passed=True, note="齐全",
                                    now=timezone.now())
    client.force_login(world.reviewer)

    check_every_item(client, {"待审核的注册": 2, "待审核的申领": 2, "待审核的兑付": 1,
                              "待办结的公示和异议": 1, "未完成的抽样核查": 1,
                              "暂停待决定的兑付": 0, "暂停待决定的订单": 0}, {
        "暂停待决定的兑付": r'href="/redemptions/(\d+)/"',
        "暂停待决定的订单": r'href="/orders/(\d+)/"',
        "待审核的注册": RECORD["accounts:registration_queue"],
        "待审核的申领": RECORD["vouchers:application_queue"],
        "待审核的兑付": RECORD["vouchers:redemption_queue"],
        "待办结的公示和异议": RECORD["accounts:notice_review"],
        "未完成的抽样核查": RECORD["vouchers:spot_check_list"]})
    _, url = home_items(client)["未完成的抽样核查"]
    assert listed(client, url, RECORD["vouchers:spot_check_list"]) == {str(open_check.pk)}


def test_finance_counts_match_their_lists(client, world):
    voucher = issue(world)

    def approved(payee_user):
        order = f.place_order(voucher, world.enterprise, payee_user.organisation)
        f.delivered_and_confirmed(order, payee_user, world.enterprise)
        return redemptions.redemption_approve(
            actor=world.reviewer, redemption=f.request_redemption(order, payee_user),
            now=timezone.now())

    second_institution = f.institution_user("SH")
    approved(world.institution)
    approved(second_institution)
    in_batch = approved(f.institution_user("SH"))
    batch = settlements.payment_batch_create(actor=world.finance, payee=in_batch.payee,
                                             now=timezone.now())
    paid_one = approved(f.institution_user("SH"))
    paid = settlements.payment_batch_create(actor=world.finance, payee=paid_one.payee,
                                            now=timezone.now())
    settlements.payment_batch_pay(actor=world.finance, batch=paid, payment_reference="GK-1",
                                  paid_on=timezone.localdate(), now=timezone.now())
    client.force_login(world.finance)

    check_every_item(client, {"待编入批次的收款方": 2, "待支付的批次": 1}, {
        "待编入批次的收款方": r'batches/new/\?payee=(\d+)"',
        "待支付的批次": r'href="/batches/(\d+)/"'})
    _, url = home_items(client)["待支付的批次"]
    assert listed(client, url, r'href="/batches/(\d+)/"') == {str(batch.pk)}


def test_the_reviewer_is_told_what_a_blacklisting_suspended(client, world):
    f.request_redemption(confirmed_order(world), world.institution)
    f.place_order(issue(world), world.enterprise, world.institution.organisation)
    oversight.organisation_blacklist(actor=world.reviewer, reason="伪造报告", now=timezone.now(),
                                     organisation=world.institution.organisation)
    client.force_login(world.reviewer)
    items = home_items(client)
    assert (items["暂停待决定的兑付"][0], items["暂停待决定的订单"][0]) == (1, 1)
    for label, pattern in (("暂停待决定的兑付", r'href="/redemptions/(\d+)/"'),
                           ("暂停待决定的订单", r'href="/orders/(\d+)/"')):
        _count, url = items[label]
        assert len(listed(client, url, pattern)) == 1


@pytest.mark.parametrize("who", ["operator", "other_enterprise"])
def test_roles_with_nothing_waiting_see_so_and_what_they_can_do(client, world, who):
    client.force_login(getattr(world, who))
    body = client.get(reverse("home")).content.decode()
    assert home_items(client) == {} or all(c == 0 for c, _ in home_items(client).values())
    assert "我可以办理" in body
