"""Accounts and transfers, after TigerBeetle: balances in fen, an append-only journal.

The ledger knows nothing of vouchers: owners and business records are generic strings.
Invariants live in the database (check and unique constraints, and on PostgreSQL a trigger
that refuses UPDATE and DELETE of transfers); the services only make the refusals precise.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vouchers.ledger.errors import AppendOnlyViolation


class Account(models.Model):
    """One account, its four balances and the limits that keep it from being overdrawn."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("财政资金来源")
        BUDGET = "budget", _("项目未发放预算")
        VOUCHER = "voucher", _("创新券余额")
        PAYABLE = "payable", _("应付款")
        PAID = "paid", _("已通过国库支付")
        CLAWBACK = "clawback", _("应追回款")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    owner_type = models.CharField(_("所有者类型"), max_length=64)
    owner_id = models.CharField(_("所有者编号"), max_length=64)
    name = models.CharField(_("名称"), max_length=128)
    debits_must_not_exceed_credits = models.BooleanField(_("借方不得超过贷方"), default=False)
    credits_must_not_exceed_debits = models.BooleanField(_("贷方不得超过借方"), default=False)
    debits_pending_fen = models.BigIntegerField(_("待过账借方（分）"), default=0)
    debits_posted_fen = models.BigIntegerField(_("已过账借方（分）"), default=0)
    credits_pending_fen = models.BigIntegerField(_("待过账贷方（分）"), default=0)
    credits_posted_fen = models.BigIntegerField(_("已过账贷方（分）"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "owner_type", "owner_id"], name="ledger_account_one_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(debits_pending_fen__gte=0)
                & Q(debits_posted_fen__gte=0)
                & Q(credits_pending_fen__gte=0)
                & Q(credits_posted_fen__gte=0),
                name="ledger_account_balances_not_negative",
            ),
            models.CheckConstraint(
                condition=~(
                    Q(debits_must_not_exceed_credits=True) & Q(credits_must_not_exceed_debits=True)
                ),
                name="ledger_account_one_limit_at_most",
            ),
            models.CheckConstraint(
                condition=Q(debits_must_not_exceed_credits=False)
                | Q(
                    debits_posted_fen__lte=F("credits_posted_fen") - F("debits_pending_fen"),
                ),
                name="ledger_account_debits_within_credits",
            ),
            models.CheckConstraint(
                condition=Q(credits_must_not_exceed_debits=False)
                | Q(
                    credits_posted_fen__lte=F("debits_posted_fen") - F("credits_pending_fen"),
                ),
                name="ledger_account_credits_within_debits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available_fen(self) -> int:
        """What a debit-limited account can still spend: posted credits less all debits."""
        return self.credits_posted_fen - self.debits_posted_fen - self.debits_pending_fen

    @property
    def balance_fen(self) -> int:
        return self.credits_posted_fen - self.debits_posted_fen


class TransferQuerySet(models.QuerySet["Transfer"]):
    """The journal only grows: bulk updates and deletes are refused too."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyViolation("总账流水只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyViolation("总账流水只能追加，不能删除")


class Transfer(models.Model):
    """One immutable journal line moving `amount_fen` from the debit to the credit account."""

    class Phase(models.TextChoices):
        POSTED = "posted", _("直接过账")
        PENDING = "pending", _("预留（待过账）")
        POST_PENDING = "post_pending", _("预留转过账")
        VOID_PENDING = "void_pending", _("预留作废")

    # Unique by the constraint in Meta, not `unique=True`: on PostgreSQL that would add a
    # second, varchar_pattern_ops index for LIKE queries, which no query runs (issue 22).
    idempotency_key = models.CharField(_("幂等键"), max_length=200)
    debit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="debit_transfers"
    )
    credit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="credit_transfers"
    )
    amount_fen = models.BigIntegerField(_("金额（分）"))
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices)
    pending_transfer = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="resolutions"
    )
    timeout_at = models.DateTimeField(_("预留超时时间"), null=True, blank=True)
    business_type = models.CharField(_("业务类型"), max_length=64, blank=True)
    business_id = models.CharField(_("业务编号"), max_length=64, blank=True)
    memo = models.CharField(_("摘要"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"))

    objects = TransferQuerySet.as_manager()

    RESOLVING_PHASES = (Phase.POST_PENDING, Phase.VOID_PENDING)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("转账流水")
        verbose_name_plural = _("转账流水")
        constraints = [
            # The name PostgreSQL gave the column's UNIQUE when the table was created.
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_transfer_idempotency_key_key"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="ledger_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="ledger_transfer_two_accounts",
            ),
            models.CheckConstraint(
                condition=Q(
                    phase__in=["post_pending", "void_pending"], pending_transfer__isnull=False
                )
                | Q(phase__in=["posted", "pending"], pending_transfer__isnull=True),
                name="ledger_transfer_resolution_names_pending",
            ),
            models.CheckConstraint(
                condition=Q(timeout_at__isnull=True) | Q(phase="pending"),
                name="ledger_transfer_timeout_only_pending",
            ),
            # Resolving a pending transfer never updates it: the resolution is a new row,
            # and this index lets at most one exist (posted, voided or expired, once).
            models.UniqueConstraint(
                fields=["pending_transfer"],
                condition=Q(pending_transfer__isnull=False),
                name="ledger_transfer_pending_resolved_once",
            ),
        ]
        indexes = [
            models.Index(fields=["business_type", "business_id"]),
            models.Index(fields=["phase", "timeout_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.phase} {self.amount_fen}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: the PostgreSQL trigger refuses the same, whatever the code path.
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyViolation("总账流水只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyViolation("总账流水只能追加，不能删除")
