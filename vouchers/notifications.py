"""The voucher flow's messages: what notifies whom, written by the service that made the change.

Each `notify_*` joins the service's transaction (accounts.services.notifications.notify), so a
refused or rolled-back change notifies nobody. Who is told:
- application decided → the enterprise; order placed or cancelled → the institution;
- delivery logged, waiting for confirmation → the enterprise; delivery disputed → the
  institution and the issuing region's reviewers; delivery confirmed → the enterprise, asked
  to rate the service (and reminded once after RATING_REMINDER_DAYS if it has not);
- redemption requested → the issuing region's reviewers; decided → the payee; batch paid →
  the payee;
- reminders (vouchers.services.reminders): the voucher's use-by date → the enterprise; the
  redemption deadline of a delivered, unclaimed order → the payee.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.notifications import DECISIONS, NotificationKind, register
from accounts.selectors import organisation_members, region_reviewers
from accounts.services.notifications import notify
from vouchers.models import Application, Delivery, PaymentBatch, Redemption, ServiceOrder

register(
    NotificationKind(
        code="application_decided", label=_("申领审核结果"),
        title=_("申领审核结果：%(decision)s"),
        body=_("您对「%(program)s」的申领（申请 %(amount_fen)s）审核结果：%(decision)s，"
               "批准 %(approved_fen)s。%(reason)s"),
        choices={"decision": DECISIONS},
    ),
    NotificationKind(
        code="order_placed", label=_("新订单"),
        title=_("新订单：%(enterprise)s"),
        body=_("%(enterprise)s 向本机构下单（合同 %(contract)s，服务费 %(total_fee_fen)s，"
               "其中创新券支付 %(voucher_fen)s）。"),
    ),
    NotificationKind(
        code="order_cancelled", label=_("订单取消"),
        title=_("订单已取消：合同 %(contract)s"),
        body=_("%(enterprise)s 取消了订单（合同 %(contract)s）。%(reason)s"),
    ),
    NotificationKind(
        code="delivery_logged", label=_("待确认的交付"),
        title=_("服务已交付，请确认：%(institution)s"),
        body=_("%(institution)s 登记了订单（合同 %(contract)s）的服务交付，"
               "请核对后确认或提出异议。"),
    ),
    NotificationKind(
        code="delivery_disputed", label=_("交付异议"),
        title=_("交付被提出异议：合同 %(contract)s"),
        body=_("%(enterprise)s 对 %(institution)s 登记的交付（合同 %(contract)s）提出异议。"
               "%(reason)s"),
    ),
    NotificationKind(
        code="redemption_requested", label=_("新的兑付申请"),
        title=_("新的兑付申请：%(payee)s"),
        body=_("%(payee)s 申请兑付 %(requested_fen)s（项目「%(program)s」，合同 %(contract)s）。"),
    ),
    NotificationKind(
        code="redemption_decided", label=_("兑付审核结果"),
        title=_("兑付审核结果：%(decision)s"),
        body=_("合同 %(contract)s 的兑付申请（申请 %(requested_fen)s）审核结果：%(decision)s，"
               "核定 %(approved_fen)s。%(reason)s"),
        choices={"decision": DECISIONS},
    ),
    NotificationKind(
        code="batch_paid", label=_("兑付款已支付"),
        title=_("兑付款已支付：%(batch)s"),
        body=_("支付批次 %(batch)s 已于 %(paid_on)s 支付 %(total_fen)s"
               "（国库支付凭证号 %(payment_reference)s）。"),
    ),
    NotificationKind(
        code="rating_requested", label=_("服务评价邀请"),
        title=_("您有1条服务记录等待评价：%(institution)s"),
        body=_("您已确认 %(institution)s 的服务交付（合同 %(contract)s），请从服务质量、及时性、"
               "价格合理性和沟通配合四方面评价，评价后30天内可以修改。"),
    ),
    NotificationKind(
        code="voucher_use_by_reminder", label=_("创新券到期提醒"),
        title=_("创新券 %(voucher)s 将在 %(days)s 天内到期"),
        body=_("创新券 %(voucher)s 尚有 %(available_fen)s 未使用，使用截止日期为 %(use_by_at)s。"
               "到期未用的额度将退回，请及时选择服务机构下单。"),
    ),
    NotificationKind(
        code="redemption_deadline_reminder", label=_("兑付截止提醒"),
        title=_("兑付截止提醒：合同 %(contract)s"),
        body=_("订单（合同 %(contract)s）已交付但尚未申请兑付，本项目的兑付截止日期为 "
               "%(deadline_at)s（%(days)s 天内）。逾期将无法兑付。"),
    ),
)


def notify_application_decided(application: Application, *, now: datetime) -> None:
    notify(
        kind="application_decided",
        recipients=organisation_members(organisation_id=application.enterprise_id),
        params={"decision": application.state, "program": application.program.name,
                "amount_fen": application.amount_fen, "approved_fen": application.approved_fen,
                "reason": application.reason},
        link=reverse("vouchers:application_detail", args=[application.pk]), now=now,
    )


def notify_order_placed(order: ServiceOrder, *, now: datetime) -> None:
    notify(
        kind="order_placed",
        recipients=organisation_members(organisation_id=order.institution_id),
        params={"enterprise": order.enterprise.name, "contract": order.contract_number,
                "total_fee_fen": order.total_fee_fen, "voucher_fen": order.voucher_fen},
        link=_order_link(order), now=now,
    )


def notify_order_cancelled(order: ServiceOrder, *, reason: str, now: datetime) -> None:
    notify(
        kind="order_cancelled",
        recipients=organisation_members(organisation_id=order.institution_id),
        params={"enterprise": order.enterprise.name, "contract": order.contract_number,
                "reason": reason.strip()},
        link=_order_link(order), now=now,
    )


def notify_delivery_logged(delivery: Delivery, *, now: datetime) -> None:
    order = delivery.order
    notify(
        kind="delivery_logged",
        recipients=organisation_members(organisation_id=order.enterprise_id),
        params={"institution": order.institution.name, "contract": order.contract_number},
        link=_order_link(order), now=now,
    )


def notify_rating_requested(delivery: Delivery, *, now: datetime,
                            once_key: str | None = None) -> int:
    order = delivery.order
    return notify(
        kind="rating_requested",
        recipients=organisation_members(organisation_id=order.enterprise_id),
        params={"institution": order.institution.name, "contract": order.contract_number},
        link=_order_link(order), now=now, once_key=once_key,
    )


def notify_delivery_disputed(delivery: Delivery, *, reason: str, now: datetime) -> None:
    order = delivery.order
    recipients: list[User] = [
        *organisation_members(organisation_id=order.institution_id),
        *region_reviewers(region_id=order.voucher.program.region_id),
    ]
    notify(
        kind="delivery_disputed", recipients=recipients,
        params={"enterprise": order.enterprise.name, "institution": order.institution.name,
                "contract": order.contract_number, "reason": reason.strip()},
        link=_order_link(order), now=now,
    )


def notify_redemption_requested(redemption: Redemption, *, now: datetime) -> None:
    notify(
        kind="redemption_requested",
        recipients=region_reviewers(region_id=redemption.program.region_id),
        params={"payee": redemption.payee.name, "requested_fen": redemption.requested_fen,
                "program": redemption.program.name,
                "contract": redemption.order.contract_number},
        link=_redemption_link(redemption), now=now,
    )


def notify_redemption_decided(redemption: Redemption, *, now: datetime) -> None:
    decision = "approved" if redemption.state == Redemption.State.APPROVED else "rejected"
    notify(
        kind="redemption_decided",
        recipients=organisation_members(organisation_id=redemption.payee_id),
        params={"decision": decision, "contract": redemption.order.contract_number,
                "requested_fen": redemption.requested_fen,
                "approved_fen": redemption.approved_fen, "reason": redemption.reason},
        link=_redemption_link(redemption), now=now,
    )


def notify_batch_paid(batch: PaymentBatch, *, now: datetime) -> None:
    notify(
        kind="batch_paid",
        recipients=organisation_members(organisation_id=batch.payee_id),
        params={"batch": batch.number,
                "paid_on": batch.paid_on.isoformat() if batch.paid_on else None,
                "total_fen": batch.total_fen, "payment_reference": batch.payment_reference},
        link=reverse("vouchers:redemption_list"), now=now,
    )


def _order_link(order: ServiceOrder) -> str:
    return reverse("vouchers:order_detail", args=[order.pk])


def _redemption_link(redemption: Redemption) -> str:
    return reverse("vouchers:redemption_detail", args=[redemption.pk])
