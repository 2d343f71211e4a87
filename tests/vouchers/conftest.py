"""A Jiangsu program with one enterprise and a Shanghai institution, ready to use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import User
from devtools.factories import vouchers as build
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import Program, Voucher


@dataclass
class World:
    program: Program
    reviewer: User
    finance: User
    enterprise: User
    institution: User


@pytest.fixture
def world(db) -> World:
    reviewer = build.authority("JS")
    return World(
        program=build.make_program(actor=reviewer),
        reviewer=reviewer,
        finance=build.authority("JS", role=User.Role.AUTHORITY_FINANCE),
        enterprise=build.enterprise_user("JS"),
        institution=build.institution_user("SH"),
    )


@pytest.fixture
def voucher(world) -> Voucher:
    return build.issue_voucher(world.program, world.enterprise, 100_000_00, reviewer=world.reviewer)


@pytest.fixture
def ledger_clean():
    """Asserts after the test that the journal and the balances agree."""
    yield
    report = ledger_verify()
    assert report.ok, report.mismatches


def _snapshot(records) -> tuple:
    from accounts.models import AuditEntry
    from vouchers import models
    from vouchers.ledger.models import Account, Transfer

    counts = tuple(
        model.objects.count()
        for model in (
            Transfer,
            AuditEntry,
            models.Application,
            models.Voucher,
            models.ServiceOrder,
            models.Delivery,
            models.Redemption,
            models.PaymentBatch,
            models.Blacklisting,
        )
    )
    balances = tuple(
        Account.objects.order_by("pk").values_list(
            "debits_pending_fen", "debits_posted_fen", "credits_pending_fen", "credits_posted_fen"
        )
    )
    states = tuple(
        getattr(type(record).objects.get(pk=record.pk), "state", None) for record in records
    )
    return counts, balances, states


@pytest.fixture
def refused():
    """`with refused("code", record, ...):` the call fails with that code and changes nothing:
    no row, no transfer, no balance, no audit line, no state of the given records."""
    from contextlib import contextmanager

    from accounts.errors import ApplicationError

    @contextmanager
    def check(code: str, *records):
        before = _snapshot(records)
        with pytest.raises(ApplicationError) as info:
            yield info
        assert info.value.code == code, info.value.message
        assert _snapshot(records) == before

    return check
