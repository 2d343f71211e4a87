"""Benchmark 2's floor: the annual figures as four hand-written GROUP BY GROUPING SETS queries.

Each source (confirmed deliveries, approvals, treasury payments, returns to the budget) is read
once, grouped by every breakdown at the same time; the result is keyed like the service's
output so the two can be compared figure by figure.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

LOCAL = "AT TIME ZONE 'Asia/Shanghai'"
SETS = {
    "headline": (),
    "by_flow": ("issuing_region", "serving_region"),
    "by_category": ("category",),
    "by_city": ("city",),
    "by_month": ("month",),
}
ORDER_DIMS = """
    JOIN vouchers_serviceorder o ON o.id = {order}
    JOIN accounts_organisation inst ON inst.id = o.institution_id
    JOIN accounts_region sr ON sr.id = inst.region_id
    JOIN vouchers_servicecategory cat ON cat.id = o.category_id
    JOIN accounts_organisation ent ON ent.id = o.enterprise_id
    LEFT JOIN accounts_city city ON city.id = ent.city_id
"""
DIMS = {
    "issuing_region": "ir.short_code",
    "serving_region": "sr.short_code",
    "category": "cat.code",
    "city": "city.code",
}

DELIVERED = f"""
    SELECT {{dims}}, SUM(o.total_fee_fen), SUM(o.voucher_fen), COUNT(DISTINCT o.id),
           COUNT(DISTINCT o.enterprise_id), COUNT(DISTINCT o.institution_id)
    FROM vouchers_delivery d {ORDER_DIMS.format(order="d.order_id")}
    JOIN vouchers_voucher v ON v.id = o.voucher_id
    JOIN vouchers_program p ON p.id = v.program_id
    JOIN accounts_region ir ON ir.id = p.region_id
    WHERE d.state = 'confirmed' AND d.delivered_on >= %(first)s AND d.delivered_on < %(next)s
    GROUP BY GROUPING SETS ({{sets}})
"""  # noqa: S608 - fixed SQL, values bound
APPROVED = f"""
    SELECT {{dims}}, SUM(r.approved_fen)
    FROM vouchers_redemption r {ORDER_DIMS.format(order="r.order_id")}
    JOIN vouchers_program p ON p.id = r.program_id
    JOIN accounts_region ir ON ir.id = p.region_id
    WHERE r.state IN ('approved', 'paid', 'clawed_back')
      AND r.reviewed_at >= %(start)s AND r.reviewed_at < %(end)s
    GROUP BY GROUPING SETS ({{sets}})
"""  # noqa: S608 - fixed SQL, values bound
PAID = f"""
    SELECT {{dims}}, SUM(r.approved_fen)
    FROM vouchers_redemption r {ORDER_DIMS.format(order="r.order_id")}
    JOIN vouchers_program p ON p.id = r.program_id
    JOIN accounts_region ir ON ir.id = p.region_id
    JOIN vouchers_paymentbatch b ON b.id = r.batch_id
    WHERE r.state IN ('paid', 'clawed_back')
      AND b.paid_on >= %(first)s AND b.paid_on < %(next)s
    GROUP BY GROUPING SETS ({{sets}})
"""  # noqa: S608 - fixed SQL, values bound
RETURNED = """
    SELECT {dims}, SUM(t.amount_fen)
    FROM vouchers_voucher v
    JOIN ledger_transfer t ON t.debit_account_id = v.account_id
    JOIN ledger_account budget ON budget.id = t.credit_account_id
    JOIN vouchers_program p ON p.id = v.program_id
    JOIN accounts_region ir ON ir.id = p.region_id
    JOIN accounts_organisation ent ON ent.id = v.enterprise_id
    LEFT JOIN accounts_city city ON city.id = ent.city_id
    WHERE budget.kind = 'budget' AND t.phase = 'posted'
      AND t.created_at >= %(start)s AND t.created_at < %(end)s
    GROUP BY GROUPING SETS ({sets})
"""
SOURCES = [
    (
        DELIVERED,
        "d.delivered_on",
        ("service_fen", "voucher_used_fen", "orders", "enterprises", "institutions"),
        tuple(SETS),
    ),
    (APPROVED, f"r.reviewed_at {LOCAL}", ("redeemed_fen",), tuple(SETS)),
    (PAID, "b.paid_on", ("paid_fen",), tuple(SETS)),
    (RETURNED, f"t.created_at {LOCAL}", ("returned_fen",), ("headline", "by_city", "by_month")),
]


def floor_totals(*, bounds: dict) -> dict[str, dict[tuple, dict[str, int]]]:
    """{breakdown: {key: {figure: value}}} from the four queries."""
    result: dict[str, dict[tuple, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for template, month, figures, breakdowns in SOURCES:
        dims = {**DIMS, "month": f"EXTRACT(MONTH FROM {month})::int"}
        used = [dim for name in breakdowns for dim in SETS[name]]
        names = list(dict.fromkeys(used))
        sets = ", ".join("(" + ", ".join(dims[d] for d in SETS[name]) + ")" for name in breakdowns)
        grouping = f"GROUPING({', '.join(dims[d] for d in names)})"
        select = ", ".join([*(dims[d] for d in names), grouping])
        with connection.cursor() as cursor:
            cursor.execute(template.format(dims=select, sets=sets), bounds)
            rows = cursor.fetchall()
        for row in rows:
            values, bits = row[: len(names)], row[len(names)]
            present = {n for i, n in enumerate(names) if not bits & (1 << (len(names) - 1 - i))}
            name = next(b for b in breakdowns if set(SETS[b]) == present)
            key = tuple(values[names.index(d)] for d in SETS[name])
            for figure, value in zip(figures, row[len(names) + 1 :], strict=True):
                result[name][key][figure] = int(value or 0)
    return result
