"""One rule for an amount of money, shared by every web form, the API and the file imports.

People type yuan ("1,234.50", "１２３４．５", "¥1200", "￥ 1 200 元"); the API sends integer
fen. Both end here, so a page and an API client get the same maximum and the same refusals,
each with a stable code (`InvalidAmount.code`) and a message in the active language.
The form field (vouchers/forms/fields.py) and the API field (vouchers/api/common.py) only
translate an `InvalidAmount` into their own error type.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.errors import InvalidInput

# One billion yuan (10¹¹ fen): above any province's yearly voucher budget, so no real budget,
# cap, claim, fee or payment is refused, while fee × ratio in basis points (≤ 10¹⁵) and every
# sum a report makes stay far inside 64 bits. Orders above LARGE_FEE_THRESHOLD_FEN (settings)
# also need a written justification (vouchers.services.orders).
MAX_AMOUNT_FEN: Final = 100_000_000_000
MAX_AMOUNT_YUAN_TEXT: Final = "1,000,000,000.00"
FEN_PER_YUAN: Final = 100

# After NFKC (full-width digits, "．", "，" and "￥" become ASCII) and without spaces: an
# optional sign, an optional ¥, digits with commas every three, decimals, an optional 元.
_YUAN = re.compile(r"^(?P<sign>-?)¥?(?P<number>[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)元?$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})*$")
_EXPONENT = re.compile(r"^[-+]?¥?(?:[0-9][0-9.,]*|\.[0-9]+)[eE][-+]?[0-9]+元?$")
_NOT_FINITE = re.compile(r"^[-+]?(?:inf|infinity|nan|snan|∞)$", re.IGNORECASE)
_FEN = re.compile(r"^[0-9]+$")
_MAX_DIGITS = len(str(MAX_AMOUNT_FEN))

MESSAGES = {
    "amount_required": _("请填写金额"),
    "amount_invalid": _("请输入以元为单位的金额，例如 12345.60"),
    "amount_not_finite": _("金额必须是具体的数字，不能是无穷大或 NaN"),
    "amount_grouping": _("千位分隔符应每三位一个，例如 1,234,567.89；小数点请用“.”"),
    "amount_exponent": _("金额不能使用科学计数法（如 1e3），请写出完整的数字"),
    "amount_sub_fen": _("金额最多保留两位小数（精确到分）"),
    "amount_not_positive": _("金额必须大于0"),
    "amount_too_large": format_lazy(_("金额不能超过{maximum}元"), maximum=MAX_AMOUNT_YUAN_TEXT),
    "amount_not_integer_fen": _("金额以分为单位，须为整数，例如 123450 表示 1,234.50 元"),
}


class InvalidAmount(InvalidInput):
    """An amount refused by the one rule; `code` is one of MESSAGES' keys."""

    code = "amount_invalid"

    def __init__(self, code: str, *, field: str | None = None) -> None:
        extra = {"maximum_fen": MAX_AMOUNT_FEN, **({"field": field} if field else {})}
        super().__init__(MESSAGES[code], code=code, extra=extra)


def yuan_to_fen(text: str | None) -> int:
    """An amount a person typed in yuan, as integer fen (1 ≤ fen ≤ MAX_AMOUNT_FEN).

    Accepts full-width characters, ¥ / ￥ before and 元 after, spaces anywhere and commas
    between groups of three digits. Refuses (InvalidAmount): empty, not a number, infinity
    or NaN, misplaced commas, exponent notation, more precision than the fen, zero or less,
    more than the maximum.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    compact = "".join(character for character in folded if not character.isspace())
    if not compact:
        raise InvalidAmount("amount_required")
    match = _YUAN.match(compact)
    if match is None:
        raise InvalidAmount(_unreadable_code(compact))
    number = match["number"]
    whole = number.split(".", 1)[0]
    if "," in whole and not _GROUPED.match(whole):
        raise InvalidAmount("amount_grouping")
    yuan = Decimal(number.replace(",", ""))
    return _checked(yuan * FEN_PER_YUAN, negative=match["sign"] == "-")


def fen_check(value: object, *, field: str | None = None) -> int:
    """An amount in fen as an API client sends it: a JSON integer, or a string of digits
    (form-encoded requests; full-width digits are read as digits), 1 ≤ fen ≤ MAX_AMOUNT_FEN.

    Fen are whole: a float (even 1000.0, which is also what JSON's 1e3 becomes), a decimal
    point, a currency sign or 元 is refused, never rounded or rescaled. Services call it on
    the fen they are given, naming the `field` a refusal is shown next to.
    """
    try:
        return _fen(value)
    except InvalidAmount as error:
        if field is None:
            raise
        raise InvalidAmount(error.code, field=field) from None


def _fen(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidAmount("amount_not_integer_fen")
    if isinstance(value, float):
        return _float_fen(value)
    if isinstance(value, str):
        return _text_fen(value)
    return _checked(Decimal(value), negative=False)


def _unreadable_code(compact: str) -> str:
    if _EXPONENT.match(compact):
        return "amount_exponent"
    if _NOT_FINITE.match(compact.strip("¥元")):
        return "amount_not_finite"
    return "amount_invalid"


def _float_fen(value: float) -> int:
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidAmount("amount_not_finite")
    if not value.is_integer():
        raise InvalidAmount("amount_sub_fen")
    raise InvalidAmount("amount_not_integer_fen")


def _text_fen(value: str) -> int:
    folded = unicodedata.normalize("NFKC", value)
    compact = "".join(character for character in folded if not character.isspace())
    if not compact:
        raise InvalidAmount("amount_required")
    negative = compact.startswith("-")
    digits = compact.removeprefix("-")
    if not _FEN.match(digits):
        raise InvalidAmount(_unreadable_fen_code(compact))
    if len(digits.lstrip("0")) > _MAX_DIGITS:  # int() of thousands of digits is slow
        raise InvalidAmount("amount_too_large")
    return _checked(Decimal(digits), negative=negative)


def _unreadable_fen_code(compact: str) -> str:
    if _EXPONENT.match(compact):
        return "amount_exponent"
    if _NOT_FINITE.match(compact):
        return "amount_not_finite"
    try:
        fraction = Decimal(compact) % 1
    except InvalidOperation:
        return "amount_not_integer_fen"
    return "amount_sub_fen" if fraction else "amount_not_integer_fen"


def _checked(fen: Decimal, *, negative: bool) -> int:
    if fen != fen.to_integral_value():
        raise InvalidAmount("amount_sub_fen")
    if negative or fen <= 0:
        raise InvalidAmount("amount_not_positive")
    if fen > MAX_AMOUNT_FEN:
        raise InvalidAmount("amount_too_large")
    return int(fen)
