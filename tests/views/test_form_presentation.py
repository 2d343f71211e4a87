"""How the forms present choices, dates and files, and how dates and places read per language."""

from __future__ import annotations

import inspect
from datetime import date

import pytest
from django import forms
from django.utils import translation
from django.utils.formats import date_format

import accounts.forms
import accounts.message_views
import reporting.forms
import vouchers.forms
from accounts.forms import ReviewForm
from accounts.models import City, District, Organisation, Region
from accounts.portal_forms import PortalFormMixin
from reporting.forms import ReconciliationForm, TreasuryImportForm
from tests.views.conftest import issue
from vouchers import selectors
from vouchers.forms import OrderForm
from vouchers.forms.enterprise import voucher_choice_label
from vouchers.models import ServiceCategory


def page_forms():
    for module in (accounts.forms, accounts.message_views, vouchers.forms, reporting.forms):
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__.split(".")[0] in {
                "accounts", "vouchers", "reporting"
            }:
                yield value


def test_every_form_of_the_pages_has_the_portal_presentation():
    plain = [form.__name__ for form in page_forms()
             if not issubclass(form, PortalFormMixin) and form.__name__ != "AdminLoginForm"]

    assert len(list(page_forms())) >= 30
    assert plain == []


@pytest.mark.django_db
def test_a_select_starts_with_choose_in_the_page_language_and_the_prompt_is_no_answer():
    with translation.override("zh-hans"):
        html = str(ReconciliationForm()["region"])
    with translation.override("en"):
        english = str(ReconciliationForm()["region"])
    form = ReviewForm(data={"decision": "", "reason": ""})

    assert '<option value="" selected>请选择…</option>' in html
    assert "---------" not in html
    assert '<option value="" selected>Choose…</option>' in english
    with translation.override("zh-hans"):
        assert '<option value="" selected>请选择…</option>' in str(form["decision"])
    assert not form.is_valid()
    assert "decision" in form.errors


def test_a_nullable_boolean_asks_to_choose():
    class Filter(accounts.forms.PortalForm):
        paid = forms.NullBooleanField(required=False)

    with translation.override("zh-hans"):
        html = str(Filter()["paid"])

    assert '<option value="unknown" selected>请选择…</option>' in html
    assert '<option value="true">是</option>' in html


@pytest.mark.django_db
def test_dates_are_date_pickers():
    form = ReconciliationForm(data={"date_from": "2026-12-01", "date_to": "2026-12-31"})

    assert 'type="date"' in str(form["date_from"])
    assert 'type="date"' in str(form["date_to"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_from"] == date(2026, 12, 1)


def test_an_upload_shows_a_translated_button_and_the_file_name_script():
    with translation.override("zh-hans"):
        chinese = str(TreasuryImportForm()["file"])
    with translation.override("en"):
        english = str(TreasuryImportForm()["file"])

    assert 'type="file"' in chinese
    assert 'class="visually-hidden"' in chinese
    assert chinese.startswith('<label class="file-choice">')
    assert "选择文件" in chinese
    assert "未选择文件" in chinese
    assert "Choose file" in english
    assert "No file chosen" in english
    assert "js/file-choice.js" in chinese


@pytest.mark.django_db
def test_the_order_form_offers_each_voucher_with_its_balance_and_use_by_in_one_query(
    world, django_assert_num_queries
):
    first = issue(world, amount_fen=100_000_00)
    second = issue(world, amount_fen=20_000_00)
    enterprise = world.enterprise.organisation

    with django_assert_num_queries(1), translation.override("zh-hans"):
        labels = [voucher_choice_label(v)
                  for v in selectors.vouchers_to_order_with(enterprise=enterprise)]
    day = date_format(first.expires_at.astimezone(), "DATE_FORMAT")
    with translation.override("en"):
        english = voucher_choice_label(selectors.vouchers_to_order_with(
            enterprise=enterprise).get(pk=second.pk))
        program_in_english = str(second.program)

    assert sorted(labels) == sorted([
        f"{first.code}（{first.program}）· 可用 ¥100,000.00 · {day} 前使用",
        f"{second.code}（{second.program}）· 可用 ¥20,000.00 · {day} 前使用",
    ])
    assert english.startswith(
        f"{second.code} ({program_in_english}) · ¥20,000.00 available · use by ")
    assert "Jiangsu" in program_in_english
    form = OrderForm(vouchers=selectors.vouchers_to_order_with(enterprise=enterprise),
                     categories=ServiceCategory.objects.all())
    assert "可用 ¥100,000.00" in str(form["voucher"])


def test_dates_read_in_the_page_language():
    day = date(2026, 12, 1)

    with translation.override("zh-hans"):
        assert date_format(day, "DATE_FORMAT") == "2026年12月1日"
    with translation.override("en"):
        assert date_format(day, "DATE_FORMAT") == "1 Dec 2026"


@pytest.mark.django_db
def test_places_and_authorities_read_in_the_page_language():
    jiangsu = Region.objects.get(short_code="JS")
    suzhou = City.objects.get(code="320500")
    pudong = District.objects.get(code="310115")
    authority = Organisation(kind=Organisation.Kind.AUTHORITY, name=jiangsu.authority_name,
                             region=jiangsu)

    with translation.override("en"):
        assert [str(jiangsu), str(suzhou), str(pudong)] == ["Jiangsu", "Suzhou",
                                                             "Pudong New Area"]
        assert str(authority) == "Department of Science and Technology of Jiangsu Province"
    with translation.override("zh-hans"):
        assert [str(jiangsu), str(suzhou), str(pudong)] == ["江苏省", "苏州市", "浦东新区"]
        assert str(authority) == "江苏省科学技术厅"
    assert City.objects.filter(name_en="").count() == 0
    assert District.objects.filter(name_en="").count() == 0


def test_report_parameters_read_as_labelled_values_in_the_page_language():
    from reporting.templatetags.report_words import report_parameters

    parameters = {"date_from": "2026-12-01", "date_to": "2026-12-31", "due_days": 30}
    with translation.override("zh-hans"):
        chinese = report_parameters(parameters)
    with translation.override("en"):
        english = report_parameters(parameters)

    assert chinese == "起始日期：2026年12月1日；截止日期：2026年12月31日；支付期限（天）：30"
    assert english == ("Start date: 1 Dec 2026; End date: 31 Dec 2026; "
                       "Payment deadline (days): 30")
