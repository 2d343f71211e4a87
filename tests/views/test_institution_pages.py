"""The institution's pages: catalogue, delivery with evidence, redemption request, receivables."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, issue, token
from vouchers.models import Delivery, EvidenceFile, InstitutionService, Redemption


def test_the_catalogue_adds_an_entry_once_and_audits_it(client, world):
    client.force_login(world.institution)
    url = reverse("vouchers:catalogue")
    data = {"form_token": token(client.get(url)), "category": f.category("consulting").pk,
            "price_note": "每小时 800 元"}
    client.post(url, data)
    client.post(url, data)
    entry = InstitutionService.objects.get(institution=world.institution.organisation,
                                           category__code="consulting")
    assert entry.price_note == "每小时 800 元"
    assert AuditEntry.objects.filter(action="catalogue_entry_add").count() == 1


def test_listing_a_category_twice_shows_the_error_next_to_the_field(client, world):
    client.force_login(world.institution)
    url = reverse("vouchers:catalogue")
    response = client.post(url, {"form_token": token(client.get(url)),
                                 "category": f.category().pk, "price_note": "x"})
    assert "服务目录中已有「检验检测」" in response.content.decode()


def test_removing_an_entry_deactivates_it(client, world):
    client.force_login(world.institution)
    entry = InstitutionService.objects.get(institution=world.institution.organisation)
    page = client.get(reverse("vouchers:catalogue"))
    client.post(reverse("vouchers:catalogue_remove", args=[entry.pk]),
                {"form_token": token(page)})
    entry.refresh_from_db()
    assert entry.is_active is False


def test_enterprises_cannot_manage_a_catalogue(client, world):
    client.force_login(world.enterprise)
    assert client.get(reverse("vouchers:catalogue")).status_code == 403


def test_incoming_orders_list_only_the_institutions_own(client, world):
    voucher = issue(world)
    order = f.place_order(voucher, world.enterprise, world.institution.organisation,
                          contract_number="HT-MINE")
    client.force_login(world.institution)
    assert "HT-MINE" in client.get(reverse("vouchers:order_list")).content.decode()
    client.force_login(world.other_institution)
    assert "HT-MINE" not in client.get(reverse("vouchers:order_list")).content.decode()
    assert client.get(reverse("vouchers:order_detail", args=[order.pk])).status_code == 404


def test_logging_a_delivery_once(client, world):
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    client.force_login(world.institution)
    url = reverse("vouchers:delivery_log", args=[order.pk])
    data = {"form_token": token(client.get(url)), "delivered_on": "2024-02-28",
            "description": "检测报告一份", "invoice_number": "24312000000000000001",
            "report_number": "BG-1"}
    client.post(url, data)
    client.post(url, data)
    assert Delivery.objects.filter(order=order).count() == 1


def test_a_future_delivery_date_is_refused_next_to_the_field(client, world):
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    client.force_login(world.institution)
    url = reverse("vouchers:delivery_log", args=[order.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "delivered_on": "2999-01-01",
                                 "description": "检测", "invoice_code": "3100231130",
                                 "invoice_number": "12345678", "report_number": "BG-1"})
    assert "交付日期不能晚于今天" in response.content.decode()
    assert 'value="12345678"' in response.content.decode()


def test_evidence_is_checked_by_content_and_served_only_to_allowed_users(client, world):
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    client.force_login(world.institution)
    detail = reverse("vouchers:order_detail", args=[order.pk])
    upload = reverse("vouchers:evidence_upload", args=[order.pk])
    fake = SimpleUploadedFile("invoice.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(upload, {"form_token": token(client.get(detail)), "kind": "invoice",
                                    "file": fake}, follow=True)
    assert "只接受PDF、PNG或JPEG文件" in response.content.decode()
    assert not EvidenceFile.objects.exists()

    real = SimpleUploadedFile("发票.pdf", f.PDF, content_type="application/pdf")
    client.post(upload, {"form_token": token(client.get(detail)), "kind": "invoice", "file": real})
    evidence = EvidenceFile.objects.get()
    download = client.get(reverse("vouchers:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == f.PDF

    for outsider in (world.other_institution, world.other_enterprise, world.finance):
        client.force_login(outsider)
        status = client.get(reverse("vouchers:evidence_download", args=[evidence.pk])).status_code
        assert status in (403, 404)
    client.force_login(world.reviewer)  # the issuing region's reviewer
    assert client.get(reverse("vouchers:evidence_download", args=[evidence.pk])).status_code == 200


def test_an_upload_named_with_a_right_to_left_override_is_served_with_its_real_extension(
    client, world
):
    # Given an institution uploading a real PNG named to look like "invoiceexe.pdf"
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    client.force_login(world.institution)
    detail = reverse("vouchers:order_detail", args=[order.pk])
    upload = reverse("vouchers:evidence_upload", args=[order.pk])
    tricky = SimpleUploadedFile("invoice\u202efdp.exe", f.PNG, content_type="application/pdf")

    # When it is uploaded and downloaded again
    client.post(upload, {"form_token": token(client.get(detail)), "kind": "invoice",
                         "file": tricky})
    evidence = EvidenceFile.objects.get()
    download = client.get(reverse("vouchers:evidence_download", args=[evidence.pk]))

    # Then it is stored and served as the PNG it is, under a name ending in .png
    assert (evidence.original_name, evidence.content_type) == ("invoicefdp.exe.png", "image/png")
    assert evidence.file.name.endswith(".png")
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="invoicefdp.exe.png"'



def test_the_institution_requests_redemption_once(client, world):
    order = confirmed_order(world)
    client.force_login(world.institution)
    page = client.get(reverse("vouchers:order_detail", args=[order.pk]))
    assert "申请兑付" in page.content.decode()
    data = {"form_token": token(page), "confirmed": "1"}
    client.post(reverse("vouchers:redemption_request", args=[order.pk]), data)
    client.post(reverse("vouchers:redemption_request", args=[order.pk]), data)
    assert Redemption.objects.filter(order=order).count() == 1


def test_receivables_are_totalled_per_issuing_region_and_download_as_csv(client, world):
    order = confirmed_order(world)
    f.request_redemption(order, world.institution)
    client.force_login(world.institution)
    body = client.get(reverse("vouchers:redemption_list")).content.decode()
    assert "江苏省" in body
    assert "¥5,000.00" in body
    csv = b"".join(client.get(reverse("vouchers:redemption_list") + "?format=csv")
                   .streaming_content).decode("utf-8-sig")
    assert "5000.00" in csv
