"""What happens at each event of the simulated year: one service call, then what follows.

A mixin of `YearSimulation` (devtools/simulation/year.py), which owns the queues, the
random generators (`self.random` and `self.region` are those of the event being handled;
what an event schedules belongs to the same region), the parties and the counters.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from devtools.simulation import plan
from devtools.simulation.plan import YUAN, days
from vouchers.models import (
    Application,
    Delivery,
    Program,
    ProgramCategory,
    Redemption,
    ServiceOrder,
    Voucher,
)
from vouchers.pricing import voucher_portion
from vouchers.services import (
    applications,
    deliveries,
    orders,
    programs,
    redemptions,
    settlements,
    vouchers,
)

EVIDENCE = b"%PDF-1.4\n% simulated evidence\n"


class LifeCycleEvents:
    """Handlers `_on_<name>(when, payload)`; see `YearSimulation.schedule`."""

    def _on_fund(self, when: datetime, payload: tuple[str, int]) -> None:
        code, amount = payload
        if amount > 0:
            programs.program_fund(
                actor=self.parties[code].finance,
                program=self.programs[code],
                amount_fen=amount,
                reference=f"{code}财科〔{self.year}〕2号",
                now=when,
            )

    # Applications and review
    def _on_apply(self, when: datetime, user: Any) -> None:
        program = self.programs[user.organisation.region.short_code]
        cap = program.per_claim_max_fen or program.enterprise_annual_cap_fen
        median = math.log(plan.APPLICATION_MEDIAN_YUAN)
        wanted = round(self.random.lognormvariate(median, 0.55) / 1000) * 1000 * YUAN
        amount = min(max(wanted, 5_000 * YUAN), cap, program.enterprise_annual_cap_fen)
        category = self.random.choice(self.eligible_categories(program))
        application = self._attempt(
            lambda: applications.application_submit(
                actor=user,
                program=program,
                amount_fen=amount,
                purpose="委托检验检测与研发服务",
                planned_categories=[category],
                now=when,
            )
        )
        if application is not None:
            self.schedule(when + days(self.random.uniform(3, 20)), "review", application.pk)

    def _on_review(self, when: datetime, application_pk: int) -> None:
        application = Application.objects.select_related("program__region", "enterprise").get(
            pk=application_pk
        )
        reviewer = self.parties[application.program.region.short_code].reviewer
        draw = self.random.random()
        if draw < plan.APPLICATION_REJECT_RATE:
            applications.application_reject(
                actor=reviewer, application=application, reason="申报材料不符合要求", now=when
            )
            return
        amount = None
        reason = ""
        if draw < plan.APPLICATION_REJECT_RATE + plan.APPLICATION_REDUCE_RATE:
            amount = application.amount_fen * self.random.choice((6, 7, 8, 9)) // 10 // YUAN * YUAN
            reason = "按实际研发需求核减"
        voucher = self._attempt(
            lambda: applications.application_approve(
                actor=reviewer,
                application=application,
                amount_fen=amount,
                reason=reason,
                now=when,
            )
        )
        if voucher is None:  # the budget ran out before this application was reached
            applications.application_reject(
                actor=reviewer, application=application, reason="项目预算已用完", now=when
            )
            return
        self._plan_orders(voucher, when)

    def _plan_orders(self, voucher: Voucher, issued_at: datetime) -> None:
        counts, weights = zip(*plan.ORDERS_PER_VOUCHER, strict=True)
        count = self.random.choices(counts, weights)[0]
        span = (voucher.expires_at - issued_at).total_seconds() / 86400 - 6
        moments = sorted(self.random.uniform(5, 5 + max(span, 1)) for _ in range(count))
        for left, moment in zip(range(count, 0, -1), moments, strict=True):
            self.schedule(issued_at + days(moment), "order", (voucher.pk, left))

    # Orders
    def _on_order(self, when: datetime, payload: tuple[int, int]) -> None:
        voucher_pk, left = payload
        voucher = Voucher.objects.select_related("program__region", "enterprise", "account").get(
            pk=voucher_pk
        )
        available = voucher.account.available_fen
        if voucher.state != Voucher.State.ACTIVE or available <= 0:
            return
        program = voucher.program
        enterprise = self.user_of[voucher.enterprise_id]
        institution, category = self._supplier(program)
        rule = self._rule(program, category)
        ratio, _ = voucher_portion(program, voucher.enterprise, institution, rule, 10**12)
        target = available // left
        fee = target * 10_000 // ratio * self.random.uniform(*plan.FEE_FACTOR)
        fee = max(int(fee) // YUAN * YUAN, 500 * YUAN)
        self.contracts[self.region] += 1
        contract = f"HT-{self.year}-{self.region}-{self.contracts[self.region]:07d}"
        order = self._attempt(
            lambda: orders.order_place(
                actor=enterprise,
                voucher=voucher,
                institution=institution,
                category=category,
                contract_number=contract,
                total_fee_fen=fee,
                now=when,
            )
        )
        if order is None:
            return
        if self.random.random() < plan.ORDER_CANCEL_RATE:
            self.schedule(when + days(self.random.uniform(1, 10)), "cancel", order.pk)
        else:
            self.schedule(when + days(self.random.uniform(10, 60)), "deliver", (order.pk, 1))

    def _supplier(self, program: Program) -> tuple[Any, Any]:
        """An institution (of another region with OFF_DIAGONAL_RATE) offering an eligible
        category, and that category."""
        eligible = set(self.eligible_categories(program))
        home = program.region.short_code
        others = [code for code in sorted(self.parties) if code != home]
        while True:
            code = home
            if self.random.random() < plan.OFF_DIAGONAL_RATE:
                shares = [self.plans[other].institution_share for other in others]
                code = self.random.choices(others, shares)[0]
            institution = self.random.choice(self.parties[code].institutions)
            offered = [c for c in self.catalogue[institution.pk] if c in eligible]
            if offered:
                return institution, self.random.choice(offered)

    def _rule(self, program: Program, category: Any) -> ProgramCategory:
        key = (program.pk, category.pk)
        if key not in self.rules:
            self.rules[key] = ProgramCategory.objects.get(program=program, category=category)
        return self.rules[key]

    def _on_cancel(self, when: datetime, order_pk: int) -> None:
        order = ServiceOrder.objects.get(pk=order_pk)
        self._attempt(
            lambda: orders.order_cancel(
                actor=self.user_of[order.enterprise_id],
                order=order,
                reason="企业调整研发计划",
                now=when,
            )
        )

    # Deliveries
    def _on_deliver(self, when: datetime, payload: tuple[int, int]) -> None:
        order_pk, attempt = payload
        order = ServiceOrder.objects.select_related("voucher__program__region").get(pk=order_pk)
        if order.state != ServiceOrder.State.PLACED:
            return
        institution = self.user_of[order.institution_id]
        delivery = self._attempt(
            lambda: deliveries.delivery_log(
                actor=institution,
                order=order,
                delivered_on=when.date(),
                description="按合同完成服务并出具报告",
                # A 数电票 number: year, order and attempt make it unique (20 digits).
                invoice_number=f"{self.year % 100:02d}{order.pk:016d}{attempt % 100:02d}",
                report_number=f"BG{self.year}{order.pk:08d}{attempt}",
                now=when,
            )
        )
        if delivery is None:
            return
        if attempt == 1:
            for kind in plan.EVIDENCE_KINDS:
                deliveries.evidence_attach(
                    actor=institution,
                    order=order,
                    kind=kind,
                    name=f"{kind}.pdf",
                    content=EVIDENCE,
                    now=when,
                )
        self.schedule(when + days(self.random.uniform(1, 10)), "answer", (delivery.pk, attempt))

    def _on_answer(self, when: datetime, payload: tuple[int, int]) -> None:
        delivery_pk, attempt = payload
        delivery = Delivery.objects.select_related("order").get(pk=delivery_pk)
        enterprise = self.user_of[delivery.order.enterprise_id]
        if attempt == 1 and self.random.random() < plan.DISPUTE_RATE:
            # Refused once the order has lapsed at the redemption deadline.
            if self._attempt(
                lambda: deliveries.delivery_dispute(
                    actor=enterprise, delivery=delivery, reason="报告内容与合同约定不符", now=when
                )
            ):
                self.schedule(
                    when + days(self.random.uniform(7, 21)), "deliver", (delivery.order_id, 2)
                )
            return
        if self._attempt(
            lambda: deliveries.delivery_confirm(actor=enterprise, delivery=delivery, now=when)
        ):
            self.schedule(when + days(self.random.uniform(1, 20)), "request", delivery.order_id)

    # Redemption and payment
    def _on_request(self, when: datetime, order_pk: int) -> None:
        order = ServiceOrder.objects.get(pk=order_pk)
        redemption = self._attempt(
            lambda: redemptions.redemption_request(
                actor=self.user_of[order.payee_id], order=order, now=when
            )
        )
        if redemption is not None:
            decided = self._last_moment(when + days(self.random.uniform(5, 30)))
            self.schedule(decided, "decide", redemption.pk)

    def _on_decide(self, when: datetime, redemption_pk: int) -> None:
        # What the review reads of the request (its parties, who asked) comes with it.
        redemption = Redemption.objects.select_related(
            "program__region", "order__enterprise", "order__institution", "requested_by"
        ).get(pk=redemption_pk)
        reviewer = self.parties[redemption.program.region.short_code].reviewer
        draw = self.random.random()
        if draw < plan.REDEMPTION_REJECT_RATE:
            redemptions.redemption_reject(
                actor=reviewer, redemption=redemption, reason="发票信息与合同不一致", now=when
            )
            return
        amount = None
        reason = ""
        if draw < plan.REDEMPTION_REJECT_RATE + plan.REDEMPTION_REDUCE_RATE:
            amount = redemption.requested_fen * 9 // 10
            reason = "部分费用不属于支持范围，予以核减"
        redemptions.redemption_approve(
            actor=reviewer, redemption=redemption, amount_fen=amount, reason=reason, now=when
        )

    def _on_pay(self, when: datetime, code: str) -> None:
        """The region's payment run: one batch per payee with approved redemptions."""
        finance = self.parties[code].finance
        payees = (
            Redemption.objects.filter(
                program__region__short_code=code,
                state=Redemption.State.APPROVED,
                batch__isnull=True,
            )
            .order_by("payee_id")
            .values_list("payee", flat=True)
            .distinct()
        )
        for payee in self._organisations(list(payees)):
            batch = settlements.payment_batch_create(actor=finance, payee=payee, now=when)
            settlements.payment_batch_pay(
                actor=finance,
                batch=batch,
                payment_reference=f"GK{self.year}{batch.pk:08d}",
                paid_on=when.date(),
                now=when,
            )

    def _organisations(self, pks: list[int]) -> list[Any]:
        users = [self.user_of[pk] for pk in pks]
        return [user.organisation for user in users]

    # Deadlines
    def _on_expire(self, when: datetime, _payload: None) -> None:
        vouchers.vouchers_expire_due(now=when)

    def _on_lapse(self, when: datetime, _payload: None) -> None:
        orders.orders_lapse_due(now=when)

    def eligible_categories(self, program: Program) -> list[Any]:
        key = ("eligible", program.pk)
        if key not in self.rules:
            self.rules[key] = [
                rule.category
                for rule in ProgramCategory.objects.filter(program=program)
                .select_related("category")
                .order_by("category_id")
            ]
        return self.rules[key]
