"""Reads of the voucher life cycle. Each list is one query (select_related, annotations)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import (
    Case,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from accounts.models import AuditEntry, Organisation, Region, User
from accounts.permissions import organisation_of
from vouchers import visibility
from vouchers.ledger.models import Transfer
from vouchers.models import (
    Application,
    Delivery,
    EvidenceFile,
    InstitutionService,
    PaymentBatch,
    Program,
    ProgramCategory,
    Redemption,
    ServiceCategory,
    ServiceOrder,
    Voucher,
)
from vouchers.pricing import require_voucher_share, voucher_portion
from vouchers.review_warnings import redemption_warnings_for
from vouchers.states import REDEEMED_STATES
from vouchers.visibility import with_voucher_balances

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def enterprise_vouchers(*, enterprise: Organisation) -> QuerySet[Voucher]:
    """The enterprise's vouchers with available, held and spent amounts from the ledger."""
    return with_voucher_balances(
        Voucher.objects.filter(enterprise=enterprise).select_related("program__region", "account")
    ).order_by("-issued_at", "-pk")


def vouchers_visible_to(*, actor: User) -> QuerySet[Voucher]:
    """The voucher list page: the actor's vouchers (vouchers.visibility) with balances."""
    return with_voucher_balances(
        visibility.vouchers_visible_to(actor=actor).select_related("program__region", "account")
    ).order_by("-issued_at", "-pk")


def vouchers_to_order_with(*, enterprise: Organisation) -> QuerySet[Voucher]:
    """The order form's choice: the enterprise's active vouchers with their ledger balances
    (as the voucher list shows them), soonest use-by first; one query."""
    return with_voucher_balances(
        Voucher.objects.filter(enterprise=enterprise, state=Voucher.State.ACTIVE)
        .select_related("program__region", "account", "enterprise")
    ).order_by("expires_at", "pk")


def enterprise_orders(*, enterprise: Organisation) -> QuerySet[ServiceOrder]:
    return (
        ServiceOrder.objects.filter(enterprise=enterprise)
        .select_related("voucher", "institution__city", "category", "payee")
        .order_by("-placed_at", "-pk")
    )


def institution_orders(*, institution: Organisation) -> QuerySet[ServiceOrder]:
    """Orders placed with the institution, from every region."""
    return (
        ServiceOrder.objects.filter(institution=institution)
        .select_related("voucher__program__region", "enterprise__city", "category", "payee")
        .order_by("-placed_at", "-pk")
    )


def institution_deliveries(*, institution: Organisation) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(order__institution=institution)
        .select_related("order__enterprise", "order__category", "order__voucher")
        .order_by("-logged_at", "-pk")
    )


def payee_receivables(*, payee: Organisation) -> QuerySet[Redemption]:
    """What the payee has claimed and not yet been paid, or been paid (receivables)."""
    return (
        Redemption.objects.filter(
            payee=payee,
            state__in=[
                Redemption.State.REQUESTED,
                Redemption.State.APPROVED,
                Redemption.State.PAID,
            ],
        )
        .select_related("program__region", "order__enterprise", "order__voucher", "batch")
        .order_by("-requested_at", "-pk")
    )


def authority_application_queue(*, actor: User) -> QuerySet[Application]:
    """Applications of the actor's region waiting for review, oldest first."""
    return (
        Application.objects.filter(
            program__region_id=organisation_of(actor).region_id,
            state=Application.State.SUBMITTED,
        )
        .select_related("program", "enterprise__city", "applicant")
        .order_by("submitted_at", "pk")
    )


def authority_redemption_queue(*, actor: User) -> QuerySet[Redemption]:
    """Redemptions of the actor's region's vouchers waiting for review, wherever the payee,
    with what the queue page and its warnings read (vouchers.review_warnings)."""
    # Only those joins: PostgreSQL took ~10 ms to plan the eleven-table join the page had
    # (for ~0.6 ms of execution), more than the rest of the page's queries together.
    return (
        Redemption.objects.filter(
            program__region_id=organisation_of(actor).region_id,
            state=Redemption.State.REQUESTED,
        )
        .select_related("program", "order__enterprise", "order__institution__region")
        .order_by("requested_at", "pk")
    )


