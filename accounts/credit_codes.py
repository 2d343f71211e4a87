"""The unified social credit code (统一社会信用代码, GB 32100-2015): validation and location."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength

from accounts.errors import InvalidCreditCode
from accounts.models import City, District, Region


@dataclass(frozen=True)
class LocatedCreditCode:
    code: str
    region: Region
    city: City


def normalise_credit_code(raw: str) -> str:
    """Full-width characters become ASCII, spaces and dashes go, letters become upper case."""
    folded = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in folded if not ch.isspace() and ch != "-").upper()


def locate_credit_code(raw: str) -> LocatedCreditCode:
    """Validate a credit code and find its region and city from characters 3–8.

    Raises InvalidCreditCode whose `extra["reason"]` says which check failed:
    length, format, checksum, unknown_division or outside_regions.
    """
    code = normalise_credit_code(raw)
    try:
        uscc.validate(code)
    except InvalidLength:
        _refuse(code, "length", f"统一社会信用代码应为18位，当前为{len(code)}位")
    except InvalidChecksum:
        _refuse(code, "checksum", "统一社会信用代码校验位不正确，请核对最后一位")
    except Exception:  # stdnum's InvalidFormat and friends: characters out of the alphabet
        _refuse(
            code,
            "format",
            "统一社会信用代码含有不允许的字符（只能是数字和除I、O、S、V、Z外的大写字母）",
        )
    return LocatedCreditCode(code=code, **_locate_division(code, code[2:8]))


def _locate_division(code: str, division: str) -> dict:
    region = Region.objects.filter(code=division[:2]).first()
    if region is None:
        _refuse(
            code,
            "outside_regions",
            f"登记管理机关行政区划码{division}不属于上海、江苏、浙江、安徽四省市",
        )
    city = City.objects.filter(code=f"{division[:4]}00").first()
    if city is None:
        _refuse(code, "unknown_division", f"登记管理机关行政区划码{division}不是已知的行政区划")
    districts = District.objects.filter(city=city)
    if division[4:] != "00" and districts.exists() and not districts.filter(code=division).exists():
        _refuse(code, "unknown_division", f"登记管理机关行政区划码{division}不是已知的区县")
    return {"region": region, "city": city}


def _refuse(code: str, reason: str, message: str) -> None:
    raise InvalidCreditCode(
        message, extra={"field": "credit_code", "reason": reason, "credit_code": code}
    )


_ORGANISATION_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def compose_credit_code(*, division: str, serial: int, authority_and_type: str = "91") -> str:
    """A valid code for `division` whose organisation part encodes `serial` (demo, simulation)."""
    body = ""
    for _ in range(9):
        serial, digit = divmod(serial, len(_ORGANISATION_CODE_ALPHABET))
        body = _ORGANISATION_CODE_ALPHABET[digit] + body
    stem = f"{authority_and_type}{division}{body}"
    return stem + uscc.calc_check_digit(stem)
