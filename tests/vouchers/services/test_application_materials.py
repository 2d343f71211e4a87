"""Application materials (材料清单) and returning an application for correction (退回修改)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, PDF, image_bytes
from vouchers.models import Application, ApplicationDocument, ApplicationSubmission
from vouchers.services import application_returns, applications, program_changes
from vouchers.services.application_materials import Upload

LICENCE = {"name": "营业执照", "name_en": "Business licence", "required": True,
           "types": ["pdf", "png", "jpeg"]}
STATEMENT = {"name": "上年度财务报表", "name_en": "Last year's financial statement",
             "required": True, "types": ["pdf"]}
NEED = {"name": "研发需求说明", "name_en": "Statement of the R&D need", "required": False,
        "types": ["pdf"]}


@pytest.fixture
def program(world):
    return program_changes.program_materials_change(
        actor=world.reviewer, program=world.program, materials=[LICENCE, STATEMENT, NEED],
        reason="2024年申领要求", now=NOW)


def submit(program, user, documents, amount_fen=50_000_00, now=NOW):
    return applications.application_submit(
        actor=user, program=program, amount_fen=amount_fen, purpose="检测",
        planned_categories=[build.category()], documents=documents, now=now)


def both_required(program):
    keys = {m["name"]: m["key"] for m in program.application_materials}
    return keys, {keys["营业执照"]: Upload("licence.png", image_bytes("PNG")),
                  keys["上年度财务报表"]: Upload("statement.pdf", PDF)}


def test_manager_sets_the_list_with_stable_keys_and_an_audit_line(program, world):
    assert [(m["key"], m["name"], m["required"], m["types"])
            for m in program.application_materials] == [
        ("m1", "营业执照", True, ["pdf", "png", "jpeg"]), ("m2", "上年度财务报表", True, ["pdf"]),
        ("m3", "研发需求说明", False, ["pdf"])]
    entry = AuditEntry.objects.get(action="program_materials_change")
    assert entry.after["materials"][0] == "营业执照 * (PDF/PNG/JPEG)"
    # Dropping the first and adding one: the kept ones keep their keys, the new one gets m4.
    changed = program_changes.program_materials_change(
        actor=world.reviewer, program=program,
        materials=[program.application_materials[1], {**NEED, "name": "专利证书", "key": ""}],
        reason="调整", now=NOW)
    assert [m["key"] for m in changed.application_materials] == ["m2", "m4"]


@pytest.mark.parametrize(("materials", "code"), [
    ([{**LICENCE, "name": " "}], "material_name_invalid"),
    ([LICENCE, LICENCE], "material_name_repeated"),
    ([{**LICENCE, "types": []}], "material_types_invalid"),
    ([{**LICENCE, "types": ["docx"]}], "material_types_invalid"),
    ("营业执照", "materials_invalid"),
])
def test_a_bad_list_is_refused(world, refused, materials, code):
    with refused(code, world.program):
        program_changes.program_materials_change(
            actor=world.reviewer, program=world.program, materials=materials, reason="x",
            now=NOW)
    world.program.refresh_from_db()
    assert world.program.application_materials == []


def test_only_the_regions_manager_sets_the_list(world, refused):
    other = build.authority("SH")
    with refused("other_region"):
        program_changes.program_materials_change(
            actor=other, program=world.program, materials=[LICENCE], reason="x", now=NOW)


def test_a_missing_required_document_blocks_submission_naming_it(program, world, refused):
    keys, documents = both_required(program)
    del documents[keys["上年度财务报表"]]
    with refused("materials_missing") as info:
        submit(program, world.enterprise, documents)
    assert info.value.message == "缺少必需的申领材料：“上年度财务报表”，请上传后再提交"
    assert info.value.extra["materials"] == [keys["上年度财务报表"]]
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    with translation.override("en"), refused("materials_missing") as info:
        submit(program, world.enterprise, {})
    assert str(info.value.message) == ("Required documents missing: “Business licence”, "
                                       "“Last year's financial statement”. Upload them, then "
                                       "submit")


def test_a_file_of_a_type_the_material_refuses_is_refused(program, world, refused):
    keys, documents = both_required(program)
    documents[keys["上年度财务报表"]] = Upload("statement.png", image_bytes("PNG"))
    with refused("invalid_evidence") as info:
        submit(program, world.enterprise, documents)
    assert info.value.message == "材料“上年度财务报表”只接受PDF文件"
    assert not Application.objects.exists()


def test_a_file_failing_the_upload_checks_is_refused(program, world, refused):
    keys, documents = both_required(program)
    documents[keys["营业执照"]] = Upload("licence.exe", b"MZ\x90\x00")
    with refused("invalid_evidence") as info:
        submit(program, world.enterprise, documents)
    assert info.value.extra["reason"] == "type"
    assert info.value.extra["field"] == f"document_{keys['营业执照']}"


def test_an_unknown_material_is_refused(program, world, refused):
    _, documents = both_required(program)
    with refused("material_unknown"):
        submit(program, world.enterprise, {**documents, "m99": Upload("x.pdf", PDF)})


def test_submission_stores_each_document_as_version_one(program, world):
    keys, documents = both_required(program)
    application = submit(program, world.enterprise, documents)

    stored = {d.material_key: d for d in application.documents.all()}
    assert set(stored) == {keys["营业执照"], keys["上年度财务报表"]}
    licence = stored[keys["营业执照"]]
    assert (licence.version, licence.content_type, licence.original_name) == (
        1, "image/png", "licence.png")
    assert licence.file.read() == image_bytes("PNG")
    [submission] = application.submissions.all()
    assert (submission.number, submission.amount_fen) == (1, 50_000_00)


def test_return_resubmit_keeps_every_submission_and_document_version(program, world):
    keys, documents = both_required(program)
    application = submit(program, world.enterprise, documents)

    application_returns.application_return(
        actor=world.reviewer, application=application, reason="财务报表不清晰", now=NOW)
    application.refresh_from_db()
    assert (application.state, application.reason) == (Application.State.RETURNED,
                                                       "财务报表不清晰")
    later = NOW + timedelta(days=1)
    application_returns.application_resubmit(
        actor=world.enterprise, application=application, amount_fen=40_000_00,
        purpose="检测（修改）", planned_categories=[build.category()],
        documents={keys["上年度财务报表"]: Upload("statement-v2.pdf", PDF + b"%v2\n")},
        now=later)

    application.refresh_from_db()
    assert (application.state, application.amount_fen, application.reason) == (
        Application.State.SUBMITTED, 40_000_00, "")
    first, second = application.submissions.order_by("number")
    assert (first.amount_fen, first.return_reason, first.returned_by) == (
        50_000_00, "财务报表不清晰", world.reviewer)
    assert (second.number, second.amount_fen, second.returned_at) == (2, 40_000_00, None)
    versions = list(application.documents.filter(material_key=keys["上年度财务报表"])
                    .order_by("version").values_list("version", "original_name", "submission"))
    assert versions == [(1, "statement.pdf", first.pk), (2, "statement-v2.pdf", second.pk)]
    assert [e.action for e in AuditEntry.objects.filter(object_type="vouchers.application")
            .order_by("pk")] == ["application_submit", "application_return",
                                 "application_resubmit"]
    # Approved after the correction, for the corrected amount.
    voucher = applications.application_approve(actor=world.reviewer, application=application,
                                               now=later)
    assert voucher.amount_fen == 40_000_00


def test_return_needs_a_reason_and_a_submitted_application(program, world, refused):
    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    with refused("invalid", application):
        application_returns.application_return(
            actor=world.reviewer, application=application, reason=" ", now=NOW)
    applications.application_reject(actor=world.reviewer, application=application,
                                    reason="不符合", now=NOW)
    with refused("illegal_transition", application):
        application_returns.application_return(
            actor=world.reviewer, application=application, reason="补充", now=NOW)


def test_only_the_issuing_regions_reviewer_returns(program, world, refused):
    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    with refused("other_region", application):
        application_returns.application_return(
            actor=build.authority("SH"), application=application, reason="补充", now=NOW)


def test_resubmission_of_a_submitted_application_is_refused(program, world, refused):
    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    with refused("illegal_transition", application):
        application_returns.application_resubmit(
            actor=world.enterprise, application=application, amount_fen=1_00, purpose="x",
            planned_categories=[build.category()], now=NOW)


def test_another_enterprise_cannot_resubmit(program, world, refused):
    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    application_returns.application_return(
        actor=world.reviewer, application=application, reason="补充", now=NOW)
    with refused("not_your_application", application):
        application_returns.application_resubmit(
            actor=build.enterprise_user("JS"), application=application, amount_fen=1_00,
            purpose="x", planned_categories=[build.category()], now=NOW)


def test_a_returned_application_blocks_a_new_one_and_counts_against_the_cap(
        program, world, refused):
    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    application_returns.application_return(
        actor=world.reviewer, application=application, reason="补充", now=NOW)
    with refused("application_returned"):
        submit(program, world.enterprise, documents)
    # The cap is 200,000 yuan (factories): the resubmission replaces its own 50,000 claim.
    cap = program.enterprise_annual_cap_fen
    with refused("over_annual_cap", application):
        application_returns.application_resubmit(
            actor=world.enterprise, application=application, amount_fen=cap + 1,
            purpose="x", planned_categories=[build.category()], now=NOW)
    application_returns.application_resubmit(
        actor=world.enterprise, application=application, amount_fen=cap, purpose="x",
        planned_categories=[build.category()], now=NOW)
    assert ApplicationSubmission.objects.filter(application=application).count() == 2


def test_resubmission_needs_the_newly_required_documents(program, world, refused):
    _keys, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    application_returns.application_return(
        actor=world.reviewer, application=application, reason="补充研发需求说明", now=NOW)
    materials = [{**m, "required": True} for m in program.application_materials]
    program_changes.program_materials_change(
        actor=world.reviewer, program=program, materials=materials, reason="必需", now=NOW)
    with refused("materials_missing", application) as info:
        application_returns.application_resubmit(
            actor=world.enterprise, application=application, amount_fen=1_00, purpose="x",
            planned_categories=[build.category()], now=NOW)
    assert info.value.message == "缺少必需的申领材料：“研发需求说明”，请上传后再提交"


def test_the_database_keeps_one_open_application_when_one_is_returned(program, world):
    from django.db import IntegrityError, transaction

    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    application_returns.application_return(
        actor=world.reviewer, application=application, reason="补充", now=NOW)
    # Even past the service's check, the partial unique index refuses a second open claim.
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            program=program, enterprise=application.enterprise, applicant=world.enterprise,
            amount_fen=1_00, purpose="x", state=Application.State.SUBMITTED, submitted_at=NOW)
    assert Application.objects.count() == 1