def authority_unbatched_by_payee(*, actor: User) -> QuerySet[Any]:
    """Approved redemptions not in a batch yet, totalled per payee (rows of dicts)."""
    return (
        Redemption.objects.filter(
            program__region_id=organisation_of(actor).region_id,
            state=Redemption.State.APPROVED,
            batch__isnull=True,
        )
        .values("payee_id", "payee__name")
        .annotate(total_fen=Sum("approved_fen"))
        .order_by("payee__name")
    )


def authority_unbatched_of_payee(*, actor: User, payee_id: int) -> QuerySet[Redemption]:
    """One payee's approved redemptions not in a batch yet, of the actor's region: the batch
    checklist (and what payment_batch_create accepts)."""
    return (
        Redemption.objects.filter(
            program__region_id=organisation_of(actor).region_id,
            payee_id=payee_id,
            state=Redemption.State.APPROVED,
            batch__isnull=True,
        )
        .select_related("payee", "order__enterprise", "program")
        .order_by("reviewed_at", "pk")
    )


def authority_batches_awaiting_payment(*, actor: User) -> QuerySet[PaymentBatch]:
    return (
        PaymentBatch.objects.filter(
            region_id=organisation_of(actor).region_id, state=PaymentBatch.State.OPEN
        )
        .select_related("payee", "created_by")
        .order_by("created_at", "pk")
    )


def payment_batch_export_rows(*, batch: PaymentBatch) -> list[dict[str, Any]]:
    """The rows the treasury needs for one batch; others render them as CSV."""
    rows = (
        Redemption.objects.filter(batch=batch)
        .select_related("payee", "order__voucher", "order__enterprise")
        .order_by("pk")
    )
    return [
        {
            "batch_number": batch.number,
            "payee_name": redemption.payee.name,
            "payee_credit_code": redemption.payee.credit_code,
            "redemption_id": redemption.pk,
            "voucher_code": redemption.order.voucher.code,
            "enterprise_name": redemption.order.enterprise.name,
            "invoice_code": redemption.invoice_code,
            "invoice_number": redemption.invoice_number,
            "contract_number": redemption.order.contract_number,
            "amount_fen": redemption.approved_fen,
        }
        for redemption in rows
    ]


def _total(queryset: QuerySet[Any], field: str | Combinable) -> Coalesce:
    summed = queryset.values("program").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed), Value(0))


class ProgramBudgetFigures(TypedDict):
    """The annotations of program_budget_use, in fen."""

    funded_fen: int
    allocated_fen: int
    held_fen: int
    returned_fen: int
    redeemed_fen: int
    paid_fen: int
    clawed_back_fen: int
    voucher_available_fen: int


def program_budget_use(
    *, region_id: int, year: int | None = None
) -> QuerySet[WithAnnotations[Program, ProgramBudgetFigures]]:
    """Per program of the region: funded, allocated, held, redeemed, paid, returned,
    clawed back (fen), plus unallocated from the budget account. One query."""
    vouchers = Voucher.objects.filter(program=OuterRef("pk"))
    redemptions = Redemption.objects.filter(program=OuterRef("pk"))
    funded = (
        Transfer.objects.filter(
            credit_account=OuterRef("budget_account"), debit_account__kind="funding"
        )
        .values("credit_account")
        .annotate(total=Sum("amount_fen"))
        .values("total")
    )
    programs = Program.objects.filter(region_id=region_id)
    if year is not None:
        programs = programs.filter(year=year)
    return (
        programs.select_related("region", "budget_account")
        .annotate(
            funded_fen=Coalesce(Subquery(funded), Value(0)),
            allocated_fen=_total(vouchers, "amount_fen"),
            held_fen=_total(vouchers, "account__debits_pending_fen"),
            # Issued and still spendable: the vouchers' ledger balances less their holds.
            voucher_available_fen=_total(vouchers, F("account__credits_posted_fen")
                                         - F("account__debits_posted_fen")
                                         - F("account__debits_pending_fen")),
            returned_fen=_total(vouchers, "returned_fen"),
            redeemed_fen=_total(redemptions.filter(state__in=REDEEMED_STATES), "approved_fen"),
            paid_fen=_total(
                redemptions.filter(state__in=[Redemption.State.PAID, Redemption.State.CLAWED_BACK]),
                "approved_fen",
            ),
            clawed_back_fen=_total(
                redemptions.filter(state=Redemption.State.CLAWED_BACK), "approved_fen"
            ),
        )
        .order_by("-year", "pk")
    )


