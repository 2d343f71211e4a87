"""The materials path (材料清单) clicked through in Chromium, in Chinese and English, on a
desktop and a phone: the enterprise sees the list, a submission without a required document
is refused with the message naming it, it uploads and submits; the reviewer sees the
documents inline and returns the application; the enterprise corrects and resubmits."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import DESKTOP, PHONE
from tests.browser.conftest import PASSWORD, log_in
from tests.browser.world import invoice_pdf
from vouchers.models import Application, Program
from vouchers.services import program_changes

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_BUTTON = "form.confirm button[name=confirmed], form.confirm button[type=submit]"
WORDS = {
    "zh-CN": {
        "apply": "申领", "amount": "申领金额（元）", "purpose": "申领用途",
        "category": "检验检测", "licence": "营业执照", "statement": "上年度财务报表",
        "need": "研发需求说明", "submit": "提交申领", "submitted": "申领已提交",
        "missing": "缺少必需的申领材料：“上年度财务报表”，请上传后再提交",
        "review": "审核", "return": "退回修改", "reason": "意见或原因",
        "decide": "提交审核结果", "saved": "审核结果已保存", "correct": "修改并重新提交",
        "resubmit": "重新提交", "resubmitted": "申领已重新提交", "second": "第 2 次提交",
        "required": "营业执照（必需）",
    },
    "en": {
        "apply": "Apply", "amount": "Amount (yuan)", "purpose": "Purpose",
        "category": "Testing and inspection", "licence": "Business licence",
        "statement": "Last year's financial statement", "need": "Statement of the R&D need",
        "submit": "Submit application", "submitted": "Application submitted",
        "missing": "Required documents missing: “Last year's financial statement”. "
                   "Upload them, then submit",
        "review": "Review", "return": "Returned for correction",
        "reason": "Comment or reason", "decide": "Submit decision", "saved": "Decision saved",
        "correct": "Correct and resubmit", "resubmit": "Resubmit",
        "resubmitted": "Application resubmitted", "second": "Submission 2",
        "required": "Business licence (required)",
    },
}


def person(new_page, user, viewport, language):
    page = new_page()
    page.set_viewport_size(viewport)
    log_in(page, user.username, PASSWORD)
    if language == "en":
        page.locator("#language").select_option("en")
        with page.expect_navigation():
            page.get_by_role("button", name="切换").click()
    return page


def submit(page, button_text: str) -> None:
    """Press a submit button; if a confirmation page answers, confirm on it."""
    with page.expect_navigation():
        page.get_by_role("button", name=button_text, exact=True).first.click()
    confirm = page.locator(CONFIRM_BUTTON)
    if confirm.count():
        with page.expect_navigation():
            confirm.first.click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_materials_return_and_resubmission(new_page, people, tmp_path, language, viewport):
    words = WORDS[language]
    program = Program.objects.get()
    program_changes.program_materials_change(
        actor=people["reviewer"], program=program, reason="2025年申领要求", now=timezone.now(),
        materials=[
            {"name": "营业执照", "name_en": "Business licence", "required": True,
             "types": ["pdf", "png", "jpeg"]},
            {"name": "上年度财务报表", "name_en": "Last year's financial statement",
             "required": True, "types": ["pdf"]},
            {"name": "研发需求说明", "name_en": "Statement of the R&D need", "required": False,
             "types": ["pdf"]},
        ])
    licence, statement, corrected = (tmp_path / "licence.pdf", tmp_path / "statement.pdf",
                                     tmp_path / "statement-v2.pdf")
    licence.write_bytes(invoice_pdf(1))
    statement.write_bytes(invoice_pdf(2))
    corrected.write_bytes(invoice_pdf(3))

    # The enterprise sees the list on the programs page and on the form.
    enterprise = person(new_page, people["enterprise"], viewport, language)
    enterprise.goto("/programs/")
    expect(enterprise.locator("main")).to_contain_text(words["required"])
    enterprise.get_by_role("link", name=words["apply"], exact=True).click()
    listing = enterprise.locator("#materials-list")
    expect(listing).to_contain_text(words["statement"])
    expect(listing).to_contain_text(words["need"])

    # Without the financial statement the submission is refused, naming it.
    enterprise.get_by_label(words["amount"]).fill("50000")
    enterprise.get_by_label(words["purpose"]).fill("新产品可靠性检测")
    enterprise.get_by_label(words["category"]).check()
    enterprise.get_by_label(words["licence"]).set_input_files(str(licence))
    submit(enterprise, words["submit"])
    expect(enterprise.get_by_text(words["missing"])).to_be_visible()
    assert not Application.objects.exists()

    # With both it is submitted.
    enterprise.get_by_label(words["licence"]).set_input_files(str(licence))
    enterprise.get_by_label(words["statement"]).set_input_files(str(statement))
    submit(enterprise, words["submit"])
    expect(enterprise.get_by_text(words["submitted"]).first).to_be_visible()
    application = Application.objects.get()

    # The reviewer sees the documents inline (first pages rendered) and returns it.
    reviewer = person(new_page, people["reviewer"], viewport, language)
    reviewer.goto(f"/review/applications/{application.pk}/")
    pages = reviewer.locator("#materials figure.evidence-page img")
    expect(pages).to_have_count(2)
    for index in range(2):  # lazy images load once on screen
        pages.nth(index).scroll_into_view_if_needed()
    reviewer.wait_for_function(
        "() => [...document.querySelectorAll('#materials figure img')]"
        ".every(img => img.complete && img.naturalWidth > 0)")
    reviewer.get_by_role("radio", name=words["return"]).check()
    reviewer.get_by_label(words["reason"]).fill("财务报表不清晰，请重新上传")
    submit(reviewer, words["decide"])
    expect(reviewer.get_by_text(words["saved"]).first).to_be_visible()
    application.refresh_from_db()
    assert application.state == Application.State.RETURNED

    # The enterprise reads the reason, replaces the statement and resubmits a smaller amount.
    enterprise.goto(f"/applications/{application.pk}/")
    expect(enterprise.locator("main")).to_contain_text("财务报表不清晰，请重新上传")
    enterprise.get_by_role("link", name=words["correct"]).click()
    enterprise.get_by_label(words["amount"]).fill("40000")
    enterprise.get_by_label(words["statement"]).set_input_files(str(corrected))
    submit(enterprise, words["resubmit"])
    expect(enterprise.get_by_text(words["resubmitted"]).first).to_be_visible()
    history = enterprise.locator("#submissions")
    expect(history).to_contain_text(words["second"])
    expect(history).to_contain_text("财务报表不清晰，请重新上传")
    expect(enterprise.locator("#materials")).to_contain_text("statement-v2.pdf")
    application.refresh_from_db()
    assert (application.state, application.amount_fen) == ("submitted", 40_000_00)
    assert application.documents.count() == 3
    width = enterprise.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"]  # nothing wider than the screen
