"""The whole cross-region story clicked through by its people, each in their own browser:
a Jiangsu enterprise buys from a Shanghai institution with a Jiangsu voucher, and Jiangsu pays.

With VOUCHERS_SCREENSHOTS=1 the main pages are saved to docs/screenshots/ on the way.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devtools.factories import vouchers as f
from tests.browser.conftest import shot, signed_in
from vouchers.models import PaymentBatch, Redemption

pytestmark = pytest.mark.django_db(transaction=True)


def test_jiangsu_voucher_spent_in_shanghai_is_paid_by_jiangsu(new_page, people, tmp_path):
    enterprise = signed_in(new_page, people["enterprise"])
    shot(enterprise, "enterprise-home")

    # Apply: above the cap first, the Chinese error sits next to the amount field.
    enterprise.get_by_role("link", name="申领项目").click()
    enterprise.get_by_role("link", name="申领", exact=True).click()
    enterprise.get_by_label("申领金额（元）").fill("300,000.01")
    enterprise.get_by_label("申领用途").fill("新产品可靠性检测")
    enterprise.get_by_label("检验检测").check()
    enterprise.get_by_role("button", name="提交申领").click()
    amount = enterprise.get_by_label("申领金额（元）")
    error = enterprise.locator(".field.has-error").filter(has=amount)
    expect(error).to_contain_text("超过企业年度额度，本年度剩余可申领300000.00元")
    expect(enterprise.get_by_label("申领用途")).to_have_value("新产品可靠性检测")
    shot(enterprise, "apply-error")
    enterprise.get_by_label("申领金额（元）").fill("50000")
    enterprise.get_by_role("button", name="提交申领").click()
    expect(enterprise.get_by_text("申领已提交")).to_be_visible()

    # The Jiangsu reviewer approves.
    reviewer = signed_in(new_page, people["reviewer"])
    shot(reviewer, "reviewer-home")
    reviewer.get_by_role("link", name="申领审核").click()
    reviewer.get_by_role("link", name="审核", exact=True).first.click()
    reviewer.get_by_role("radio", name="批准").check()
    reviewer.get_by_role("button", name="提交审核结果").click()
    expect(reviewer.get_by_text("此操作确认后无法撤销。")).to_be_visible()
    reviewer.get_by_role("button", name="确认批准").click()
    expect(reviewer.get_by_text("审核结果已保存")).to_be_visible()

    # The enterprise finds a Shanghai institution and orders, previewing its own share.
    enterprise.get_by_role("link", name="我的创新券").click()
    expect(enterprise.get_by_text("¥50,000.00").first).to_be_visible()
    shot(enterprise, "my-vouchers")
    enterprise.get_by_role("link", name="选择服务机构下单").first.click()
    enterprise.get_by_label("省市").select_option(label="上海市")
    enterprise.get_by_label("服务类别").select_option(label="检验检测")
    enterprise.get_by_role("button", name="查询").click()
    enterprise.get_by_role("link", name="向上海微电子检测研究院下单").click()
    enterprise.get_by_label("使用的创新券").select_option(index=1)
    enterprise.get_by_label("服务类别").select_option(label="检验检测")
    enterprise.get_by_label("合同编号").fill("HT-2025-0001")
    enterprise.get_by_label("服务费总额（元）").fill("12,000")
    enterprise.get_by_role("button", name="预览费用").click()
    expect(enterprise.locator("#preview-voucher")).to_have_text("¥6,000.00")
    expect(enterprise.locator("#preview-share")).to_have_text("¥6,000.00")
    shot(enterprise, "order-preview")
    enterprise.get_by_role("button", name="确认下单").click()
    expect(enterprise.get_by_text("订单已提交")).to_be_visible()

    # The Shanghai institution logs the delivery and uploads the invoice.
    institution = signed_in(new_page, people["institution"])
    shot(institution, "institution-home")
    institution.get_by_role("link", name="收到的订单").click()
    institution.locator("main table a[href*='/orders/']").first.click()
    institution.get_by_role("link", name="登记交付").click()
    institution.get_by_label("交付日期").fill(timezone.localdate().isoformat())
    institution.get_by_label("交付内容").fill("可靠性检测报告一份")
    institution.get_by_label("发票代码").fill("3100231130")  # an older VAT invoice
    institution.get_by_label("发票号码").fill("31009988")
    institution.get_by_label("报告或证书编号").fill("SHJC-2025-017")
    shot(institution, "delivery-log")
    institution.get_by_role("button", name="登记交付").click()
    invoice = tmp_path / "发票.pdf"
    invoice.write_bytes(f.PDF)
    institution.get_by_label("材料类型").select_option(label="发票")
    institution.get_by_label("文件").set_input_files(invoice)
    institution.get_by_role("button", name="上传材料").click()
    expect(institution.get_by_role("link", name="发票.pdf")).to_be_visible()

    # The enterprise confirms; the institution requests redemption.
    # The navigation's link: the order page's breadcrumbs name the list too.
    navigation = enterprise.get_by_role("navigation", name="业务导航")
    navigation.get_by_role("link", name="我的订单").click()
    enterprise.locator("main table a[href*='/orders/']").first.click()
    enterprise.get_by_role("button", name="确认交付").click()
    expect(enterprise.get_by_text("确认后不能再提出异议")).to_be_visible()
    enterprise.get_by_role("button", name="确认交付").click()
    expect(enterprise.get_by_text("已确认交付")).to_be_visible()
    institution.reload()
    institution.get_by_role("button", name="申请兑付").click()
    expect(institution.get_by_text("¥6,000.00")).to_be_visible()
    shot(institution, "confirm-redemption")
    institution.get_by_role("button", name="确认申请兑付").click()
    expect(institution.get_by_text("兑付申请已提交")).to_be_visible()
    shot(institution, "order-timeline")

    # Jiangsu reviews the redemption, Jiangsu finance batches and pays it.
    reviewer.get_by_role("link", name="兑付审核").click()
    shot(reviewer, "redemption-queue")
    reviewer.get_by_role("link", name="审核", exact=True).first.click()
    reviewer.get_by_role("radio", name="批准").check()
    reviewer.get_by_role("button", name="提交审核结果").click()
    reviewer.get_by_role("button", name="确认批准").click()
    expect(reviewer.get_by_text("审核结果已保存")).to_be_visible()

    finance = signed_in(new_page, people["finance"])
    finance.get_by_role("link", name="支付批次").first.click()
    finance.get_by_role("link", name="为上海微电子检测研究院选择兑付并创建批次").click()
    expect(finance.locator("input[name=redemptions]")).to_be_checked()  # preselected
    shot(finance, "batch-picking")
    finance.get_by_role("button", name="继续").click()
    finance.get_by_role("button", name="确认创建批次").click()
    expect(finance.get_by_text("支付批次已创建")).to_be_visible()
    finance.get_by_label("国库支付凭证号").fill("GK-2025-0001")
    finance.get_by_label("国库支付日期").fill(timezone.localdate().isoformat())
    shot(finance, "batch")
    finance.get_by_role("button", name="标记为已支付").click()
    finance.get_by_role("button", name="确认已支付").click()
    expect(finance.get_by_text("已登记国库支付")).to_be_visible()

    batch = PaymentBatch.objects.get()
    assert batch.state == PaymentBatch.State.PAID
    assert batch.region.short_code == "JS"
    assert batch.payee.region.short_code == "SH"
    assert Redemption.objects.get().state == Redemption.State.PAID


def test_an_enterprise_cannot_open_the_review_queue_or_another_regions_pages(new_page, people):
    page = signed_in(new_page, people["enterprise"])
    response = page.goto("/review/applications/")
    assert response.status == 403
    response = page.goto("/batches/")
    assert response.status == 403