# --- Reads for the web pages: every object a page shows is fetched through the actor's scope,
# decided once in vouchers.visibility (the API reads through the same functions); these add
# the joins the pages' rows show.


def programs_visible_to(*, actor: User) -> QuerySet[Program]:
    return visibility.programs_visible_to(actor=actor).select_related("region").order_by(
        "-year", "pk"
    )


def applications_visible_to(
    *, actor: User, action: str = "application.view"
) -> QuerySet[Application]:
    return visibility.applications_visible_to(actor=actor, action=action).select_related(
        "program__region", "enterprise__city", "applicant", "voucher"
    )


def orders_visible_to(*, actor: User) -> QuerySet[ServiceOrder]:
    """Orders the actor may see (vouchers.visibility.orders_visible_to)."""
    return visibility.orders_visible_to(actor=actor).select_related(
        "voucher__program__region", "enterprise__city", "institution__city", "category", "payee"
    )


# The list pages join only what their rows show: PostgreSQL plans a join of ten or more
# tables in ~9 ms, ten times what the query then takes (docs/benchmarks.md, "Pages").
def order_list_rows(*, actor: User) -> QuerySet[ServiceOrder]:
    """The order list page (and its CSV): the orders the actor may see with both parties,
    their cities (two small queries, not two more joins) and the category."""
    return (
        visibility.orders_visible_to(actor=actor)
        .select_related("enterprise", "institution", "category")
        .prefetch_related("enterprise__city", "institution__city")
    )


def evidence_visible_to(*, actor: User) -> QuerySet[EvidenceFile]:
    """Evidence files of the orders the actor may see (finance users see none)."""
    return visibility.evidence_visible_to(actor=actor).select_related("order")


def redemptions_visible_to(*, actor: User) -> QuerySet[Redemption]:
    return visibility.redemptions_visible_to(actor=actor).select_related(
        "program__region", "payee__region", "delivery", "order__enterprise",
        "order__institution__region", "order__voucher", "order__category", "batch",
    )


def redemption_list_rows(*, actor: User) -> QuerySet[Redemption]:
    """The redemption list page (and its CSV): the redemptions the actor may see with the
    issuing region, the payee, the enterprise and the batch."""
    return visibility.redemptions_visible_to(actor=actor).select_related(
        "program__region", "payee", "order__enterprise", "batch"
    )


def batches_visible_to(*, actor: User) -> QuerySet[PaymentBatch]:
    return visibility.batches_visible_to(actor=actor).select_related(
        "payee", "region", "created_by", "paid_by"
    )


def quota_used_fen(*, program: Program, enterprise: Organisation) -> int:
    """What counts against the enterprise's annual cap (read side of application_submit)."""
    return claims_counted_against_cap_fen(program=program, whose=Q(enterprise=enterprise))


# What counts against a cap: submitted claims (a returned one is still open) and approved
# amounts.
CLAIMED_FEN = Case(
    When(state__in=(Application.State.SUBMITTED, Application.State.RETURNED),
         then=F("amount_fen")),
    When(state=Application.State.APPROVED, then=F("approved_fen")),
    default=0,
)


def claims_counted_against_cap_fen(*, program: Program, whose: Q) -> int:
    """Submitted claims and approved amounts of `whose` applications over the region's
    programs of the program's year: the one definition the caps are checked against."""
    used = Application.objects.filter(
        whose, program__region_id=program.region_id, program__year=program.year
    ).aggregate(used=Sum(CLAIMED_FEN))["used"]
    return used or 0


