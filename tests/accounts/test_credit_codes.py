"""Credit-code validation and the region and city it places an organisation in."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from accounts.credit_codes import compose_credit_code, locate_credit_code, normalise_credit_code
from accounts.errors import InvalidCreditCode


@pytest.mark.parametrize(
    ("division", "region", "city"),
    [
        ("310115", "上海市", "上海市"),
        ("320506", "江苏省", "苏州市"),
        ("330106", "浙江省", "杭州市"),
        ("340104", "安徽省", "合肥市"),
        ("320100", "江苏省", "南京市"),
    ],
)
def test_valid_code_of_each_region_is_located_by_its_division(db, division, region, city):
    code = compose_credit_code(division=division, serial=4242)

    located = locate_credit_code(code)

    assert located.code == code
    assert located.region.name == region
    assert located.city.name == city


def test_published_style_code_validates_with_stdnum(db):
    code = compose_credit_code(division="310104", serial=1)
    assert uscc.is_valid(code)
    assert code[2:8] == "310104"


def test_lowercase_and_full_width_characters_are_normalised(db):
    code = compose_credit_code(division="320506", serial=77)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code.lower())

    assert normalise_credit_code(f" {full_width} ") == code
    assert locate_credit_code(code.lower()).code == code


def _reason(raw: str) -> tuple[str, str]:
    with pytest.raises(InvalidCreditCode) as caught:
        locate_credit_code(raw)
    return caught.value.extra["reason"], caught.value.message


def test_wrong_length_is_refused_saying_so(db):
    reason, message = _reason("91320506MA1")
    assert reason == "length"
    assert "18位" in message


def test_bad_check_character_is_refused_saying_so(db):
    code = compose_credit_code(division="320506", serial=5)
    wrong_check = "0" if code[-1] != "0" else "1"
    reason, message = _reason(code[:-1] + wrong_check)
    assert reason == "checksum"
    assert "校验位" in message


def test_letter_outside_the_alphabet_is_refused_as_format(db):
    code = compose_credit_code(division="320506", serial=5)
    reason, message = _reason(code[:8] + "I" + code[9:])
    assert reason == "format"
    assert "不允许的字符" in message


def test_division_outside_the_four_regions_is_refused(db):
    reason, message = _reason(compose_credit_code(division="110105", serial=9))
    assert reason == "outside_regions"
    assert "110105" in message


def test_unknown_city_in_a_known_region_is_refused(db):
    reason, message = _reason(compose_credit_code(division="329901", serial=9))
    assert reason == "unknown_division"
    assert "329901" in message


def test_unlisted_shanghai_district_is_refused(db):
    reason, _ = _reason(compose_credit_code(division="310199", serial=9))
    assert reason == "unknown_division"
