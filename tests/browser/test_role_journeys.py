"""Each role's main jobs, clicked through in Debian's Chromium on a desktop and a phone.

The enterprise applies and orders; the institution delivers with evidence and requests
redemption; the reviewer approves the application and the redemption after previewing the
evidence inline; finance builds a batch and pays it; the operator opens the overview and
downloads a report. Sections are opened by address, not through the header's links, so that a
phone layout that folds the navigation away cannot hide a step; the forms are used as people
use them.
"""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from devtools.factories.accounts import OrganisationFactory, UserFactory
from tests.browser.axe import DESKTOP, PHONE
from tests.browser.conftest import PASSWORD, log_in
from tests.browser.world import invoice_pdf
from vouchers.models import PaymentBatch, Redemption

pytestmark = pytest.mark.django_db(transaction=True)

# A confirmation step before an irreversible action (申请兑付, 确认交付, 创建批次, 标记为已支付)
# is recognised by its button: <form class="confirm"> holding <button name="confirmed"
# value="1">. Not name="confirm": the order form's own 确认下单 button already uses that name.
# Without such a button on the answer, the action took effect at once.
CONFIRM_BUTTON = "form.confirm button[name=confirmed], form.confirm button[type=submit]"


def submit(page, button_text: str, *, within=None) -> None:
    """Press a submit button; if a confirmation page answers, confirm on it."""
    scope = within or page
    with page.expect_navigation():
        scope.get_by_role("button", name=button_text, exact=True).first.click()
    confirm = page.locator(CONFIRM_BUTTON)
    if confirm.count():
        with page.expect_navigation():
            confirm.first.click()


def preview(page, file_name: str) -> None:
    """Open the inline preview from the file's row of the evidence list."""
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=file_name, exact=True))
    row.get_by_role("link", name="预览", exact=True).click()


def person(new_page, user, viewport):
    page = new_page()
    page.set_viewport_size(viewport)
    log_in(page, user.username, PASSWORD)
    return page


