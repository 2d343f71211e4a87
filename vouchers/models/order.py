"""A service order paid partly by a voucher; the voucher portion is held in the ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.amounts import MAX_AMOUNT_FEN
from accounts.models import Organisation
from vouchers.models.reference import ServiceCategory
from vouchers.models.voucher import Voucher


class ServiceOrder(models.Model):
    class State(models.TextChoices):
        PLACED = "placed", _("已下单")
        DELIVERED = "delivered", _("已交付")
        REDEEMED = "redeemed", _("已兑付")
        REFUSED = "refused", _("兑付被驳回")
        CANCELLED = "cancelled", _("已取消")
        LAPSED = "lapsed", _("逾期未兑付")
        # Sanctions: a party blacklisted (suspended until the authority decides), a voucher
        # revoked or a claim stopped (voided for good; deliveries and evidence are kept).
        SUSPENDED = "suspended", _("暂停")
        VOIDED = "voided", _("作废终止")

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="orders")
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="service_orders"
    )
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    contract_number = models.CharField(_("合同编号"), max_length=64)
    contract_key = models.CharField(_("合同编号（规范化）"), max_length=64, db_index=True)
    total_fee_fen = models.BigIntegerField(_("服务费（分）"))
    ratio_bp = models.PositiveIntegerField(_("适用补贴比例（基点）"))
    voucher_fen = models.BigIntegerField(_("创新券支付（分）"))
    enterprise_share_fen = models.BigIntegerField(_("企业自付（分）"))
    # What the enterprise pays the institution: its own share under 通兑 (the voucher pays the
    # rest to the institution), the whole fee under 通用 (the voucher reimburses the enterprise).
    enterprise_paid_fen = models.BigIntegerField(_("企业向服务机构支付（分）"))
    redeemed_fen = models.BigIntegerField(_("已兑付（分）"), null=True, blank=True)
    # How many times the order was held again after a claim on it was withdrawn back to the
    # hold: each round's hold is a new pending transfer (a resolved one is never reopened).
    hold_round = models.PositiveSmallIntegerField(_("预留轮次"), default=0)
    payable_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("下单时间"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    reason = models.TextField(_("取消或关闭原因"), blank=True)
    suspended_from = models.CharField(
        _("暂停前状态"), max_length=16, choices=State.choices, blank=True, default=""
    )
    fee_justification = models.TextField(
        _("大额服务费说明"), blank=True, default="",
        help_text=_("服务费超过大额门槛时企业填写的理由"),
    )

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        constraints = [
            models.CheckConstraint(condition=Q(total_fee_fen__gt=0), name="order_fee_gt_0"),
            models.CheckConstraint(
                condition=Q(total_fee_fen__lte=MAX_AMOUNT_FEN), name="order_fee_within_maximum"
            ),
            models.CheckConstraint(condition=Q(voucher_fen__gt=0), name="order_voucher_gt_0"),
            models.CheckConstraint(
                condition=Q(enterprise_share_fen=F("total_fee_fen") - F("voucher_fen"))
                & Q(enterprise_share_fen__gte=0),
                name="order_shares_add_up",
            ),
            models.CheckConstraint(
                condition=(
                    Q(payee=F("institution")) & Q(enterprise_paid_fen=F("enterprise_share_fen"))
                )
                | (Q(payee=F("enterprise")) & Q(enterprise_paid_fen=F("total_fee_fen"))),
                name="order_enterprise_paid_by_payee_mode",
            ),
            models.CheckConstraint(
                condition=Q(redeemed_fen__isnull=True)
                | (Q(redeemed_fen__gt=0) & Q(redeemed_fen__lte=F("voucher_fen"))),
                name="order_redeemed_within_held",
            ),
        ]
        indexes = [models.Index(fields=["state", "voucher"])]

    def __str__(self) -> str:
        return f"订单#{self.pk} {self.contract_number}"
