"""The rules an order must pass, read from the database in one statement.

order_place locks the voucher, then reads every fact its rules need at once (blacklists, the
program's serving cities, related parties, the category's rule and the institution's
catalogue, a contract still in use, the voucher's available balance) and decides the
refusals in the order they are listed here, which is the order they were always decided in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, Q, Subquery, Value
from django.db.models.fields import BooleanField

from accounts.identity import under_one_controller
from accounts.models import Organisation
from vouchers.errors import refuse
from vouchers.ledger.models import Account
from vouchers.models import (
    Blacklisting,
    InstitutionService,
    Program,
    ProgramCategory,
    ServiceCategory,
    ServiceOrder,
    Voucher,
)
from vouchers.movements import payable_account_identity
from vouchers.services.oversight import refuse_blacklisted

OPEN_STATES = (ServiceOrder.State.PLACED, ServiceOrder.State.DELIVERED)


@dataclass(frozen=True)
class OrderParties:
    voucher: Voucher  # locked, with its program and region
    enterprise: Organisation
    institution: Organisation
    category: ServiceCategory
    contract_key: str
    payee: Organisation  # the institution (通兑) or the enterprise (通用): the program says


def order_facts(parties: OrderParties) -> dict[str, Any]:
    """What the rules below read, as one row: a handful of EXISTS and scalar subqueries."""
    program, institution = parties.voucher.program, parties.institution
    rules = ProgramCategory.objects.filter(program=program, category=parties.category)
    serving = (
        Exists(program.serving_cities.filter(pk=institution.city_id))
        if institution.city_id is not None  # filtering on it would find no city either
        else Value(False, output_field=BooleanField())
    )
    return dict(
        Program.objects.filter(pk=program.pk)
        .annotate(
            enterprise_blacklisted=Exists(
                Blacklisting.objects.filter(organisation=parties.enterprise)
            ),
            institution_blacklisted=Exists(Blacklisting.objects.filter(organisation=institution)),
            serves_city=serving,
            related_party=Exists(
                parties.enterprise.related_organisations.filter(pk=institution.pk)
            ),
            rule_id=Subquery(rules.values("pk")[:1]),
            rule_ratio_bp=Subquery(rules.values("ratio_bp")[:1]),
            offered=Exists(InstitutionService.objects.filter(
                institution=institution, category=parties.category, is_active=True
            )),
            contract_in_use=Exists(ServiceOrder.objects.filter(
                Q(state__in=OPEN_STATES), institution=institution,
                contract_key=parties.contract_key,
            )),
            available_fen=Subquery(
                Account.objects.filter(pk=parties.voucher.account_id).values(
                    available=F("credits_posted_fen") - F("debits_posted_fen")
                    - F("debits_pending_fen")
                )[:1]
            ),
            # The payee's payable account of the program if it exists (with its usual limits,
            # none); otherwise None, and the order opens it (movements.payable_account).
            payable_account_id=Subquery(
                Account.objects.filter(
                    **payable_account_identity(program, parties.payee),
                    debits_must_not_exceed_credits=False, credits_must_not_exceed_debits=False,
                ).values("pk")[:1]
            ),
        )
        .values(
            "enterprise_blacklisted", "institution_blacklisted", "serves_city", "related_party",
            "rule_id", "rule_ratio_bp", "offered", "contract_in_use", "available_fen",
            "payable_account_id",
        )
        .get()
    )


def require_orderable(
    parties: OrderParties, facts: dict[str, Any], now: datetime
) -> ProgramCategory:
    """Refuse the first rule the order breaks; the category's rule if it breaks none."""
    if facts["enterprise_blacklisted"]:
        refuse_blacklisted(parties.enterprise)
    _require_usable_voucher(parties.voucher, now)
    _require_eligible_institution(parties, facts)
    rule = _require_eligible_category(parties, facts)
    if facts["contract_in_use"]:
        refuse("contract_in_use", "该合同已有进行中的创新券订单")
    return rule


def _require_usable_voucher(voucher: Voucher, now: datetime) -> None:
    if voucher.state != Voucher.State.ACTIVE:
        refuse("voucher_not_active", f"创新券{voucher.code}已{voucher.get_state_display()}")
    if now >= voucher.expires_at:
        refuse("voucher_expired", f"创新券{voucher.code}已过使用截止时间")


def _require_eligible_institution(parties: OrderParties, facts: dict[str, Any]) -> None:
    enterprise, institution = parties.enterprise, parties.institution
    if institution.kind != Organisation.Kind.INSTITUTION or not institution.is_approved:
        refuse("institution_not_eligible", f"{institution.name}不是已通过审核的服务机构")
    if facts["institution_blacklisted"]:
        refuse_blacklisted(institution)
    if not facts["serves_city"]:
        refuse("outside_serving_area", f"{institution.name}不在本项目的服务区域内")
    institution_code, enterprise_code = institution.credit_code, enterprise.credit_code
    if institution_code is None or enterprise_code is None:  # a market party has one (DB check)
        raise ValueError("an enterprise or institution without a credit code")
    if institution_code[8:17] == enterprise_code[8:17]:
        refuse("same_legal_entity", "企业与服务机构属于同一法人，不能使用创新券")
    if facts["related_party"]:
        refuse("related_party", "企业与服务机构存在关联关系，不能使用创新券")
    if under_one_controller(enterprise, institution):
        refuse("related_party", "企业与服务机构为同一实际控制人，不能使用创新券")


def _require_eligible_category(parties: OrderParties, facts: dict[str, Any]) -> ProgramCategory:
    category, institution = parties.category, parties.institution
    if facts["rule_id"] is None:
        refuse("category_not_eligible", f"「{category.name}」不在本项目支持范围内")
    if not facts["offered"]:
        refuse("service_not_offered", f"{institution.name}未登记提供「{category.name}」服务")
    return ProgramCategory(
        pk=facts["rule_id"], program=parties.voucher.program, category=category,
        ratio_bp=facts["rule_ratio_bp"],
    )
