"""The simulated year's figures, read back from the database (not from the simulator)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum

from vouchers.ledger.selectors import ledger_verify
from vouchers.models import (
    Application,
    Delivery,
    PaymentBatch,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)
from vouchers.states import PAID_STATES, REDEEMED_STATES


@dataclass
class YearSummary:
    """Money in fen; states as {state: count}. `refusals` counts the services' refusals
    by code; `runtime_seconds` is the only field that differs between identical runs."""

    year: int
    enterprises_registered: int
    institutions_registered: int
    enterprises: int  # that applied
    institutions: int  # that received orders
    enterprises_claimed: int
    service_fen: int  # fees of orders with a confirmed delivery (服务金额)
    redeemed_fen: int  # approved amounts of approved, paid, clawed-back redemptions (兑付金额)
    paid_fen: int
    issued_fen: int
    budget_fen: int
    off_diagonal_orders: int
    applications: dict[str, int]
    vouchers: dict[str, int]
    orders: dict[str, int]
    deliveries: dict[str, int]
    redemptions: dict[str, int]
    batches: dict[str, int]
    refusals: dict[str, int] = field(default_factory=dict)
    transfers_checked: int = 0
    ledger_ok: bool = False
    runtime_seconds: float = 0.0

    def figures(self) -> dict[str, Any]:
        """Everything but the runtime: equal for two runs with one seed."""
        data = asdict(self)
        data.pop("runtime_seconds")
        return data


def _states(queryset: Any) -> dict[str, int]:
    return dict(sorted(queryset.values_list("state").annotate(n=Count("pk")).order_by()))


def year_summary(
    *, programs: list[Program], refusals: Counter[str], registered: tuple[int, int]
) -> YearSummary:
    """Figures of the given programs (the simulated ones), and a full ledger check."""
    in_programs = Q(voucher__program__in=programs)
    orders = ServiceOrder.objects.filter(in_programs)
    served = orders.filter(deliveries__state=Delivery.State.CONFIRMED).distinct()
    applications = Application.objects.filter(program__in=programs)
    redemptions = Redemption.objects.filter(program__in=programs)
    report = ledger_verify()
    return YearSummary(
        year=programs[0].year,
        enterprises_registered=registered[0],
        institutions_registered=registered[1],
        enterprises=applications.values("enterprise").distinct().count(),
        institutions=orders.values("institution").distinct().count(),
        enterprises_claimed=applications.filter(state=Application.State.APPROVED)
        .values("enterprise")
        .distinct()
        .count(),
        service_fen=ServiceOrder.objects.filter(pk__in=served.values("pk")).aggregate(
            total=Sum("total_fee_fen")
        )["total"]
        or 0,
        redeemed_fen=redemptions.filter(state__in=REDEEMED_STATES).aggregate(
            total=Sum("approved_fen")
        )["total"]
        or 0,
        paid_fen=redemptions.filter(state__in=PAID_STATES).aggregate(
            total=Sum("approved_fen")
        )["total"]
        or 0,
        issued_fen=Voucher.objects.filter(program__in=programs).aggregate(total=Sum("amount_fen"))[
            "total"
        ]
        or 0,
        budget_fen=sum(program.budget_fen for program in programs),
        off_diagonal_orders=orders.exclude(
            institution__region=F("voucher__program__region")
        ).count(),
        applications=_states(applications),
        vouchers=_states(Voucher.objects.filter(program__in=programs)),
        orders=_states(orders),
        deliveries=_states(Delivery.objects.filter(order__in=orders)),
        redemptions=_states(redemptions),
        batches=_states(PaymentBatch.objects.filter(pk__in=redemptions.values("batch"))),
        refusals=dict(sorted(refusals.items())),
        transfers_checked=report.transfers_checked,
        ledger_ok=report.ok,
    )