def claims_counted_against_cap_by_year(
    *, region_id: int, years: Iterable[int], whose: Q
) -> dict[int, int]:
    """claims_counted_against_cap_fen for every year given at once, by year (one query)."""
    rows = (
        Application.objects.filter(whose, program__region_id=region_id,
                                   program__year__in=set(years))
        .values("program__year").annotate(used=Sum(CLAIMED_FEN)).order_by()
    )
    return {row["program__year"]: row["used"] or 0 for row in rows}


class OpenProgramFigures(TypedDict):
    """What open_programs_for sets on each program, in fen."""

    remaining_cap_fen: int
    budget_available_fen: int


def open_programs_for(
    *, enterprise: Organisation, now: datetime
) -> list[WithAnnotations[Program, OpenProgramFigures]]:
    """Programs of the enterprise's region open for applications, each with
    `remaining_cap_fen` (its annual cap left) and `budget_available_fen`."""
    # The figures are set on each instance below, not by the query: the cast names them.
    programs = cast("list[WithAnnotations[Program, OpenProgramFigures]]", list(
        Program.objects.filter(
            region_id=enterprise.region_id,
            applications_open_at__lte=now,
            applications_close_at__gt=now,
        )
        .select_related("region", "budget_account")
        .prefetch_related("category_rules__category")
        .order_by("-year", "pk")
    ))
    # A cap spans the region's programs of a year: one grouped query for the years listed.
    used_by_year = claims_counted_against_cap_by_year(
        region_id=enterprise.region_id, years=[program.year for program in programs],
        whose=Q(enterprise=enterprise),
    )
    for program in programs:
        used = used_by_year.get(program.year, 0)
        program.remaining_cap_fen = max(program.enterprise_annual_cap_fen - used, 0)
        budget_account = program.budget_account
        if budget_account is None:  # program_create opens it before it returns
            raise ValueError(f"program {program.pk} has no budget account")
        program.budget_available_fen = budget_account.available_fen
    return programs


def institution_catalogue(*, institution: Organisation) -> QuerySet[InstitutionService]:
    return InstitutionService.objects.filter(
        institution=institution, is_active=True
    ).select_related("category").order_by("category_id")


def order_preview(
    *, voucher: Voucher, institution: Organisation, category: ServiceCategory,
    total_fee_fen: int,
) -> dict[str, int | bool] | None:
    """What order_place would hold: ratio, voucher portion (capped by the available
    balance) and the enterprise's own share; None if the program does not cover the category.
    A share that rounds down to 0 fen is refused here as order_place refuses it."""
    program = voucher.program
    rule = ProgramCategory.objects.filter(program=program, category=category).first()
    if rule is None:
        return None
    ratio_bp, portion = voucher_portion(
        program, voucher.enterprise, institution, rule, total_fee_fen
    )
    require_voucher_share(ratio_bp, portion, total_fee_fen)
    available = voucher.account.available_fen
    portion = max(min(portion, available), 0)
    whole_fee = program.payee_mode == Program.PayeeMode.ENTERPRISE
    return {
        "ratio_bp": ratio_bp,
        "voucher_fen": portion,
        "enterprise_share_fen": total_fee_fen - portion,
        # 通用: the enterprise pays the whole fee first and the voucher reimburses it.
        "enterprise_pays_whole_fee": whole_fee,
        "enterprise_paid_fen": total_fee_fen if whole_fee else total_fee_fen - portion,
        "available_fen": available,
    }


