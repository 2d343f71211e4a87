"""A cross-region world for the page tests: a Jiangsu program, a Jiangsu enterprise, a Shanghai
institution, and users of every role; built through the services (devtools/factories)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import User
from devtools.factories import vouchers as f
from devtools.factories.accounts import UserFactory
from vouchers.models import Program


@dataclass
class World:
    program: Program
    enterprise: User
    institution: User
    reviewer: User
    finance: User
    other_enterprise: User
    other_institution: User
    shanghai_reviewer: User
    operator: User


@pytest.fixture
def world(db):
    """A program open now (the pages read the real clock)."""
    today = timezone.now()
    reviewer = f.authority("JS")
    program = f.make_program(actor=reviewer, **f.dates_open_all_year(today))
    return World(
        program=program,
        enterprise=f.enterprise_user("JS", name="苏州精密制造有限公司"),
        institution=f.institution_user("SH", name="上海测试技术研究院"),
        reviewer=reviewer,
        finance=f.authority("JS", role=User.Role.AUTHORITY_FINANCE),
        other_enterprise=f.enterprise_user("ZJ", name="杭州别家企业"),
        other_institution=f.institution_user("ZJ", name="浙江别家机构"),
        shanghai_reviewer=f.authority("SH"),
        operator=UserFactory(
            organisation=f.OrganisationFactory(kind="operator", credit_code=None,
                                               region_code="SH", city=None),
            role=User.Role.OPERATOR,
        ),
    )


def token(response) -> str:
    """The one-time token of the (first) form on a page."""
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', response.content.decode())[1]


def issue(world: World, amount_fen: int = 100_000_00):
    """An approved application and its voucher, now."""
    from vouchers.services import applications

    application = applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=amount_fen,
        purpose="检测新产品", planned_categories=[f.category()], now=timezone.now(),
    )
    return applications.application_approve(
        actor=world.reviewer, application=application, now=timezone.now()
    )


def confirmed_order(world: World, *, invoice: str = "", invoice_code: str = ""):
    """An order from the Jiangsu enterprise to the Shanghai institution, delivered with all
    evidence and confirmed: ready for the institution to request redemption."""
    voucher = issue(world)
    order = f.place_order(voucher, world.enterprise, world.institution.organisation)
    f.delivered_and_confirmed(order, world.institution, world.enterprise, invoice=invoice,
                              invoice_code=invoice_code)
    return order
