"""Demo organisations and logins for `make run`. Idempotent: looks up before it creates."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import services
from accounts.credit_codes import compose_credit_code
from accounts.models import City, Organisation, Region, User

DEMO_PASSWORD = "yrd-demo-2024"  # noqa: S105 - printed for the demo on purpose

# Anhui cities the demo treats as in the common-use area; the operator must confirm the list.
DEMO_ANHUI_COMMON_AREA = [
    "340100",
    "340200",
    "340500",
    "340700",
    "340800",
    "341100",
    "341700",
    "341800",
]

# (region short code, city code, district, enterprise name, institution name)
DEMO_PARTIES = [
    ("SH", "310100", "310115", "上海浦江微电子有限公司", "上海张江检测技术服务有限公司"),
    ("JS", "320500", "320506", "苏州吴中精密机械有限公司", "南京紫金分析测试中心有限公司"),
    ("ZJ", "330100", "330106", "杭州西溪智能科技有限公司", "宁波甬江材料检测研究院有限公司"),
    ("AH", "340100", "340104", "合肥蜀山新能源有限公司", "芜湖长江工业设计研究院有限公司"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str


def load_accounts_demo() -> list[DemoLogin]:
    """Each step is its own service transaction; a rerun finds everything and creates nothing."""
    operator = _organisation(
        kind=Organisation.Kind.OPERATOR,
        name="长三角科技资源共享服务平台",
        region=Region.objects.get(short_code="SH"),
    )
    operator_user = _user(operator, "operator", User.Role.OPERATOR)
    for code in DEMO_ANHUI_COMMON_AREA:
        city = City.objects.get(code=code)
        if not city.in_common_area:
            services.city_set_common_area(
                actor=operator_user,
                city=city,
                in_common_area=True,
                reason="演示数据：安徽省通用区域城市名单须由平台运营方核实确认",
            )
    for index, (short_code, city_code, district, enterprise, institution) in enumerate(
        DEMO_PARTIES
    ):
        region = Region.objects.get(short_code=short_code)
        authority = _organisation(
            kind=Organisation.Kind.AUTHORITY, name=region.authority_name, region=region
        )
        prefix = short_code.lower()
        _user(authority, f"{prefix}_reviewer", User.Role.AUTHORITY_REVIEWER)
        _user(authority, f"{prefix}_finance", User.Role.AUTHORITY_FINANCE)
        city = City.objects.get(code=city_code)
        for kind, name, role, serial in (
            (Organisation.Kind.ENTERPRISE, enterprise, User.Role.ENTERPRISE, 1000 + index),
            (Organisation.Kind.INSTITUTION, institution, User.Role.INSTITUTION, 2000 + index),
        ):
            party = _organisation(
                kind=kind,
                name=name,
                region=region,
                city=city,
                credit_code=compose_credit_code(division=district, serial=serial),
                legal_representative=f"{name[:2]}代表",
                contact_phone=f"0{21 + index}-5555{index:04d}",
                address=f"{region.name}{city.name}演示路{index + 1}号",
            )
            _user(party, f"{prefix}_{kind}", role)
    return [
        DemoLogin(user.username, user.get_role_display(), user.organisation.name)
        for user in User.objects.filter(username__in=_demo_usernames())
        .select_related("organisation")
        .order_by("organisation__region__code", "username")
    ]


def _demo_usernames() -> list[str]:
    names = ["operator"]
    for short_code, *_ in DEMO_PARTIES:
        prefix = short_code.lower()
        names += [
            f"{prefix}_{suffix}" for suffix in ("reviewer", "finance", "enterprise", "institution")
        ]
    return names


def _organisation(*, kind: str, name: str, region: Region, **fields) -> Organisation:
    # Demo parties are created already approved: the registration flow is shown on new sign-ups.
    organisation, _ = Organisation.objects.get_or_create(
        kind=kind,
        name=name,
        region=region,
        defaults={"status": Organisation.Status.APPROVED, **fields},
    )
    return organisation


def _user(organisation: Organisation, username: str, role: str) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return services.user_create(
        actor=None,
        organisation=organisation,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
    )
