"""An issued voucher: its money lives in its own ledger account."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from vouchers.models.application import Application
from vouchers.models.program import Program


class Voucher(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已作废")

    code = models.CharField(_("券号"), max_length=32, unique=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="voucher"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="vouchers")
    enterprise = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="vouchers")
    amount_fen = models.BigIntegerField(_("面额（分）"))
    returned_fen = models.BigIntegerField(_("退回预算（分）"), default=0)
    account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    issued_at = models.DateTimeField(_("发放时间"))
    expires_at = models.DateTimeField(_("使用截止时间"))
    closed_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("创新券")
        verbose_name_plural = _("创新券")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="voucher_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(returned_fen__gte=0) & Q(returned_fen__lte=models.F("amount_fen")),
                name="voucher_returned_within_amount",
            ),
        ]
        # The lists' order (the API's and the pages'): an enterprise's own vouchers, and a
        # region's or all vouchers walked newest first until the page is full.
        indexes = [
            models.Index(fields=["state", "expires_at"]),
            models.Index(
                fields=["enterprise", "-issued_at", "-id"], name="voucher_enterprise_newest"
            ),
            models.Index(fields=["-issued_at", "-id"], name="voucher_newest"),
        ]

    def __str__(self) -> str:
        return self.code
