"""The one amount rule (accounts/amounts.py): yuan as people type it, fen as the API sends it,
one maximum and one set of refusal codes for both; the form field and the API field agree."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.amounts import MAX_AMOUNT_FEN, InvalidAmount, fen_check, yuan_to_fen
from vouchers.api.common import fen_field
from vouchers.forms.fields import YuanField


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1,234.50", 123_450),
        ("１２３４", 123_400),  # full-width digits
        ("１２３４．５", 123_450),  # full-width decimal point
        ("１，２３４．５０", 123_450),  # full-width comma
        ("¥1200", 120_000),
        ("￥1200", 120_000),  # full-width yuan sign
        ("￥ 1 200 元", 120_000),
        ("1200元", 120_000),
        (" 12 元", 1_200),
        ("\u3000８８\u3000", 8_800),  # ideographic spaces around
        ("0.01", 1),
        (".5", 50),
        ("12.", 1_200),
        ("12.3400", 1_234),  # trailing zeros are not sub-fen precision
        ("1,000,000,000.00", 100_000_000_000),  # the maximum itself
        ("999,999,999.99", 99_999_999_999),
    ],
)
def test_yuan_as_people_type_it(typed, fen):
    assert yuan_to_fen(typed) == fen


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("", "amount_required", "请填写金额"),
        ("   ", "amount_required", "请填写金额"),
        (None, "amount_required", "请填写金额"),
        ("abc", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),
        ("¥", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),
        ("12元5角", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),
        ("1.234,50", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),
        ("12。5", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),
        ("+12", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),
        ("٣٤", "amount_invalid", "请输入以元为单位的金额，例如 12345.60"),  # Arabic-Indic
        ("1e3", "amount_exponent", "金额不能使用科学计数法（如 1e3），请写出完整的数字"),
        ("1E3", "amount_exponent", "金额不能使用科学计数法（如 1e3），请写出完整的数字"),
        ("¥2.5e-2元", "amount_exponent", "金额不能使用科学计数法（如 1e3），请写出完整的数字"),
        ("１ｅ３", "amount_exponent", "金额不能使用科学计数法（如 1e3），请写出完整的数字"),
        ("Infinity", "amount_not_finite", "金额必须是具体的数字，不能是无穷大或 NaN"),
        ("-inf", "amount_not_finite", "金额必须是具体的数字，不能是无穷大或 NaN"),
        ("NaN", "amount_not_finite", "金额必须是具体的数字，不能是无穷大或 NaN"),
        ("∞", "amount_not_finite", "金额必须是具体的数字，不能是无穷大或 NaN"),
        ("1,5", "amount_grouping", "千位分隔符应每三位一个，例如 1,234,567.89；小数点请用“.”"),
        ("12,34.00", "amount_grouping",
         "千位分隔符应每三位一个，例如 1,234,567.89；小数点请用“.”"),
        ("12.345", "amount_sub_fen", "金额最多保留两位小数（精确到分）"),
        ("0.001", "amount_sub_fen", "金额最多保留两位小数（精确到分）"),
        ("0", "amount_not_positive", "金额必须大于0"),
        ("0.00", "amount_not_positive", "金额必须大于0"),
        ("-5", "amount_not_positive", "金额必须大于0"),
        ("1,000,000,000.01", "amount_too_large", "金额不能超过1,000,000,000.00元"),
        ("10000000000000000", "amount_too_large", "金额不能超过1,000,000,000.00元"),
        ("9" * 5000, "amount_too_large", "金额不能超过1,000,000,000.00元"),
    ],
)
def test_yuan_refusals_name_the_problem(typed, code, message):
    with pytest.raises(InvalidAmount) as info:
        yuan_to_fen(typed)
    assert (info.value.code, str(info.value.message)) == (code, message)
    assert info.value.extra == {"maximum_fen": 100_000_000_000}


@pytest.mark.parametrize(
    ("code", "typed", "english"),
    [
        ("amount_exponent", "1e3",
         "Write the amount out in full: exponent notation such as 1e3 is not accepted"),
        ("amount_sub_fen", "12.345", "At most two decimals (to the fen)"),
        ("amount_too_large", "2000000000", "The amount cannot exceed 1,000,000,000.00 yuan"),
        ("amount_grouping", "1,5", "Group thousands by three, e.g. 1,234,567.89, and use “.” "
                                   "for decimals"),
    ],
)
def test_refusals_speak_english_in_the_english_ui(code, typed, english):
    with pytest.raises(InvalidAmount) as info:
        yuan_to_fen(typed)
    with translation.override("en"):
        assert (info.value.code, str(info.value.message)) == (code, english)


@pytest.mark.parametrize(
    ("sent", "fen"),
    [
        (1, 1),
        (123_450, 123_450),
        (MAX_AMOUNT_FEN, 100_000_000_000),
        ("123450", 123_450),  # form-encoded API requests send strings
        ("１２３４", 1_234),  # full-width digits read as digits, as on the web
        (" 42 ", 42),
    ],
)
def test_fen_as_the_api_sends_it(sent, fen):
    assert fen_check(sent) == fen


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        (0, "amount_not_positive"),
        (-1, "amount_not_positive"),
        ("-5", "amount_not_positive"),
        (100_000_000_001, "amount_too_large"),
        (2**63, "amount_too_large"),
        ("9" * 5000, "amount_too_large"),
        (12.5, "amount_sub_fen"),
        ("12.5", "amount_sub_fen"),
        (1000.0, "amount_not_integer_fen"),  # also what JSON's 1e3 parses to
        ("12.00", "amount_not_integer_fen"),
        ("¥1200", "amount_not_integer_fen"),  # yuan in a fen field: refused, not rescaled
        ("1,234", "amount_not_integer_fen"),
        ("abc", "amount_not_integer_fen"),
        (True, "amount_not_integer_fen"),
        (None, "amount_not_integer_fen"),
        ([100], "amount_not_integer_fen"),
        ("1e3", "amount_exponent"),
        (float("inf"), "amount_not_finite"),
        (float("nan"), "amount_not_finite"),
        ("NaN", "amount_not_finite"),
        ("", "amount_required"),
    ],
)
def test_fen_refusals(sent, code):
    with pytest.raises(InvalidAmount) as info:
        fen_check(sent)
    assert info.value.code == code


def test_a_service_names_the_field_of_a_refused_amount():
    with pytest.raises(InvalidAmount) as info:
        fen_check(0, field="total_fee_fen")
    assert info.value.extra == {"maximum_fen": 100_000_000_000, "field": "total_fee_fen"}
    assert str(info.value.message) == "金额必须大于0"


def _form_code(typed: str) -> str | None:
    from django.core.exceptions import ValidationError

    try:
        YuanField().clean(typed)
    except ValidationError as error:
        return error.code
    return None


def _api_code(sent) -> str | None:
    from rest_framework.exceptions import ValidationError

    try:
        fen_field().run_validation(sent)
    except ValidationError as error:
        return error.get_codes()[0]
    return None


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("0", 0),
        ("-5", -5),
        ("1e3", "1e3"),
        ("1000000000.01", 100_000_000_001),
        ("12.345", 12.5),
        ("NaN", float("nan")),
        ("", ""),
    ],
)
def test_the_web_field_and_the_api_field_refuse_alike(typed, sent):
    assert _form_code(typed) == _api_code(sent)
    assert _form_code(typed) is not None


def test_the_web_field_and_the_api_field_share_the_maximum():
    assert YuanField().clean("1,000,000,000.00") == fen_field().run_validation(MAX_AMOUNT_FEN)
    assert _form_code("1,000,000,000.01") == _api_code(MAX_AMOUNT_FEN + 1) == "amount_too_large"
