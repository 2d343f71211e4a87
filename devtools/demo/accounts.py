"""Demo organisations and logins for `make run`. Idempotent: looks up before it creates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts import services
from accounts.credit_codes import compose_credit_code
from accounts.models import City, Organisation, Region, User

DEMO_PASSWORD = "yrd-demo-2024"  # noqa: S105 - printed for the demo on purpose
DEMO_OPERATOR_NAME = "长三角科技资源共享服务平台"

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


# Regions whose demo has a two-tier program (devtools.demo.vouchers): a city reviewer for the
# city of the region's demo enterprise (js_city_reviewer: Suzhou).
DEMO_CITY_REVIEWERS = {"JS"}


@dataclass(frozen=True)
class DemoParty:
    """An enterprise or institution that sits where its name says: its city, and a credit code
    registered in a district of that city (characters 3–8), with the city's telephone code."""

    name: str
    district: str  # its city is the first four digits: 320102 玄武区 → 320100 南京市
    phone: str
    street: str

    @property
    def city(self) -> str:
        return f"{self.district[:4]}00"


# Per region: (its enterprise, its institution). Each pair is in one region; the institution
# may sit in another city of it (Jiangsu's enterprise is in Suzhou, its institution in Nanjing).
DEMO_PARTIES = [
    (
        "SH",
        DemoParty("上海浦江微电子有限公司", "310115", "021-5080", "浦东新区祖冲之路"),
        DemoParty("上海张江检测技术服务有限公司", "310115", "021-6895", "浦东新区张衡路"),
    ),
    (
        "JS",
        DemoParty("苏州吴中精密机械有限公司", "320506", "0512-6601", "吴中区东吴北路"),
        DemoParty("南京紫金分析测试中心有限公司", "320102", "025-8431", "玄武区中山门大街"),
    ),
    (
        "ZJ",
        DemoParty("杭州西溪智能科技有限公司", "330106", "0571-8702", "西湖区文一西路"),
        DemoParty("宁波甬江材料检测研究院有限公司", "330205", "0574-8765", "江北区甬江大道"),
    ),
    (
        "AH",
        DemoParty("合肥蜀山新能源有限公司", "340104", "0551-6551", "蜀山区黄山路"),
        DemoParty("芜湖长江工业设计研究院有限公司", "340202", "0553-3112", "镜湖区长江路"),
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str


def load_accounts_demo(*, now: datetime) -> list[DemoLogin]:
    """Each step is its own service transaction; a rerun finds everything and creates nothing."""
    operator = _organisation(
        kind=Organisation.Kind.OPERATOR,
        name=DEMO_OPERATOR_NAME,
        region=Region.objects.get(short_code="SH"),
    )
    operator_user = _user(operator, "operator", User.Role.OPERATOR, now=now)
    for code in DEMO_ANHUI_COMMON_AREA:
        city = City.objects.get(code=code)
        if not city.in_common_area:
            services.city_set_common_area(
                actor=operator_user,
                city=city,
                in_common_area=True,
                reason="演示数据：安徽省通用区域城市名单须由平台运营方核实确认",
                now=now,
            )
    for index, (short_code, enterprise, institution) in enumerate(DEMO_PARTIES):
        region = Region.objects.get(short_code=short_code)
        authority = _organisation(
            kind=Organisation.Kind.AUTHORITY, name=region.authority_name, region=region
        )
        prefix = short_code.lower()
        _user(authority, f"{prefix}_reviewer", User.Role.AUTHORITY_REVIEWER, now=now)
        _user(authority, f"{prefix}_finance", User.Role.AUTHORITY_FINANCE, now=now)
        if short_code in DEMO_CITY_REVIEWERS:  # two-tier review: the enterprise's city
            _user(authority, f"{prefix}_city_reviewer", User.Role.CITY_REVIEWER, now=now,
                  review_city=City.objects.get(code=enterprise.city))
        for kind, party, role, serial in (
            (Organisation.Kind.ENTERPRISE, enterprise, User.Role.ENTERPRISE, 1000 + index),
            (Organisation.Kind.INSTITUTION, institution, User.Role.INSTITUTION, 2000 + index),
        ):
            organisation = _party(kind, party, region, serial)
            _user(organisation, f"{prefix}_{kind}", role, now=now)
    return [
        DemoLogin(user.username, user.get_role_display(), user.organisation.name)
        for user in User.objects.filter(username__in=demo_usernames())
        .select_related("organisation")
        .order_by("organisation__region__code", "username")
    ]


def demo_organisation_names() -> set[str]:
    """Every organisation the demo makes: the operator, each region's authority, the parties."""
    names = {DEMO_OPERATOR_NAME, *Region.objects.values_list("authority_name", flat=True)}
    for _short_code, enterprise, institution in DEMO_PARTIES:
        names |= {enterprise.name, institution.name}
    return names


def _party(kind: str, party: DemoParty, region: Region, serial: int) -> Organisation:
    city = City.objects.get(code=party.city)
    city_prefix = "" if city.name == region.name else city.name  # 上海市浦东新区…
    return _organisation(
        kind=kind,
        name=party.name,
        region=region,
        city=city,
        credit_code=compose_credit_code(division=party.district, serial=serial),
        legal_representative=f"{party.name[:2]}代表",
        contact_phone=f"{party.phone}{serial:04d}",
        address=f"{region.name}{city_prefix}{party.street}{serial % 1000 + 1}号",
    )


def demo_usernames() -> list[str]:
    names = ["operator"]
    for short_code, *_ in DEMO_PARTIES:
        prefix = short_code.lower()
        names += [
            f"{prefix}_{suffix}" for suffix in ("reviewer", "finance", "enterprise", "institution")
        ]
        if short_code in DEMO_CITY_REVIEWERS:
            names.append(f"{prefix}_city_reviewer")
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


def _user(organisation: Organisation, username: str, role: str, *, now: datetime,
          review_city: City | None = None) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return services.user_create(
        actor=None,
        organisation=organisation,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        # Demo mail is written under var/mail/ (no EMAIL_URL), to RFC 2606's reserved domain.
        email=f"{username}@example.com",
        review_city=review_city,
        now=now,
    )
