"""The two invoice shapes and what a person may type for them (vouchers.invoices)."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.errors import InvalidInput
from vouchers.invoices import Invoice, InvoiceKind, invoice_key, invoice_kind, invoice_parse


@pytest.mark.parametrize(
    ("code", "number", "expected"),
    [
        # 数电票: 20 digits, no code
        ("", "24312000000012345678", Invoice("", "24312000000012345678")),
        ("", " 2431 2000 0000 1234 5678 ", Invoice("", "24312000000012345678")),
        ("", "２４３１２０００００００１２３４５６７８", Invoice("", "24312000000012345678")),
        ("", "2431-2000-0000-1234-5678", Invoice("", "24312000000012345678")),
        ("  ", "24312000000012345678\u200b", Invoice("", "24312000000012345678")),
        # older VAT invoices: 10- or 12-digit code + 8-digit number
        ("3100231130", "12345678", Invoice("3100231130", "12345678")),
        ("３１００２３１１３０", "１２３４ ５６７８", Invoice("3100231130", "12345678")),
        ("031002300111", "00001234", Invoice("031002300111", "00001234")),
        ("0310-0230-0111", " 0000 1234", Invoice("031002300111", "00001234")),
    ],
)
def test_both_shapes_are_accepted_and_folded(code, number, expected):
    assert invoice_parse(code=code, number=number) == expected


def test_the_key_is_the_code_and_number_or_the_digital_number():
    assert invoice_parse(code="3100231130", number="12345678").key == "3100231130:12345678"
    assert invoice_parse(code="", number="24312000000012345678").key == "24312000000012345678"
    # the same 8-digit number under another code is another invoice
    assert invoice_key("3200231130", "12345678") != invoice_key("3100231130", "12345678")
    # older rows keep their folded value as the key, as before
    assert invoice_key("", "fp-0001") == "FP0001"


@pytest.mark.parametrize(
    ("code", "number", "error_code", "field", "message"),
    [
        ("", "", "invoice_number_required", "invoice_number", "请填写发票号码"),
        ("", " \u200b ", "invoice_number_required", "invoice_number", "请填写发票号码"),
        ("", "FP-0001", "invoice_number_not_digits", "invoice_number", "发票号码只能由数字组成"),
        ("", "1234567８a", "invoice_number_not_digits", "invoice_number",
         "发票号码只能由数字组成"),
        ("", "١٢٣٤٥٦٧٨", "invoice_number_not_digits", "invoice_number",
         "发票号码只能由数字组成"),
        ("31002311AB", "12345678", "invoice_code_not_digits", "invoice_code",
         "发票代码只能由数字组成"),
        ("3100231130", "24312000000012345678", "invoice_code_not_expected", "invoice_code",
         "20位号码是数电票，数电票没有发票代码，请清空发票代码"),
        ("", "12345678", "invoice_code_required", "invoice_code",
         "8位发票号码须同时填写10位或12位发票代码"),
        ("310023113", "12345678", "invoice_code_length", "invoice_code",
         "发票代码应为10位或12位数字，当前为9位"),
        ("31002311301", "12345678", "invoice_code_length", "invoice_code",
         "发票代码应为10位或12位数字，当前为11位"),
        ("3100231130", "1234567", "invoice_number_length", "invoice_number",
         "发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），当前为7位"),
        ("", "2431200000001234567", "invoice_number_length", "invoice_number",
         "发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），当前为19位"),
        ("", "243120000000123456789", "invoice_number_length", "invoice_number",
         "发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），当前为21位"),
    ],
)
def test_other_shapes_are_refused_with_a_precise_message(code, number, error_code, field,
                                                         message):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as info:
        invoice_parse(code=code, number=number)
    assert (info.value.code, info.value.extra["field"], str(info.value.message)) == (
        error_code, field, message
    )


def test_the_refusals_speak_english_in_the_english_ui():
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        invoice_parse(code="", number="1234567")
    assert str(info.value.message) == (
        "The invoice number must have 20 digits (fully digital invoice) or 8 digits "
        "(with a 10- or 12-digit invoice code); it has 7."
    )
    assert info.value.extra == {"field": "invoice_number", "digits": 7}


def test_the_kind_of_a_stored_invoice():
    assert invoice_kind("", "24312000000012345678") == InvoiceKind.DIGITAL
    assert invoice_kind("3100231130", "12345678") == InvoiceKind.VAT
    assert invoice_kind("", "FP-0001") == InvoiceKind.LEGACY
