"""The authority's pages: reviews with warnings, batches with the treasury CSV, programs,
budget use and oversight."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, token
from vouchers.models import Application, Blacklisting, PaymentBatch, Program, Redemption
from vouchers.services import applications


def _submitted(world, amount_fen=80_000_00):
    return applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=amount_fen,
        purpose="检测新产品", planned_categories=[f.category()], now=timezone.now(),
    )


def test_the_reviewer_approves_a_smaller_amount_once(client, world):
    application = _submitted(world)
    client.force_login(world.reviewer)
    assert "苏州精密制造有限公司" in client.get(
        reverse("vouchers:application_queue")).content.decode()
    url = reverse("vouchers:application_review", args=[application.pk])
    data = {"form_token": token(client.get(url)), "decision": "approve", "amount_fen": "50000",
            "reason": "按预算核减", "confirmed": "1"}
    client.post(url, data)
    client.post(url, data)
    application.refresh_from_db()
    assert application.state == Application.State.APPROVED
    assert application.approved_fen == 50_000_00


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(client, world):
    application = _submitted(world)
    client.force_login(world.reviewer)
    url = reverse("vouchers:application_review", args=[application.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "decision": "reject"})
    assert "驳回时必须填写原因" in response.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED


def test_another_regions_reviewer_gets_404_and_market_users_403(client, world):
    application = _submitted(world)
    url = reverse("vouchers:application_review", args=[application.pk])
    client.force_login(world.shanghai_reviewer)
    assert client.get(url).status_code == 404
    assert "苏州精密制造" not in client.get(reverse("vouchers:application_queue")).content.decode()
    client.force_login(world.enterprise)
    assert client.get(url).status_code == 403
    client.force_login(world.finance)
    assert client.get(url).status_code == 403


def test_the_redemption_queue_warns_of_a_repeated_invoice(client, world):
    first = confirmed_order(world, invoice_code="3100231130", invoice="00000777")
    redemption = f.request_redemption(first, world.institution)
    client.force_login(world.reviewer)
    client.post(reverse("vouchers:redemption_detail", args=[redemption.pk]), {
        "form_token": token(client.get(reverse("vouchers:redemption_detail",
                                               args=[redemption.pk]))),
        "decision": "reject", "reason": "材料不符", "confirmed": "1"})
    second = f.place_order(first.voucher, world.enterprise, world.institution.organisation,
                           contract_number="HT-SECOND")
    f.delivered_and_confirmed(second, world.institution, world.enterprise,
                              invoice_code="3100 2311 30", invoice="0000-0777")
    f.request_redemption(second, world.institution)
    body = client.get(reverse("vouchers:redemption_queue")).content.decode()
    assert "发票3100231130-00000777曾在其他兑付申请中出现" in body
    assert "100%的创新券金额流向同一服务机构" in body


def test_the_reviewer_approves_a_redemption_with_the_evidence_in_view(client, world):
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    client.force_login(world.reviewer)
    url = reverse("vouchers:redemption_detail", args=[redemption.pk])
    page = client.get(url)
    assert "invoice.pdf" in page.content.decode()
    client.post(url, {"form_token": token(page), "decision": "approve", "amount_fen": "",
                      "confirmed": "1"})
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.APPROVED


def _approved(world):
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    from vouchers.services import redemptions

    return redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                          now=timezone.now())


def test_finance_creates_a_batch_once_exports_it_and_marks_it_paid(client, world):
    redemption = _approved(world)
    client.force_login(world.finance)
    listing = client.get(reverse("vouchers:batch_list"))
    assert "上海测试技术研究院" in listing.content.decode()
    create = reverse("vouchers:batch_create") + f"?payee={world.institution.organisation.pk}"
    data = {"form_token": token(client.get(create)), "payee": world.institution.organisation.pk,
            "redemptions": [redemption.pk], "confirmed": "1"}
    client.post(reverse("vouchers:batch_create"), data)
    client.post(reverse("vouchers:batch_create"), data)
    batch = PaymentBatch.objects.get()
    export = client.get(reverse("vouchers:batch_export", args=[batch.pk]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert batch.number in text
    assert "5000.00" in text
    detail = reverse("vouchers:batch_detail", args=[batch.pk])
    client.post(detail, {"form_token": token(client.get(detail)), "payment_reference": "GK-1",
                         "paid_on": "2024-03-05", "confirmed": "1"})
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.PAID


def test_batch_pages_are_closed_to_market_users_and_other_regions(client, world):
    redemption = _approved(world)
    client.force_login(world.finance)
    client.post(reverse("vouchers:batch_create"), {
        "form_token": token(client.get(reverse("vouchers:batch_create"),
                                       {"payee": world.institution.organisation.pk})),
        "payee": world.institution.organisation.pk, "redemptions": [redemption.pk],
        "confirmed": "1"})
    batch = PaymentBatch.objects.get()
    client.force_login(world.institution)
    assert client.get(reverse("vouchers:batch_list")).status_code == 403
    client.force_login(world.reviewer)
    # The export is a read (batch.view), as on the API; the page refuses writes (batch.manage).
    assert client.get(reverse("vouchers:batch_export", args=[batch.pk])).status_code == 200
    assert client.post(reverse("vouchers:batch_create"), {}).status_code == 403
    client.force_login(f.authority("SH", role="authority_finance"))
    assert client.get(reverse("vouchers:batch_detail", args=[batch.pk])).status_code == 404


def _program_data(page, **overrides):
    return {"form_token": token(page), "name": "2025年创新券", "year": "2025",
            "budget_fen": "5,000,000", "payee_mode": "institution",
            "enterprise_annual_cap_fen": "200000", "ratio_bp": "50",
            "applications_open_at": "2025-01-01", "applications_close_at": "2025-07-01",
            "use_by_at": "2025-12-01", "redemption_deadline_at": "2026-01-01",
            "categories": [f.category().pk], "required_evidence": ["invoice"]} | overrides


def test_the_reviewer_creates_and_funds_a_program(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    response = client.post(url, _program_data(client.get(url)))
    program = Program.objects.get(name="2025年创新券")
    assert program.budget_fen == 5_000_000_00
    assert program.ratio_bp == 5000
    assert response["Location"] == reverse("vouchers:program_fund", args=[program.pk])
    fund = reverse("vouchers:program_fund", args=[program.pk])
    client.post(fund, {"form_token": token(client.get(fund)), "amount_fen": "1000000",
                       "reference": "苏财教2025-1"})
    body = client.get(reverse("vouchers:budget_use")).content.decode()
    assert "¥1,000,000.00" in body


def test_program_dates_out_of_order_show_the_rule(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    response = client.post(url, _program_data(client.get(url), use_by_at="2025-03-01"))
    assert "使用截止日期不能早于申领截止日期" in response.content.decode()
    assert 'value="2025年创新券"' in response.content.decode()


def test_the_program_update_keeps_input_and_needs_a_reason(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_update", args=[world.program.pk])
    page = client.get(url)
    assert 'value="1000000.00"' in page.content.decode()
    response = client.post(url, _program_data(page, name="改名", year="2024", reason=""))
    assert "请填写修改原因" in response.content.decode()


def test_budget_use_downloads_as_csv_for_finance_and_operator(client, world):
    for user in (world.finance, world.operator):
        client.force_login(user)
        response = client.get(reverse("vouchers:budget_use") + "?region=32&format=csv")
        assert "科技创新券" in b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("who", ["enterprise", "institution"])
def test_market_users_do_not_see_budgets(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("vouchers:budget_use")).status_code == 403


def test_spot_check_draw_and_record(client, world):
    _approved(world)
    client.force_login(world.reviewer)
    url = reverse("vouchers:spot_check_list")
    today = timezone.localdate().isoformat()
    response = client.post(url, {"form_token": token(client.get(url)), "period_start": "2020-01-01",
                                 "period_end": today, "percentage": "100"})
    detail = response["Location"]
    client.force_login(f.authority("JS"))  # the approver may not check what they approved
    page = client.get(detail)
    item = page.context["rows"][0][0]
    client.post(detail, {"form_token": token(page), "item": item.pk, "passed": "1",
                         "note": "材料齐全"})
    item.refresh_from_db()
    assert item.state == "passed"


def test_blacklisting_by_credit_code_with_a_reason(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:blacklist")
    code = world.other_institution.organisation.credit_code
    client.post(url, {"form_token": token(client.get(url)), "credit_code": code.lower(),
                      "reason": "虚开发票", "confirmed": "1"})
    assert Blacklisting.objects.filter(organisation=world.other_institution.organisation).exists()
    response = client.post(url, {"form_token": token(client.get(url)), "credit_code": "X" * 18,
                                 "reason": "x"})
    assert "没有使用该统一社会信用代码" in response.content.decode()


def test_claw_back_of_a_paid_redemption(client, world):
    from vouchers.services import settlements

    redemption = _approved(world)
    batch = settlements.payment_batch_create(actor=world.finance,
                                             payee=world.institution.organisation,
                                             now=timezone.now())
    settlements.payment_batch_pay(actor=world.finance, batch=batch, payment_reference="GK-9",
                                  paid_on=timezone.localdate(), now=timezone.now())
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    assert "追回已支付款项" in page.content.decode()
    client.post(reverse("vouchers:redemption_claw_back", args=[redemption.pk]),
                {"form_token": token(page), "reason": "虚假交付", "confirmed": "1"})
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.CLAWED_BACK


def test_a_program_can_serve_only_some_cities(client, world):
    from accounts.models import City

    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    chosen = list(City.objects.filter(code__in=["310100", "320100"]).values_list("pk", flat=True))
    client.post(url, _program_data(client.get(url), serving_cities=chosen))
    program = Program.objects.get(name="2025年创新券")
    assert sorted(program.serving_cities.values_list("code", flat=True)) == ["310100", "320100"]
