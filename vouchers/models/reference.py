"""Reference data of the voucher scheme: service categories and institutions' catalogues."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.models.reference import english_active


class ServiceCategory(models.Model):
    """A kind of science-and-technology service a voucher may pay for (seeded, editable)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the page's language (accounts.models.reference.english_active)."""
        return self.name_en if self.name_en and english_active() else self.name


class InstitutionService(models.Model):
    """One catalogue entry: an institution offers services of one category."""

    institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="catalogue_entries",
        limit_choices_to={"kind": Organisation.Kind.INSTITUTION},
    )
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    price_note = models.CharField(_("价格说明"), max_length=256, blank=True)
    is_active = models.BooleanField(_("在售"), default=True)

    class Meta:
        ordering = ["institution_id", "category_id"]
        verbose_name = _("机构服务目录")
        verbose_name_plural = _("机构服务目录")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "category"], name="institution_service_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.category}"


class EvidenceKind(models.TextChoices):
    CONTRACT = "contract", _("合同或委托单")
    INVOICE = "invoice", _("发票")
    PAYMENT_PROOF = "payment_proof", _("企业自付部分付款凭证")
    REPORT = "report", _("服务报告或成果")


# Under 通用 (payee = enterprise) the enterprise paid the whole fee and is reimbursed, so the
# payment proof is of the full payment, not of an own share.
FULL_PAYMENT_PROOF_LABEL = _("企业支付全部服务费用的凭证")
ENTERPRISE_PAYEE = "enterprise"  # Program.PayeeMode.ENTERPRISE (program.py imports this module)


def evidence_kind_label(kind: str, *, payee_mode: str) -> str:
    """What a kind of evidence is called under the program's payee mode."""
    if kind == EvidenceKind.PAYMENT_PROOF and payee_mode == ENTERPRISE_PAYEE:
        return str(FULL_PAYMENT_PROOF_LABEL)
    return str(EvidenceKind(kind).label) if kind in EvidenceKind.values else kind


def evidence_kind_choices(*, payee_mode: str) -> list[tuple[str, str]]:
    return [
        (kind, evidence_kind_label(kind, payee_mode=payee_mode)) for kind in EvidenceKind.values
    ]


def all_evidence_kinds() -> list[str]:
    return list(EvidenceKind.values)