def build_batch(finance, payee_name: str) -> None:
    """The payee's approved redemptions, all preselected, then the summary, then confirmed."""
    finance.goto("/batches/")
    finance.get_by_role("link", name=f"为{payee_name}选择兑付并创建批次").click()
    expect(finance.locator("main input[name=redemptions]").first).to_be_checked()
    submit(finance, "继续")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_role_does_its_main_jobs(new_page, people, tmp_path, viewport):
    # The enterprise applies for a voucher.
    enterprise = person(new_page, people["enterprise"], viewport)
    enterprise.goto("/programs/")
    enterprise.get_by_role("link", name="申领", exact=True).click()
    enterprise.get_by_label("申领金额（元）").fill("50000")
    enterprise.get_by_label("申领用途").fill("新产品可靠性检测")
    enterprise.get_by_label("检验检测").check()
    submit(enterprise, "提交申领")
    expect(enterprise.get_by_text("申领已提交")).to_be_visible()

    # The reviewer approves it.
    reviewer = person(new_page, people["reviewer"], viewport)
    reviewer.goto("/review/applications/")
    reviewer.get_by_role("link", name="审核", exact=True).first.click()
    reviewer.get_by_role("radio", name="批准").check()
    submit(reviewer, "提交审核结果")
    expect(reviewer.get_by_text("审核结果已保存")).to_be_visible()

    # The enterprise orders from the Shanghai institution.
    enterprise.goto("/institutions/")
    enterprise.get_by_label("省市").select_option(label="上海市")
    enterprise.get_by_role("button", name="查询").click()
    enterprise.get_by_role("link", name="向上海微电子检测研究院下单").click()
    enterprise.get_by_label("使用的创新券").select_option(index=1)
    enterprise.get_by_label("服务类别").select_option(label="检验检测")
    enterprise.get_by_label("合同编号").fill("HT-2025-0101")
    enterprise.get_by_label("服务费总额（元）").fill("12,000")
    enterprise.get_by_role("button", name="预览费用").click()
    expect(enterprise.locator("#preview-voucher")).to_have_text("¥6,000.00")
    submit(enterprise, "确认下单")
    expect(enterprise.get_by_text("订单已提交")).to_be_visible()

    # The institution delivers, uploads the invoice as a PDF and the report as a photo.
    institution = person(new_page, people["institution"], viewport)
    institution.goto("/orders/")
    institution.locator("main table a[href*='/orders/']").first.click()
    order_url = institution.url
    institution.get_by_role("link", name="登记交付").click()
    institution.get_by_label("交付日期").fill(timezone.localdate().isoformat())
    institution.get_by_label("交付内容").fill("可靠性检测报告一份")
    institution.get_by_label("发票代码").fill("3100231130")
    institution.get_by_label("发票号码").fill("31009988")
    institution.get_by_label("报告或证书编号").fill("SHJC-2025-101")
    submit(institution, "登记交付")
    invoice = tmp_path / "发票.pdf"
    invoice.write_bytes(invoice_pdf(pages=2))
    photo = tmp_path / "报告照片.png"
    Image.new("RGB", (800, 500), (240, 240, 240)).save(photo)
    for kind, path in (("发票", invoice), ("服务报告或成果", photo)):
        institution.get_by_label("材料类型").select_option(label=kind)
        institution.get_by_label("文件").set_input_files(path)
        submit(institution, "上传材料")
    expect(institution.get_by_role("link", name="发票.pdf", exact=True)).to_be_visible()

    # The enterprise confirms the delivery; the institution requests redemption.
    enterprise.goto(order_url)
    submit(enterprise, "确认交付")
    expect(enterprise.get_by_text("已确认交付")).to_be_visible()
    institution.goto(order_url)
    submit(institution, "申请兑付")
    expect(institution.get_by_text("兑付申请已提交")).to_be_visible()

    # The reviewer previews the evidence inline, then approves the redemption.
    reviewer.goto("/review/redemptions/")
    reviewer.get_by_role("link", name="审核", exact=True).first.click()
    review_url = reviewer.url
    preview(reviewer, "发票.pdf")
    pages = reviewer.locator(".evidence-page img")
    expect(pages).to_have_count(2)
    for number in range(2):
        expect(pages.nth(number)).to_have_js_property("complete", True)
        assert pages.nth(number).evaluate("image => image.naturalWidth") == 1000
    rendered = pages.first.bounding_box()
    assert rendered["width"] <= viewport["width"]  # fits a phone's screen
    expect(reviewer.get_by_role("link", name="下载原文件")).to_be_visible()
    reviewer.goto(review_url)
    preview(reviewer, "报告照片.png")
    image = reviewer.locator("img.evidence-image")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("image => image.naturalWidth") == 800
    reviewer.goto(review_url)
    reviewer.get_by_role("radio", name="批准").check()
    submit(reviewer, "提交审核结果")
    expect(reviewer.get_by_text("审核结果已保存")).to_be_visible()

    # Finance builds the batch and pays it.
    finance = person(new_page, people["finance"], viewport)
    build_batch(finance, "上海微电子检测研究院")
    expect(finance.get_by_text("支付批次已创建")).to_be_visible()
    finance.get_by_label("国库支付凭证号").fill("GK-2025-0101")
    finance.get_by_label("国库支付日期").fill(timezone.localdate().isoformat())
    submit(finance, "标记为已支付")
    expect(finance.get_by_text("已登记国库支付")).to_be_visible()
    assert PaymentBatch.objects.get().state == PaymentBatch.State.PAID
    assert Redemption.objects.get().state == Redemption.State.PAID

    # The operator opens the cross-region overview and downloads the year's report.
    operator_user = UserFactory(
        organisation=OrganisationFactory(kind="operator", credit_code=None, region_code="SH",
                                         city=None),
        role=User.Role.OPERATOR,
    )
    operator = person(new_page, operator_user, viewport)
    operator.goto("/platform/overview/")
    expect(operator.get_by_role("heading", level=1)).to_be_visible()
    operator.goto("/reports/")
    operator.get_by_label("年度").fill(str(timezone.localdate().year))
    submit(operator, "生成年度统计")
    with operator.expect_download() as download_info:
        operator.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    content = io.BytesIO()
    with open(download.path(), "rb") as handle:
        content.write(handle.read())
    assert content.getvalue().startswith("\ufeff".encode())  # the CSV opens in Excel
    assert download.suggested_filename.endswith(".csv")
