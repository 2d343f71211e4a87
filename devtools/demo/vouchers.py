"""Demo vouchers for `make run`: per region a funded program with records in every state.

Idempotent: every step first looks for what it would create (programs by region, year and
name; orders by contract number; later steps by the state they leave behind), so a second
run creates nothing. Everything goes through the services, so the ledger is real.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from reportlab.pdfgen import canvas

from accounts.models import Organisation, Region, RegionRules, User
from accounts.services import admission
from accounts.uploads import Upload
from vouchers.models import (
    Application,
    InstitutionService,
    Program,
    Redemption,
    ServiceCategory,
    ServiceOrder,
    Voucher,
)
from vouchers.program_dates import china_date, day_end, day_start, redemption_allowance_end
from vouchers.services import (
    application_returns,
    applications,
    deliveries,
    orders,
    oversight,
    program_changes,
    programs,
    recommendations,
    redemptions,
    sanctions,
    settlements,
    vouchers,
)

DEMO_PDF = b"%PDF-1.4\n% demo evidence\n"
PROGRAM_NAME = "科技创新券（演示）"
TWO_TIER_PROGRAM_NAME = "科技创新券·两级审核（演示）"
# Anhui pays the enterprise (通用) in the demo; the other regions pay the institution (通兑).
ENTERPRISE_PAYEE_REGIONS = {"AH"}
# List prices as institutions publish them, by category; the rest are quoted per project.
# The demo orders (12,000 元 of testing) are 15 samples at the testing price.
DEMO_PRICES = {
    "testing": "800 元/样，5个工作日出报告",
    "instruments": "300 元/机时，含操作人员",
    "consulting": "2,000 元/人·天",
    "novelty_search": "1,200 元/项",
}
NEGOTIABLE = "面议"
# The demo programs' materials list (材料清单): two required documents and an optional one.
DEMO_MATERIALS = [
    {"name": "营业执照", "name_en": "Business licence", "required": True,
     "types": ["pdf", "png", "jpeg"]},
    {"name": "上年度财务报表", "name_en": "Last year's financial statement", "required": True,
     "types": ["pdf"]},
    {"name": "研发需求说明", "name_en": "Statement of the R&D need", "required": False,
     "types": ["pdf"]},
]


@dataclass(frozen=True)
class RegionParties:
    """The demo users of one region (devtools.demo.accounts creates them: js_reviewer, ...)."""

    reviewer: User
    finance: User
    enterprise: User
    institution: User


def demo_parties_from_usernames(
    prefixes: tuple[str, ...] = ("sh", "js", "zj", "ah"),
) -> dict[str, RegionParties]:
    """Look up `<prefix>_reviewer`, `_finance`, `_enterprise`, `_institution`; skip incomplete."""
    parties = {}
    for prefix in prefixes:
        users = {u.username: u for u in User.objects.filter(username__startswith=f"{prefix}_")}
        names = [
            f"{prefix}_{role}" for role in ("reviewer", "finance", "enterprise", "institution")
        ]
        if all(name in users for name in names):
            parties[prefix.upper()] = RegionParties(*(users[name] for name in names))
    return parties


def load_voucher_demo(*, now: datetime, parties: Mapping[str, RegionParties]) -> list[Program]:
    """For each region (short code → its users): this year's program, funded, with vouchers,
    orders, deliveries, redemptions and batches in every state, and last year's expired one.

    Each region's enterprise buys mostly from the next region's institution (cross-region).
    """
    codes = sorted(parties)
    loaded = []
    for index, code in enumerate(codes):
        own = parties[code]
        neighbour = parties[codes[(index + 1) % len(codes)]].institution.organisation
        for user in (own.institution, parties[codes[(index + 1) % len(codes)]].institution):
            _catalogue(user.organisation)
        loaded.append(_this_year(own, neighbour, now))
        _last_year(own, neighbour, now)
        if code == "SH":
            _region_rules(own, now)
        two_tier = _two_tier(own, now)
        if two_tier is not None:
            loaded.append(two_tier)
    return loaded


def _region_rules(own: RegionParties, now: datetime) -> None:
    """Shanghai's admission rules as its 2026 notice has them: 2 years in operation, an
    integrity declaration, the business licence, a 7-day notice; redemption results public."""
    if RegionRules.objects.filter(region=own.reviewer.organisation.region).exists():
        return
    admission.region_rules_set(
        actor=own.reviewer, min_years_in_operation=2, integrity_declaration_required=True,
        integrity_statement="", required_documents=["营业执照"], notice_days=7,
        publish_redemption_results=True, reason="演示：准入与公示规则", now=now)


def _catalogue(institution: Organisation) -> None:
    for category in ServiceCategory.objects.filter(is_active=True):
        InstitutionService.objects.get_or_create(
            institution=institution,
            category=category,
            defaults={"price_note": DEMO_PRICES.get(category.code, NEGOTIABLE)},
        )


def _program(own: RegionParties, *, year: int, now: datetime, whole_year: bool,
             name: str = PROGRAM_NAME) -> Program:
    """This year's program runs the whole year (redemptions until 31 March next); last
    year's closed in June, its vouchers ran out on 30 November and redemptions on 31 December."""
    region: Region = own.reviewer.organisation.region
    existing = Program.objects.filter(region=region, year=year, name=name).first()
    if existing is not None:
        return existing
    mode = Program.PayeeMode.INSTITUTION
    if region.short_code in ENTERPRISE_PAYEE_REGIONS:
        mode = Program.PayeeMode.ENTERPRISE
    program = programs.program_create(
        actor=own.reviewer,
        now=now,
        categories={category: None for category in ServiceCategory.objects.exclude(code="pilot")},
        name=name,
        year=year,
        budget_fen=5_000_000_00,
        payee_mode=mode,
        enterprise_annual_cap_fen=300_000_00,
        ratio_bp=5000,
        other_region_ratio_bp=4000,
        small_order_threshold_fen=1_000_00,
        applications_open_at=day_start(date(year, 1, 1)),
        applications_close_at=day_end(date(year, 12, 31) if whole_year else date(year, 6, 30)),
        use_by_at=day_end(date(year, 12, 31) if whole_year else date(year, 11, 30)),
        redemption_deadline_at=(
            redemption_allowance_end(year) if whole_year else day_end(date(year, 12, 31))
        ),
    )
    programs.program_fund(
        actor=own.finance, program=program, amount_fen=5_000_000_00, reference="演示拨款", now=now
    )
    return program


