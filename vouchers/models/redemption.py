"""A request to redeem (兑付) the voucher portion of a delivered order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from vouchers.invoices import InvoiceDisplay
from vouchers.models.delivery import Delivery
from vouchers.models.order import ServiceOrder
from vouchers.models.program import Program

# The claims that keep their invoice and contract claimed for good: all but the rejected ones
# and those withdrawn back to their order's hold (the database's unique indexes, and the
# service's friendlier check before them).
CLAIMS_ITS_INVOICE = ~Q(state="rejected") & ~Q(state="withdrawn", returned_to="hold")


class Redemption(InvoiceDisplay, models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        PAID = "paid", _("已支付")
        CLAWED_BACK = "clawed_back", _("已追回")
        # Sanctions: suspended while the authority decides on a blacklisted party's claim;
        # voided (a requested claim stopped) or withdrawn (an approved one stopped before
        # payment). Voided and withdrawn keep the invoice and contract claimed for good,
        # except a claim withdrawn back to its order's hold, which frees them as a rejection.
        SUSPENDED = "suspended", _("暂停")
        VOIDED = "voided", _("已作废")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Destination(models.TextChoices):
        """Where the money of a stopped claim goes."""

        VOUCHER = "voucher", _("退回创新券")
        BUDGET = "budget", _("退回项目预算")
        # Withdrawing an approved claim only: the order is held again, to be claimed anew.
        HOLD = "hold", _("退回订单预留")

    # Where an ended claim or order sends its money. Back to the order's hold is open only to
    # the withdrawal of an approved claim on its own: the order stays alive.
    ENDING_DESTINATIONS = (Destination.VOUCHER, Destination.BUDGET)

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="redemptions")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="redemptions")
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="redemptions")
    # The service institution of the order, kept here so that the database can hold a
    # contract number unique per institution (two institutions may each have "HT-2024-001").
    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    invoice_code = models.CharField(_("发票代码"), max_length=12, blank=True)
    invoice_number = models.CharField(_("发票号码"), max_length=64)
    invoice_key = models.CharField(_("发票（规范化）"), max_length=80)
    contract_key = models.CharField(_("合同编号（规范化）"), max_length=64)
    requested_fen = models.BigIntegerField(_("申请兑付（分）"))
    approved_fen = models.BigIntegerField(_("核定兑付（分）"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("审核意见"), blank=True)
    suspended_from = models.CharField(
        _("暂停前状态"), max_length=16, choices=State.choices, blank=True, default=""
    )
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stopped_at = models.DateTimeField(_("止付时间"), null=True, blank=True)
    stopped_reason = models.TextField(_("止付原因"), blank=True, default="")
    returned_to = models.CharField(
        _("款项去向"), max_length=16, choices=Destination.choices, blank=True, default=""
    )
    batch = models.ForeignKey(
        "vouchers.PaymentBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemptions",
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("兑付申请")
        verbose_name_plural = _("兑付申请")
        constraints = [
            # One invoice (code + number, or a 数电票's number), and one contract of one
            # institution, is redeemed once, ever (rejections and withdrawals back to the
            # order's hold free them).
            models.UniqueConstraint(
                fields=["invoice_key"],
                condition=CLAIMS_ITS_INVOICE,
                name="redemption_invoice_once",
            ),
            models.UniqueConstraint(
                fields=["institution", "contract_key"],
                condition=CLAIMS_ITS_INVOICE,
                name="redemption_contract_once_per_institution",
            ),
            models.CheckConstraint(
                condition=Q(requested_fen__gt=0), name="redemption_requested_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(approved_fen__isnull=True)
                | (Q(approved_fen__gt=0) & Q(approved_fen__lte=F("requested_fen"))),
                name="redemption_approved_within_requested",
            ),
        ]
        indexes = [models.Index(fields=["program", "state"])]

    def __str__(self) -> str:
        return f"兑付#{self.pk} 发票{self.invoice_label}"
