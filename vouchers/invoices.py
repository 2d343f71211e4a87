"""Invoice identity: a fully digital invoice (数电票) or an older VAT invoice (code + number).

A 数电票 is identified by its 20-digit number alone. An older VAT invoice is identified by its
10- or 12-digit invoice code (发票代码) together with its 8-digit number (发票号码): the number
alone repeats across codes, so two invoices with one number and two codes are two invoices.
What a person types is folded first (NFKC, so full-width digits become ASCII; spaces, dashes
and invisible characters dropped), so the same invoice typed twice is one invoice.

Plain domain code: no forms, no DRF. The web form and the delivery service both call
`invoice_parse`, so the two paths refuse the same shapes with the same messages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NoReturn

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.errors import InvalidInput

DIGITAL_NUMBER_LENGTH = 20
VAT_NUMBER_LENGTH = 8
VAT_CODE_LENGTHS = (10, 12)
_DIGITS = re.compile(r"[0-9]*")


class InvoiceKind(models.TextChoices):
    DIGITAL = "digital", _("数电票")
    VAT = "vat", _("增值税发票（发票代码+发票号码）")
    # Deliveries logged before the shapes were checked keep what was typed then.
    LEGACY = "legacy", _("旧记录（未校验格式）")


@dataclass(frozen=True)
class Invoice:
    code: str
    number: str

    @property
    def key(self) -> str:
        return invoice_key(self.code, self.number)


class InvoiceDisplay:
    """Read-only helpers for a record with `invoice_code` and `invoice_number` fields."""

    invoice_code: str
    invoice_number: str

    @property
    def invoice_kind(self) -> str:
        return invoice_kind(self.invoice_code, self.invoice_number)

    @property
    def invoice_kind_label(self) -> str:
        return str(InvoiceKind(self.invoice_kind).label)

    @property
    def invoice_label(self) -> str:
        """Both parts in one string for memos: "<code>-<number>", or the 数电票's number."""
        if self.invoice_code:
            return f"{self.invoice_code}-{self.invoice_number}"
        return self.invoice_number


def fold(raw: str) -> str:
    """Width, case, spaces, dashes and invisible characters do not make another invoice (nor
    another contract: order placement folds contract numbers the same way)."""
    folded = unicodedata.normalize("NFKC", raw or "")
    return "".join(
        ch for ch in folded
        if not ch.isspace() and ch not in "-_/" and unicodedata.category(ch)[0] != "C"
    ).upper()


def invoice_key(code: str, number: str) -> str:
    """The identity the database keeps unique: "<code>:<number>", or the 数电票's number."""
    code, number = fold(code), fold(number)
    return f"{code}:{number}" if code else number


def invoice_kind(code: str, number: str) -> str:
    if code:
        return InvoiceKind.VAT
    if len(number) == DIGITAL_NUMBER_LENGTH and number.isascii() and number.isdigit():
        return InvoiceKind.DIGITAL
    return InvoiceKind.LEGACY


def invoice_parse(*, code: str, number: str) -> Invoice:
    """The folded invoice, or InvalidInput naming the field and what is wrong with it."""
    code, number = fold(code), fold(number)
    if not number:
        _refuse("invoice_number_required", "invoice_number", _("请填写发票号码"))
    if not _DIGITS.fullmatch(number):
        _refuse("invoice_number_not_digits", "invoice_number", _("发票号码只能由数字组成"))
    if code and not _DIGITS.fullmatch(code):
        _refuse("invoice_code_not_digits", "invoice_code", _("发票代码只能由数字组成"))
    if len(number) == DIGITAL_NUMBER_LENGTH:
        if code:
            _refuse("invoice_code_not_expected", "invoice_code",
                    _("20位号码是数电票，数电票没有发票代码，请清空发票代码"))
        return Invoice(code="", number=number)
    if len(number) != VAT_NUMBER_LENGTH:
        _refuse("invoice_number_length", "invoice_number",
                _("发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），"
                  "当前为%(count)d位") % {"count": len(number)}, digits=len(number))
    if not code:
        _refuse("invoice_code_required", "invoice_code",
                _("8位发票号码须同时填写10位或12位发票代码"))
    if len(code) not in VAT_CODE_LENGTHS:
        _refuse("invoice_code_length", "invoice_code",
                _("发票代码应为10位或12位数字，当前为%(count)d位") % {"count": len(code)},
                digits=len(code))
    return Invoice(code=code, number=number)


def _refuse(code: str, field: str, message: str | Promise, **extra: int) -> NoReturn:
    raise InvalidInput(message, code=code, extra={"field": field, **extra})
