"""Builders for the voucher life cycle. They go through the services, so the ledger is real."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PIL import Image

from accounts.models import City, Organisation, User
from devtools.factories.accounts import DEFAULT_CITY, OrganisationFactory, UserFactory
from vouchers.models import (
    Delivery,
    EvidenceKind,
    InstitutionService,
    Program,
    Redemption,
    ServiceCategory,
    ServiceOrder,
    Voucher,
)
from vouchers.services import applications, deliveries, orders, programs, redemptions

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 3, 1, 9, 0, tzinfo=TZ)
def image_bytes(image_format: str, size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny image: uploads are opened and checked, not only sniffed."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n% test evidence\n"
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")

PROGRAM_DEFAULTS = {
    "name": "科技创新券",
    "year": 2024,
    "budget_fen": 1_000_000_00,
    "payee_mode": Program.PayeeMode.INSTITUTION,
    "enterprise_annual_cap_fen": 300_000_00,
    "ratio_bp": 5_000,
    "applications_open_at": datetime(2024, 1, 1, tzinfo=TZ),
    "applications_close_at": datetime(2024, 7, 1, tzinfo=TZ),
    "use_by_at": datetime(2024, 12, 1, tzinfo=TZ),
    "redemption_deadline_at": datetime(2025, 1, 1, tzinfo=TZ),
}


def dates_open_all_year(moment: datetime) -> dict:
    """A program of `moment`'s year, open for applications and use the whole year, with the
    latest redemption deadline the rules allow (31 March of the next year)."""
    year = moment.astimezone(TZ).year
    return {
        "year": year,
        "applications_open_at": datetime(year, 1, 1, tzinfo=TZ),
        "applications_close_at": datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=TZ),
        "use_by_at": datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=TZ),
        "redemption_deadline_at": datetime(year + 1, 3, 31, 23, 59, 59, 999999, tzinfo=TZ),
    }


def category(code: str = "testing") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def authority(region_code: str = "JS", role: str = User.Role.AUTHORITY_REVIEWER) -> User:
    return UserFactory.authority(region_code, role=role)


def city_reviewer(region_code: str = "JS", city_code: str | None = None) -> User:
    """A city reviewer (first tier) of the region's authority, for `city_code` (default: the
    city the factories put enterprises in)."""
    city = City.objects.get(code=city_code or DEFAULT_CITY[region_code])
    user = UserFactory.authority(region_code, role=User.Role.AUTHORITY_REVIEWER)
    User.objects.filter(pk=user.pk).update(role=User.Role.CITY_REVIEWER, review_city=city)
    user.refresh_from_db()
    return user


def make_program(
    *,
    region_code: str = "JS",
    funded_fen: int | None = None,
    categories: dict[str, int | None] | None = None,
    actor: User | None = None,
    **fields,
) -> Program:
    """A program of `region_code`, funded with its whole budget unless told otherwise."""
    actor = actor or authority(region_code)
    values = {**PROGRAM_DEFAULTS, **fields}
    rules = {category(code): ratio for code, ratio in (categories or {"testing": None}).items()}
    program = programs.program_create(actor=actor, now=NOW, categories=rules, **values)
    amount = values["budget_fen"] if funded_fen is None else funded_fen
    if amount:
        programs.program_fund(
            actor=actor, program=program, amount_fen=amount, reference="财教2024-1", now=NOW
        )
    program.refresh_from_db()
    return program


def enterprise_user(region_code: str = "JS", **fields) -> User:
    return UserFactory(
        organisation=OrganisationFactory(region_code=region_code, **fields),
        role=User.Role.ENTERPRISE,
    )


def institution_user(region_code: str = "SH", codes: tuple[str, ...] = ("testing",), **fields):
    organisation = OrganisationFactory(
        region_code=region_code, kind=Organisation.Kind.INSTITUTION, **fields
    )
    for code in codes:
        InstitutionService.objects.create(institution=organisation, category=category(code))
    return UserFactory(organisation=organisation, role=User.Role.INSTITUTION)


def issue_voucher(
    program: Program, user: User, amount_fen: int = 100_000_00, *, reviewer: User | None = None
) -> Voucher:
    application = applications.application_submit(
        actor=user,
        program=program,
        amount_fen=amount_fen,
        purpose="检测新产品",
        planned_categories=[category()],
        now=NOW,
    )
    reviewer = reviewer or authority(program.region.short_code)
    return applications.application_approve(actor=reviewer, application=application, now=NOW)


def place_order(
    voucher: Voucher,
    user: User,
    institution: Organisation,
    total_fee_fen: int = 10_000_00,
    *,
    contract_number: str = "",
    code: str = "testing",
) -> ServiceOrder:
    return orders.order_place(
        actor=user,
        voucher=voucher,
        institution=institution,
        category=category(code),
        contract_number=contract_number or f"HT-{ServiceOrder.objects.count() + 1:04d}",
        total_fee_fen=total_fee_fen,
        now=NOW,
    )


def deliver(
    order: ServiceOrder, institution: User, *, invoice: str = "", invoice_code: str = ""
) -> Delivery:
    """`invoice`: the number as typed (default a 数电票 number unique per order)."""
    return deliveries.delivery_log(
        actor=institution,
        order=order,
        delivered_on=date(2024, 2, 28),
        description="检测报告一份",
        invoice_code=invoice_code,
        invoice_number=invoice or f"243200000{order.pk:011d}",
        report_number=f"BG-{order.pk}",
        now=NOW,
    )


def attach_evidence(order: ServiceOrder, actor: User) -> None:
    for kind in EvidenceKind.values:
        deliveries.evidence_attach(
            actor=actor, order=order, kind=kind, name=f"{kind}.pdf", content=PDF, now=NOW
        )


def delivered_and_confirmed(
    order: ServiceOrder,
    institution: User,
    enterprise: User,
    *,
    invoice: str = "",
    invoice_code: str = "",
) -> Delivery:
    delivery = deliver(order, institution, invoice=invoice, invoice_code=invoice_code)
    attach_evidence(order, institution)
    return deliveries.delivery_confirm(actor=enterprise, delivery=delivery, now=NOW)


def request_redemption(order: ServiceOrder, payee: User) -> Redemption:
    return redemptions.redemption_request(actor=payee, order=order, now=NOW)
