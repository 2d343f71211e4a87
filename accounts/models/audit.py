"""The append-only audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.organisations import Organisation, User
from accounts.models.reference import Region


class AuditEntry(models.Model):
    """One append-only line of the audit trail: who did what to which record, and why."""

    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["region", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: the database trigger says the same on PostgreSQL.
        if self.pk is not None and not self._state.adding:
            raise ValueError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("审计记录只能追加，不能删除")