def order_audit_trail(*, order: ServiceOrder) -> QuerySet[AuditEntry]:
    """The audit lines of an order and of its deliveries, evidence and redemptions."""
    def ids(queryset: QuerySet[Any]) -> list[str]:
        return [str(pk) for pk in queryset.values_list("pk", flat=True)]

    return (
        AuditEntry.objects.filter(
            Q(object_type="vouchers.serviceorder", object_id=str(order.pk))
            | Q(object_type="vouchers.delivery", object_id__in=ids(order.deliveries.all()))
            | Q(object_type="vouchers.evidencefile", object_id__in=ids(order.evidence.all()))
            | Q(object_type="vouchers.redemption", object_id__in=ids(order.redemptions.all()))
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )




def enterprise_year_history(*, enterprise: Organisation, year: int) -> dict[str, Any]:
    """The enterprise's applications and orders under programs of `year`, for reviewers."""
    return {
        "applications": list(
            Application.objects.filter(enterprise=enterprise, program__year=year)
            .select_related("program__region").order_by("submitted_at", "pk")
        ),
        "orders": list(
            ServiceOrder.objects.filter(enterprise=enterprise, voucher__program__year=year)
            .select_related("institution__region", "category").order_by("placed_at", "pk")
        ),
    }


def redemption_warnings(*, redemption: Redemption) -> list[str]:
    """The reviewer's warnings of one redemption (vouchers.review_warnings lists them)."""
    return redemption_warnings_for([redemption])[redemption.pk]


def region_overview() -> list[dict[str, Any]]:
    """Per region: programs, budget, issued, redeemed, paid and cross-region orders."""
    rows = []
    for region in Region.objects.order_by("code"):
        programs = program_budget_use(region_id=region.pk)
        cross = ServiceOrder.objects.filter(voucher__program__region=region).exclude(
            institution__region=region
        )
        rows.append({
            "region": region,
            "programs": len(programs),
            "budget_fen": sum(p.budget_fen for p in programs),
            "issued_fen": sum(p.allocated_fen for p in programs),
            "redeemed_fen": sum(p.redeemed_fen for p in programs),
            "paid_fen": sum(p.paid_fen for p in programs),
            "cross_region_orders": cross.count(),
            "cross_region_voucher_fen": cross.aggregate(total=Sum("voucher_fen"))["total"] or 0,
        })
    return rows


class RegionReceivables(TypedDict):
    """One row of payee_receivables_by_region (the values() keys), in fen."""

    program__region__name: str
    program__region__name_en: str
    program__region__code: str
    awaiting_review_fen: int
    awaiting_payment_fen: int
    received_fen: int


def payee_receivables_by_region(*, payee: Organisation) -> list[RegionReceivables]:
    """Redemptions of the payee totalled per issuing region: awaiting review, awaiting
    payment, received."""
    totals = (
        Redemption.objects.filter(payee=payee)
        .values("program__region__name", "program__region__name_en", "program__region__code")
        .annotate(
            awaiting_review_fen=Sum(Case(When(state=Redemption.State.REQUESTED,
                                        then=F("requested_fen")), default=0)),
            awaiting_payment_fen=Sum(Case(When(state=Redemption.State.APPROVED,
                                               then=F("approved_fen")), default=0)),
            received_fen=Sum(Case(When(state=Redemption.State.PAID, then=F("approved_fen")),
                                  default=0)),
        )
        .order_by("program__region__code")
    )
    return list(totals)


def notices_running() -> QuerySet[Organisation]:
    """Institutions in their public notice (公示), for everyone to read."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.INSTITUTION, status=Organisation.Status.NOTICE
    ).select_related("region", "city").order_by("notice_ends_at", "pk")


def organisation_history(*, organisation: Organisation) -> QuerySet[AuditEntry]:
    """Audit lines written by the organisation's users or about its records (applications,
    vouchers, orders, deliveries, redemptions), whoever acted, newest first."""
    orders = ServiceOrder.objects.filter(
        Q(enterprise=organisation) | Q(institution=organisation)
    )

    def ids(queryset: QuerySet[Any]) -> list[str]:
        return [str(pk) for pk in queryset.values_list("pk", flat=True)]

    about = {
        "vouchers.application": Application.objects.filter(enterprise=organisation),
        "vouchers.voucher": Voucher.objects.filter(enterprise=organisation),
        "vouchers.serviceorder": orders,
        "vouchers.delivery": Delivery.objects.filter(order__in=orders),
        "vouchers.redemption": Redemption.objects.filter(order__in=orders),
    }
    condition = Q(organisation=organisation) | Q(
        object_type="accounts.organisation", object_id=str(organisation.pk)
    )
    for object_type, queryset in about.items():
        condition |= Q(object_type=object_type, object_id__in=ids(queryset))
    return AuditEntry.objects.filter(condition).select_related("actor").order_by(
        "-created_at", "-pk"
    )
