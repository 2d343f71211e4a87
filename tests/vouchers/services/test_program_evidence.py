"""A program's required evidence: a non-empty list of known kinds, each once."""

from __future__ import annotations

import pytest

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.models import Program
from vouchers.services import programs


def create(**fields) -> Program:
    values = {**build.PROGRAM_DEFAULTS, **fields}
    return programs.program_create(
        actor=build.authority(), now=NOW, categories={build.category(): None}, **values
    )


@pytest.mark.parametrize(
    ("kinds", "code", "message"),
    [
        (["bogus"], "evidence_kind_unknown", "未知的材料类型：bogus"),
        (["invoice", "发票", "bogus"], "evidence_kind_unknown", "未知的材料类型：bogus、发票"),
        ([], "evidence_kinds_empty", "请至少选择一种兑付所需材料"),
        (["invoice", "invoice"], "evidence_kind_repeated", "兑付所需材料不能重复"),
        ("invoice", "evidence_kinds_invalid", "兑付所需材料须为材料类型的列表"),
        ([{"kind": "invoice"}], "evidence_kinds_invalid", "兑付所需材料须为材料类型的列表"),
    ],
)
def test_unknown_empty_or_repeated_evidence_is_refused(db, refused, kinds, code, message):
    with refused(code) as info:
        create(required_evidence=kinds)
    assert info.value.message == message
    assert info.value.extra["field"] == "required_evidence"
    assert not Program.objects.exists()


def test_known_kinds_are_kept_in_their_canonical_order(db):
    program = create(required_evidence=["report", "contract"])
    program.refresh_from_db()
    assert program.required_evidence == ["contract", "report"]


def test_an_update_to_an_unknown_kind_is_refused_and_changes_nothing(db, refused):
    program = build.make_program(required_evidence=["invoice"])
    with refused("evidence_kind_unknown", program):
        programs.program_update(
            actor=build.authority(), program=program, now=NOW, reason="调整材料",
            required_evidence=["invoice", "bogus"],
        )
    assert Program.objects.get(pk=program.pk).required_evidence == ["invoice"]