def _application(program: Program, own: RegionParties, purpose: str, amount: int, now):
    found = Application.objects.filter(program=program, purpose=purpose).first()
    return found or applications.application_submit(
        actor=own.enterprise,
        program=program,
        amount_fen=amount,
        purpose=purpose,
        planned_categories=[ServiceCategory.objects.get(code="testing")],
        documents={m["key"]: Upload(f"{m['name']}.pdf", _demo_document(m["name_en"]))
                   for m in program.application_materials},
        now=now,
    )


def _demo_document(title: str) -> bytes:
    """A one-page PDF naming the document (so the reviewer's preview shows a page)."""
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 760, f"Demo application document: {title}")
    document.showPage()
    document.save()
    return buffer.getvalue()


def _voucher(program, own, purpose, amount, now) -> Voucher:
    application = _application(program, own, purpose, amount, now)
    if application.state == Application.State.SUBMITTED:
        applications.application_approve(
            actor=own.reviewer,
            application=application,
            now=now,
            amount_fen=amount * 9 // 10,
            reason="演示：按九成核定",
        )
    return Voucher.objects.get(application=application)


def _this_year(own: RegionParties, neighbour: Organisation, now: datetime) -> Program:
    program = _program(own, year=china_date(now).year, now=now, whole_year=True)
    if not program.application_materials:
        program = program_changes.program_materials_change(
            actor=own.reviewer, program=program, materials=DEMO_MATERIALS,
            reason="演示：申领材料清单", now=now)
    rejected = _application(program, own, "演示：被驳回的申领", 30_000_00, now)
    if rejected.state == Application.State.SUBMITTED:
        applications.application_reject(
            actor=own.reviewer, application=rejected, reason="演示：材料不全", now=now
        )
    voucher = _voucher(program, own, "演示：已发放的创新券", 200_000_00, now)
    revoked = _voucher(program, own, "演示：因违规被撤销的创新券", 20_000_00, now)
    if revoked.state == Voucher.State.ACTIVE:
        # The revocation stops what is in the pipeline: a delivered, unclaimed order ends
        # voided (作废终止) and a requested claim is voided.
        for number, steps in ((1, ["deliver", "confirm"]), (2, ["deliver", "confirm", "request"])):
            order = _order(revoked, own, neighbour, f"DEMO-{program.pk}-R{number}", now)
            for step in steps:
                STEPS[step](order=order, own=own, now=now, label="revoked")
        vouchers.voucher_revoke(
            actor=own.reviewer, voucher=revoked, reason="演示：申领材料不实", now=now
        )
    # Last: an enterprise has one application awaiting review per program at a time. This
    # one was returned for correction once and resubmitted: its page shows both rounds.
    pending = _application(program, own, "演示：待审核的申领", 50_000_00, now)
    if not pending.submissions.filter(returned_at__isnull=False).exists():
        application_returns.application_return(
            actor=own.reviewer, application=pending, reason="演示：请补充研发需求说明", now=now)
        application_returns.application_resubmit(
            actor=own.enterprise, application=pending, amount_fen=45_000_00,
            purpose=pending.purpose, planned_categories=pending.planned_categories.all(),
            documents={m["key"]: Upload("研发需求说明.pdf", _demo_document(m["name_en"]))
                       for m in program.application_materials if not m["required"]},
            now=now)
    local = own.institution.organisation
    # Order matters: each batch takes every approved, unbatched redemption of its payee.
    scripts = [
        ("clawed-back", neighbour,
         ["deliver", "confirm", "request", "approve", "batch", "pay", "claw_back"]),
        ("paid", neighbour, ["deliver", "confirm", "request", "approve", "batch", "pay"]),
        ("batched", neighbour, ["deliver", "confirm", "request", "approve", "batch"]),
        ("approved-partly", neighbour, ["deliver", "confirm", "request", "approve_less"]),
        ("withdrawn", neighbour, ["deliver", "confirm", "request", "approve", "withdraw"]),
        ("held-again", neighbour,
         ["deliver", "confirm", "request", "approve", "withdraw_to_hold"]),
        ("rejected", neighbour, ["deliver", "confirm", "request", "reject"]),
        ("requested", neighbour, ["deliver", "confirm", "request"]),
        ("disputed", neighbour, ["deliver", "dispute"]),
        ("delivered", neighbour, ["deliver"]),
        ("cancelled", local, ["cancel"]),
        ("placed", local, []),
    ]
    for number, (label, institution, steps) in enumerate(scripts, start=1):
        order = _order(voucher, own, institution, f"DEMO-{program.pk}-{number:02d}", now)
        for step in steps:
            STEPS[step](order=order, own=own, now=now, label=label)
    return program


