"""Issue 20 in Chromium: an approval reaches the enterprise's header as an
unread count, the message reads as a sentence in Chinese and in English, opening it goes to
the application and clears the count; on a 390 px phone the list fits the screen; the
enterprise rates a confirmed service from its invitation; a reviewer reads the institutions'
records (信用与绩效), also on a phone.

With VOUCHERS_SCREENSHOTS=1 the pages are saved to docs/screenshots/ on the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from devtools.factories import vouchers as f
from tests.browser.conftest import PASSWORD, log_in, shot, signed_in
from vouchers.models import Program
from vouchers.services import applications

pytestmark = pytest.mark.django_db(transaction=True)


def _approved_application(people):
    program = Program.objects.get(name="2025年度科技创新券")
    from django.utils import timezone

    application = applications.application_submit(
        actor=people["enterprise"], program=program, amount_fen=50_000_00,
        purpose="新产品可靠性检测", planned_categories=[f.category()], now=timezone.now(),
    )
    return applications.application_approve(
        actor=people["reviewer"], application=application, amount_fen=40_000_00,
        reason="按八成核定", now=timezone.now())


def test_an_approval_reaches_the_enterprise_s_message_centre(new_page, people):
    _approved_application(people)
    page = signed_in(new_page, people["enterprise"])

    badge = page.locator("header .messages-link .badge")
    expect(badge).to_have_text("1")
    page.get_by_role("link", name="消息").click()
    message = page.locator(".messages-list .message").first
    expect(message).to_contain_text("申领审核结果：通过")
    expect(message).to_contain_text("批准 ¥40,000.00。原因：按八成核定")
    shot(page, "messages-zh")

    page.get_by_role("button", name="查看详情").click()
    page.wait_for_url("**/applications/*/")
    expect(page.locator("header .messages-link .badge")).to_have_count(0)


def test_in_english_and_on_a_phone_the_messages_read_and_fit(new_page, people):
    _approved_application(people)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, people["enterprise"].username, PASSWORD)
    page.locator("#language").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.goto("/accounts/messages/")

    message = page.locator(".messages-list .message").first
    expect(message).to_contain_text("Application decision: approved")
    expect(message).to_contain_text("approved: ¥40,000.00. Reason: 按八成核定")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    shot(page, "messages-en-phone")


def test_the_enterprise_rates_a_confirmed_service_from_its_invitation(new_page, people):
    from django.utils import timezone

    from vouchers.services import deliveries, orders

    voucher = _approved_application(people)
    moment = timezone.now()
    order = orders.order_place(
        actor=people["enterprise"], voucher=voucher, institution=people["institution"].organisation,
        category=f.category(), contract_number="HT-2025-0042", total_fee_fen=10_000_00,
        now=moment)
    delivery = deliveries.delivery_log(
        actor=people["institution"], order=order, delivered_on=timezone.localdate(),
        description="检测报告一份", invoice_code="", invoice_number="24320000000000000042",
        report_number="BG-42", now=moment)
    deliveries.delivery_confirm(actor=people["enterprise"], delivery=delivery, now=moment)
    page = signed_in(new_page, people["enterprise"])
    page.get_by_role("link", name="消息").click()
    page.locator(".message", has_text="等待评价").get_by_role("button", name="查看详情").click()
    page.wait_for_url(f"**/orders/{order.pk}/")

    for criterion, score in (("服务质量", "5"), ("及时性", "4"), ("价格合理性", "3"),
                             ("沟通配合", "5")):
        page.locator("fieldset.scores", has_text=criterion).get_by_label(score).check()
    page.get_by_label("评价意见（选填）").fill("报告详实，略有延期")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价")).to_be_visible()
    expect(page.locator("#rating")).to_contain_text("综合评分 4.25 分")
    shot(page, "order-rating")


def test_a_reviewer_reads_the_institutions_records_worst_first(new_page, people):
    from django.utils import timezone

    from vouchers.services.records import institution_record_refresh

    voucher = _approved_application(people)
    from vouchers.services import orders

    orders.order_place(
        actor=people["enterprise"], voucher=voucher, institution=people["institution"].organisation,
        category=f.category(), contract_number="HT-2025-0043", total_fee_fen=10_000_00,
        now=timezone.now())
    institution_record_refresh(institution_id=people["institution"].organisation_id,
                               year=voucher.program.year, now=timezone.now())
    page = signed_in(new_page, people["reviewer"])
    page.get_by_role("link", name="信用与绩效").click()
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text("上海微电子检测研究院")
    expect(row).to_contain_text("A（优秀）")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    shot(page, "records-phone")
