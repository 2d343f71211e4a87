"""The simulated year's parties, registered and approved through the accounts services.

Authorities and their users are created like the demo's (`user_create`); enterprises and
institutions register themselves (`organisation_register`) and are approved by their
region's reviewer; institutions go through their public notice and are admitted when it
ends (`notices_conclude_due`), then list their services (`catalogue_entry_add`).
This is the reference path, one service call at a time (`simulate_year --through-services`);
by default `devtools/simulation/bulk.py` writes the same rows in a few INSERTs, with the
same random draws (tests/vouchers/test_simulation_bulk.py compares the two).
Passwords are random and never shown: simulated users are not meant to log in. While
registering, Django's cheapest password hasher is used (the production hasher costs about
0.3 s per user, an hour for 9,000 users); the hash of an unknown random secret is as
unusable either way.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from random import Random

from django.test import override_settings

from accounts import services as account_services
from accounts.credit_codes import compose_credit_code
from accounts.models import City, District, Organisation, Region, User
from devtools.demo.accounts import DEMO_ANHUI_COMMON_AREA
from vouchers.models import ServiceCategory
from vouchers.services.catalogue import catalogue_entry_add

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ENTERPRISE_WORDS = ("精密", "智能", "新材料", "生物", "微电子", "光电", "环保", "数控", "医疗器械")
INSTITUTION_WORDS = ("检测", "分析测试", "工业设计", "技术咨询", "知识产权", "中试")


@dataclass
class RegionParties:
    region: Region
    reviewer: User
    finance: User
    enterprises: list[User] = field(default_factory=list)
    institutions: list[Organisation] = field(default_factory=list)


def _password() -> str:
    return secrets.token_urlsafe(24)


def authorities(*, prefix: str, now: datetime) -> dict[str, RegionParties]:
    """Each region's authority with a reviewer and a finance officer, and the operator."""
    parties = {}
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        for region in Region.objects.order_by("code"):
            authority, _ = Organisation.objects.get_or_create(
                kind=Organisation.Kind.AUTHORITY,
                region=region,
                name=region.authority_name,
                defaults={"status": Organisation.Status.APPROVED},
            )
            users = [
                account_services.user_create(
                    actor=None,
                    organisation=authority,
                    username=f"{prefix}_{region.short_code.lower()}_{role}",
                    password=_password(),
                    role=role,
                    now=now,
                )
                for role in (User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE)
            ]
            parties[region.short_code] = RegionParties(region, *users)
    return parties


def common_area(*, prefix: str, now: datetime) -> None:
    """The operator marks the demo's Anhui cities as common-use area (to be confirmed)."""
    uncommon = City.objects.filter(code__in=DEMO_ANHUI_COMMON_AREA, in_common_area=False)
    if not uncommon.exists():
        return
    operator_org, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.OPERATOR,
        name="长三角科技资源共享服务平台",
        defaults={
            "region": Region.objects.get(short_code="SH"),
            "status": Organisation.Status.APPROVED,
        },
    )
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        operator = account_services.user_create(
            actor=None,
            organisation=operator_org,
            username=f"{prefix}_operator",
            password=_password(),
            role=User.Role.OPERATOR,
            now=now,
        )
    for city in uncommon.order_by("code"):
        account_services.city_set_common_area(
            actor=operator,
            city=city,
            in_common_area=True,
            now=now,
            reason="模拟数据：安徽省通用区域城市名单须由平台运营方核实确认",
        )


def divisions(region: Region) -> list[str]:
    """Division codes of the region's common-use cities (Shanghai by district)."""
    cities = list(City.objects.filter(region=region, in_common_area=True).order_by("code"))
    districts = list(
        District.objects.filter(city__in=cities).order_by("code").values_list("code", flat=True)
    )
    return districts or [city.code for city in cities]


def register(
    *,
    kind: str,
    count: int,
    party: RegionParties,
    serial_base: int,
    prefix: str,
    random: Random,
    now: datetime,
    tick: Callable[[], None],
) -> list[User]:
    """`count` organisations of `kind` register in the region and are reviewed."""
    places = divisions(party.region)
    words = ENTERPRISE_WORDS if kind == Organisation.Kind.ENTERPRISE else INSTITUTION_WORDS
    users = []
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        for number in range(count):
            serial = serial_base + number
            user = account_services.organisation_register(
                kind=kind,
                name=f"{party.region.name}{random.choice(words)}{serial:06d}有限公司",
                credit_code=compose_credit_code(division=random.choice(places), serial=serial),
                username=f"{prefix}_{kind[:3]}_{serial}",
                password=_password(),
                now=now,
            )
            account_services.organisation_approve(
                actor=party.reviewer, organisation=user.organisation, now=now
            )
            users.append(user)
            tick()
    return users


def admit(*, institutions: list[Organisation], now: datetime) -> None:
    """Public notices that ended without objection are concluded: institutions admitted."""
    account_services.notices_conclude_due(now=now)


def list_services(
    *, institution_users: list[User], random: Random, now: datetime, tick: Callable[[], None]
) -> None:
    """Each institution lists one to three categories."""
    categories = list(ServiceCategory.objects.filter(is_active=True).order_by("pk"))
    for user in institution_users:
        for category in random.sample(categories, random.choice((1, 2, 2, 3))):
            catalogue_entry_add(actor=user, category=category, price_note="面议", now=now)
        tick()
