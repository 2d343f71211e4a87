"""The unified social credit code (统一社会信用代码, GB 32100-2015): validation and location."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import NoReturn

from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from accounts.errors import InvalidCreditCode
from accounts.models import City, HistoricalDivision, Region


@dataclass(frozen=True)
class LocatedCreditCode:
    """Where a credit code places an organisation. `city` is None when the code does not tell
    (a provincial authority, a division split between cities): the reviewer sets it."""

    code: str
    region: Region
    city: City | None


# Invisible characters a code pasted from a web page or a PDF may carry; never silently dropped.
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")
# Successor chains are short (南汇县 → 南汇区 → 浦东新区); the bound stops an edited cycle.
_MAX_SUCCESSOR_STEPS = 8


def normalise_credit_code(raw: str) -> str:
    """Full-width characters become ASCII, spaces and dashes go, letters become upper case."""
    folded = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in folded if not ch.isspace() and ch != "-").upper()


def hidden_characters(raw: str) -> list[str]:
    """The invisible format and control characters of `raw` (spaces and line breaks are not)."""
    return [
        ch for ch in unicodedata.normalize("NFKC", raw or "")
        if unicodedata.category(ch) in _HIDDEN_CATEGORIES and not ch.isspace()
    ]


def locate_credit_code(raw: str) -> LocatedCreditCode:
    """Validate a credit code's structure and place it in its region and, if known, its city.

    A structurally valid code (length, alphabet, check character) of 31–34 always registers:
    the division (characters 3–8) is the registration authority's when the code was issued,
    so it is read as history, not as today's map (accounts.credit_codes.city_for_division).
    Raises InvalidCreditCode whose `extra["reason"]` says which check failed:
    hidden_characters, length, format, checksum or outside_regions.
    """
    code = validate_credit_code(raw)
    division = code[2:8]
    region = Region.objects.filter(code=division[:2]).first()
    if region is None:
        _refuse(
            code,
            "outside_regions",
            _("登记管理机关行政区划码%(division)s不属于上海、江苏、浙江、安徽四省市")
            % {"division": division},
        )
    return LocatedCreditCode(code=code, region=region, city=city_for_division(division, region))


def validate_credit_code(raw: str) -> str:
    """The normalised code, or InvalidCreditCode naming the failed check (GB 32100-2015)."""
    hidden = hidden_characters(raw)
    if hidden:
        names = "、".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in hidden))
        raise InvalidCreditCode(
            _("统一社会信用代码中发现%(count)d个不可见字符（%(names)s），请删除后重新输入")
            % {"count": len(hidden), "names": names},
            extra={"field": "credit_code", "reason": "hidden_characters", "characters": names},
        )
    code = normalise_credit_code(raw)
    try:
        uscc.validate(code)
    except InvalidLength:
        _refuse(code, "length", _("统一社会信用代码应为18位，当前为%(length)d位")
                % {"length": len(code)})
    except InvalidChecksum:
        _refuse(code, "checksum", _("统一社会信用代码校验位不正确，请核对最后一位"))
    except ValidationError:  # InvalidFormat: characters out of the alphabet
        _refuse(
            code,
            "format",
            _("统一社会信用代码含有不允许的字符（只能是数字和除I、O、S、V、Z外的大写字母）"),
        )
    return code


def city_for_division(division: str, region: Region) -> City | None:
    """Today's city for a registration authority's division, or None if it cannot be told.

    In order: the only city of a province-level municipality (上海市); an abolished division's
    successor (卢湾区 → 黄浦区, 寿县 → 淮南市); today's city of the 4-digit prefix; the
    successor of an abolished prefecture (巢湖地区). A provincial authority (xx0000), a
    prefecture split between cities (巢湖市 341400) or an unknown prefix tells no city.
    """
    cities = list(City.objects.filter(region=region)[:2])
    if len(cities) == 1:
        return cities[0]
    successor = _successor_of(division)
    if successor is not None:
        return _city_of_current(successor) if successor else None
    city = _city_of_current(division)
    if city is None:
        prefecture_successor = _successor_of(f"{division[:4]}00")
        if prefecture_successor:
            city = _city_of_current(prefecture_successor)
    return city


def _successor_of(division: str) -> str | None:
    """The current successor code ("" if none), or None when `division` is not historical."""
    successor = None
    for _step in range(_MAX_SUCCESSOR_STEPS):
        found = HistoricalDivision.objects.filter(code=division).values_list(
            "successor_code", flat=True
        ).first()
        if found is None:
            return successor
        if not found:
            return ""
        successor = division = found
    return ""


def _city_of_current(division: str) -> City | None:
    if division.endswith("0000"):
        return None
    return City.objects.filter(code=f"{division[:4]}00").first()


def _refuse(code: str, reason: str, message: str) -> NoReturn:
    raise InvalidCreditCode(
        message, extra={"field": "credit_code", "reason": reason, "credit_code": code}
    )


_ORGANISATION_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def compose_credit_code(*, division: str, serial: int, authority_and_type: str = "91") -> str:
    """A valid code for `division` whose organisation part encodes `serial` (demo, simulation)."""
    body = ""
    for _position in range(9):
        serial, digit = divmod(serial, len(_ORGANISATION_CODE_ALPHABET))
        body = _ORGANISATION_CODE_ALPHABET[digit] + body
    stem = f"{authority_and_type}{division}{body}"
    return stem + uscc.calc_check_digit(stem)