def _two_tier(own: RegionParties, now: datetime) -> Program | None:
    """Where the region has a demo city reviewer: a program whose applications and
    redemptions need the city's first review, with an application the city has recommended,
    awaiting the region's decision."""
    prefix = own.reviewer.username.removesuffix("_reviewer")
    city_reviewer = User.objects.filter(username=f"{prefix}_city_reviewer").first()
    if city_reviewer is None:
        return None
    program = _program(own, year=china_date(now).year, now=now, whole_year=True,
                       name=TWO_TIER_PROGRAM_NAME)
    if not program.application_materials:
        program = program_changes.program_materials_change(
            actor=own.reviewer, program=program, materials=DEMO_MATERIALS,
            reason="演示：申领材料清单", now=now)
    if not program.application_city_review:
        program = program_changes.program_review_tiers_change(
            actor=own.reviewer, program=program, application_city_review=True,
            redemption_city_review=True, reason="演示：市级初审试点", now=now)
    application = _application(program, own, "演示：市级已初审、待地区决定的申领", 30_000_00, now)
    if not application.recommendations.exists():
        recommendations.application_recommend(
            actor=city_reviewer, application=application, decision="approve",
            amount_fen=25_000_00, reason="演示：材料齐全，建议按二万五千元批准", now=now)
    return program


def _last_year(own: RegionParties, neighbour: Organisation, now: datetime) -> None:
    """Last year's program: its voucher has expired and an unredeemed order has lapsed."""
    opens = day_start(date(china_date(now).year - 1, 3, 1)) + timedelta(hours=9)
    program = _program(own, year=china_date(now).year - 1, now=opens, whole_year=False)
    voucher = _voucher(program, own, "演示：上年度创新券", 20_000_00, opens)
    returned = _application(program, own, "演示：退回修改后未再提交的申领", 10_000_00, opens)
    if returned.state == Application.State.SUBMITTED:
        application_returns.application_return(
            actor=own.reviewer, application=returned, reason="演示：财务报表不完整", now=opens)
    order = _order(voucher, own, neighbour, f"DEMO-{program.pk}-01", opens)
    vouchers.voucher_expire(voucher=voucher, now=program.use_by_at)
    orders.order_lapse(order=order, now=program.redemption_deadline_at)


def _order(voucher, own, institution, contract, now) -> ServiceOrder:
    found = ServiceOrder.objects.filter(voucher=voucher, contract_number=contract).first()
    return found or orders.order_place(
        actor=own.enterprise,
        voucher=voucher,
        institution=institution,
        category=ServiceCategory.objects.get(code="testing"),
        contract_number=contract,
        total_fee_fen=12_000_00,
        now=now,
    )


def _payee(order: ServiceOrder, own: RegionParties) -> User:
    if order.payee_id == own.enterprise.organisation_id:
        return own.enterprise
    return _institution_user(order)


def _demo_invoice(order: ServiceOrder) -> dict[str, str]:
    """Both shapes a reviewer meets: a 数电票 (20-digit number) and an older VAT invoice
    (10-digit code + 8-digit number), unique per order."""
    if order.pk % 2:
        return {"invoice_code": "3100241130", "invoice_number": f"{order.pk:08d}"}
    return {"invoice_code": "", "invoice_number": f"253120000{order.pk:011d}"}


