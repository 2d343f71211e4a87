"""Reads of the voucher life cycle. Each list is one query (select_related, annotations)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Organisation, User
from vouchers.ledger.models import Transfer
from vouchers.models import (
    Application,
    Delivery,
    PaymentBatch,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)

REDEEMED_STATES = (
    Redemption.State.APPROVED,
    Redemption.State.PAID,
    Redemption.State.CLAWED_BACK,
)


def enterprise_vouchers(*, enterprise: Organisation) -> QuerySet[Voucher]:
    """The enterprise's vouchers with available, held and spent amounts from the ledger.

    spent = posted debits of the voucher account less what went back to the budget.
    """
    account = "account__"
    return (
        Voucher.objects.filter(enterprise=enterprise)
        .select_related("program__region", "account")
        .annotate(
            available_fen=F(f"{account}credits_posted_fen")
            - F(f"{account}debits_posted_fen")
            - F(f"{account}debits_pending_fen"),
            held_fen=F(f"{account}debits_pending_fen"),
            spent_fen=F(f"{account}debits_posted_fen") - F("returned_fen"),
        )
        .order_by("-issued_at", "-pk")
    )


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
            program__region_id=actor.organisation.region_id,
            state=Application.State.SUBMITTED,
        )
        .select_related("program", "enterprise__city", "applicant")
        .order_by("submitted_at", "pk")
    )


def authority_redemption_queue(*, actor: User) -> QuerySet[Redemption]:
    """Redemptions of the actor's region's vouchers waiting for review, wherever the payee."""
    return (
        Redemption.objects.filter(
            program__region_id=actor.organisation.region_id,
            state=Redemption.State.REQUESTED,
        )
        .select_related(
            "program",
            "payee__region",
            "delivery",
            "order__enterprise",
            "order__institution__region",
            "order__voucher",
            "order__category",
        )
        .order_by("requested_at", "pk")
    )


def authority_unbatched_by_payee(*, actor: User) -> QuerySet[Any]:
    """Approved redemptions not in a batch yet, totalled per payee (rows of dicts)."""
    return (
        Redemption.objects.filter(
            program__region_id=actor.organisation.region_id,
            state=Redemption.State.APPROVED,
            batch__isnull=True,
        )
        .values("payee_id", "payee__name")
        .annotate(total_fen=Sum("approved_fen"))
        .order_by("payee__name")
    )


def authority_batches_awaiting_payment(*, actor: User) -> QuerySet[PaymentBatch]:
    return (
        PaymentBatch.objects.filter(
            region_id=actor.organisation.region_id, state=PaymentBatch.State.OPEN
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
            "invoice_number": redemption.invoice_number,
            "contract_number": redemption.order.contract_number,
            "amount_fen": redemption.approved_fen,
        }
        for redemption in rows
    ]


def _total(queryset: QuerySet[Any], field: str) -> Coalesce:
    summed = queryset.values("program").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed), Value(0))


def program_budget_use(*, region_id: int, year: int | None = None) -> QuerySet[Program]:
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
