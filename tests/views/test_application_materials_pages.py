"""The pages of the application materials: the manager's list, the enterprise's form with
files, the reviewer's inline documents and return, the correction and its history."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from devtools.factories import vouchers as f
from tests.views.conftest import token
from vouchers.models import Application, ApplicationDocument
from vouchers.services import program_changes

MATERIALS = [
    {"name": "营业执照", "name_en": "Business licence", "required": True,
     "types": ["pdf", "png", "jpeg"]},
    {"name": "上年度财务报表", "name_en": "Last year's financial statement", "required": True,
     "types": ["pdf"]},
]


def with_materials(world):
    return program_changes.program_materials_change(
        actor=world.reviewer, program=world.program, materials=MATERIALS, reason="要求",
        now=timezone.now())


def apply_form(client, world, **files):
    url = reverse("vouchers:application_create", args=[world.program.pk])
    data = {"form_token": token(client.get(url)), "amount_fen": "10000",
            "purpose": "检测新产品", "planned_categories": [f.category().pk], **files}
    return client.post(url, data)


def test_the_manager_edits_the_list_on_the_program_page(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_materials", args=[world.program.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {
        "form_token": token(page), "m1_name": "营业执照", "m1_name_en": "Business licence",
        "m1_required": "on", "m1_types": ["pdf", "png"], "m2_name": "", "reason": "2024年要求"})
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert world.program.application_materials == [
        {"key": "m1", "name": "营业执照", "name_en": "Business licence", "required": True,
         "types": ["pdf", "png"]}]


def test_the_list_shows_on_the_programs_page_and_the_form_in_english(client, world):
    with_materials(world)
    client.force_login(world.enterprise)
    programs = client.get(reverse("vouchers:programs"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Business licence (required)" in programs.content.decode()
    form = client.get(reverse("vouchers:application_create", args=[world.program.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Last year&#x27;s financial statement" in form
    assert 'enctype="multipart/form-data"' in form


def test_a_missing_required_document_is_shown_next_to_its_field(client, world):
    with_materials(world)
    client.force_login(world.enterprise)
    response = apply_form(client, world,
                          document_m1=SimpleUploadedFile("licence.png", f.image_bytes("PNG")))
    assert response.status_code == 200
    assert "缺少必需的申领材料：“上年度财务报表”，请上传后再提交" in response.content.decode()
    assert not Application.objects.exists()


def test_the_reviewer_sees_the_documents_inline_and_returns_the_application(client, world):
    with_materials(world)
    client.force_login(world.enterprise)
    response = apply_form(
        client, world, document_m1=SimpleUploadedFile("licence.png", f.image_bytes("PNG")),
        document_m2=SimpleUploadedFile("statement.pdf", f.PDF))
    assert response.status_code == 302
    application = Application.objects.get()
    licence = ApplicationDocument.objects.get(material_key="m1")

    client.force_login(world.reviewer)
    url = reverse("vouchers:application_review", args=[application.pk])
    page = client.get(url)
    body = page.content.decode()
    assert reverse("vouchers:application_document_inline", args=[licence.pk]) in body
    assert "statement.pdf" in body
    assert client.get(reverse("vouchers:application_document_inline",
                              args=[licence.pk])).status_code == 200
    data = {"form_token": token(page), "decision": "return", "reason": "财务报表不清晰"}
    confirm = client.post(url, data)
    assert "确认退回修改" in confirm.content.decode()
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.RETURNED

    # Another enterprise sees none of the documents.
    client.force_login(world.other_enterprise)
    assert client.get(reverse("vouchers:application_document_download",
                              args=[licence.pk])).status_code == 404


def test_the_enterprise_corrects_and_resubmits_and_sees_the_history(client, world):
    with_materials(world)
    client.force_login(world.enterprise)
    apply_form(client, world,
               document_m1=SimpleUploadedFile("licence.png", f.image_bytes("PNG")),
               document_m2=SimpleUploadedFile("statement.pdf", f.PDF))
    application = Application.objects.get()
    from vouchers.services import application_returns
    application_returns.application_return(actor=world.reviewer, application=application,
                                           reason="财务报表不清晰", now=timezone.now())
    detail = client.get(reverse("vouchers:application_detail", args=[application.pk]))
    assert "财务报表不清晰" in detail.content.decode()
    url = reverse("vouchers:application_resubmit", args=[application.pk])
    page = client.get(url)
    assert "已上传：statement.pdf" in page.content.decode()
    response = client.post(url, {
        "form_token": token(page), "amount_fen": "8000", "purpose": "检测新产品（修改）",
        "planned_categories": [f.category().pk],
        "document_m2": SimpleUploadedFile("statement-v2.pdf", f.PDF + b"%v2\n")})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.amount_fen) == ("submitted", 8_000_00)
    body = client.get(reverse("vouchers:application_detail",
                              args=[application.pk])).content.decode()
    assert "第 1 次提交" in body
    assert "第 2 次提交" in body
    assert "statement-v2.pdf" in body