def _deliver(*, order, own, now, label) -> None:
    if order.deliveries.exists():
        return
    deliveries.delivery_log(
        actor=_institution_user(order),
        order=order,
        delivered_on=timezone.localdate(now),
        description=f"演示交付（{label}）",
        **_demo_invoice(order),
        report_number=f"RPT-{order.contract_number}",
        now=now,
    )
    for kind in ("contract", "invoice", "payment_proof", "report"):
        deliveries.evidence_attach(
            actor=_institution_user(order),
            order=order,
            kind=kind,
            name=f"{kind}.pdf",
            content=DEMO_PDF,
            now=now,
        )


def _institution_user(order: ServiceOrder) -> User:
    return order.institution.users.filter(role=User.Role.INSTITUTION).order_by("pk").first()


def _answer(*, order, own, now, label, confirm: bool = True) -> None:
    delivery = order.deliveries.order_by("-pk").first()
    if delivery.state != delivery.State.LOGGED:
        return
    if confirm:
        deliveries.delivery_confirm(actor=own.enterprise, delivery=delivery, now=now)
    else:
        deliveries.delivery_dispute(
            actor=own.enterprise, delivery=delivery, reason="演示：报告缺页", now=now
        )


def _first_claim(order: ServiceOrder) -> Redemption:
    """The order's first claim: the steps act on it, so that a second run of the demo finds
    them done (a withdrawal back to the hold adds a second claim)."""
    return order.redemptions.order_by("pk")[0]


def _request(*, order, own, now, label) -> None:
    if not order.redemptions.exists():
        redemptions.redemption_request(actor=_payee(order, own), order=order, now=now)


def _decide(*, order, own, now, label, decision: str = "approve") -> None:
    redemption = _first_claim(order)
    if redemption.state != Redemption.State.REQUESTED:
        return
    if decision == "reject":
        redemptions.redemption_reject(
            actor=own.reviewer, redemption=redemption, reason="演示：发票不符", now=now
        )
    else:
        amount = redemption.requested_fen - 500_00 if decision == "less" else None
        redemptions.redemption_approve(
            actor=own.reviewer,
            redemption=redemption,
            now=now,
            amount_fen=amount,
            reason="演示：核减部分费用" if amount else "",
        )


def _batch(*, order, own, now, label) -> None:
    if _first_claim(order).batch_id is None:
        settlements.payment_batch_create(actor=own.finance, payee=order.payee, now=now)


def _pay(*, order, own, now, label) -> None:
    batch = _first_claim(order).batch
    if batch.state == batch.State.OPEN:
        settlements.payment_batch_pay(
            actor=own.finance,
            batch=batch,
            payment_reference=f"GK-DEMO-{batch.pk}",
            paid_on=timezone.localdate(now),
            now=now,
        )


def _claw_back(*, order, own, now, label) -> None:
    redemption = _first_claim(order)
    if redemption.state == Redemption.State.PAID:
        oversight.redemption_claw_back(
            actor=own.reviewer, redemption=redemption, reason="演示：抽查发现服务未实际提供",
            now=now,
        )


def _withdraw(*, order, own, now, label) -> None:
    redemption = _first_claim(order)
    if redemption.state == Redemption.State.APPROVED:
        sanctions.redemption_withdraw(
            actor=own.reviewer, redemption=redemption, reason="演示：付款前发现合同金额不实",
            destination=Redemption.Destination.VOUCHER, now=now,
        )


def _withdraw_to_hold(*, order, own, now, label) -> None:
    """An approval withdrawn back to the order's hold, and the payee's corrected claim on the
    same order (the order page then shows both)."""
    redemption = _first_claim(order)
    if redemption.state == Redemption.State.APPROVED:
        sanctions.redemption_withdraw(
            actor=own.reviewer, redemption=redemption, reason="演示：核定金额有误，退回更正",
            destination=Redemption.Destination.HOLD, now=now,
        )
        order.refresh_from_db()
        redemptions.redemption_request(actor=_payee(order, own), order=order, now=now)


def _cancel(*, order, own, now, label) -> None:
    if order.state == ServiceOrder.State.PLACED:
        orders.order_cancel(actor=own.enterprise, order=order, reason="演示：企业取消", now=now)


STEPS: dict[str, Callable[..., None]] = {
    "deliver": _deliver,
    "confirm": _answer,
    "dispute": lambda **kwargs: _answer(**kwargs, confirm=False),
    "request": _request,
    "approve": _decide,
    "approve_less": lambda **kwargs: _decide(**kwargs, decision="less"),
    "reject": lambda **kwargs: _decide(**kwargs, decision="reject"),
    "batch": _batch,
    "pay": _pay,
    "cancel": _cancel,
    "claw_back": _claw_back,
    "withdraw": _withdraw,
    "withdraw_to_hold": _withdraw_to_hold,
}
