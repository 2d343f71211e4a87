"""Set-up shared by the HTTP benchmarks: an open program, enterprises with API tokens.

Everything goes through the real services (the tests' builders), except that users get an
unusable password (hashing one per enterprise would dominate the set-up; the API uses tokens).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone


def now() -> datetime:
    return datetime.now(tz=UTC)


def open_program(*, name: str, budget_fen: int, cap_fen: int):
    """A Jiangsu program open for applications now, funded with `budget_fen`.

    `name` differs per benchmark: (region, year, name) is unique.
    """
    from devtools.factories import vouchers as build

    moment = now()
    return build.make_program(
        region_code="JS",
        name=name,
        budget_fen=budget_fen,
        enterprise_annual_cap_fen=cap_fen,
        **build.dates_open_all_year(moment),
    )


def token_for(user) -> str:
    from accounts.services import api_token_create

    _token, raw = api_token_create(actor=user, name="bench", now=timezone.now())
    return raw


def enterprises(count: int) -> list[tuple[object, str]]:
    """`count` approved Jiangsu enterprises' users with their raw API tokens."""
    import factory

    from accounts.models import User
    from devtools.factories.accounts import OrganisationFactory, UserFactory

    users = [
        UserFactory(
            organisation=OrganisationFactory(),
            role=User.Role.ENTERPRISE,
            # Force: factory_boy would hash even an explicit value (~0.3 s each).
            password=factory.Transformer.Force("!"),  # unusable password: tokens only
        )
        for _ in range(count)
    ]
    return [(user, token_for(user)) for user in users]


def reviewer(region_code: str = "JS"):
    from devtools.factories.accounts import UserFactory

    return UserFactory.authority(region_code)


def issue(program, user, amount_fen: int, approver):
    """A voucher for `user` through application_submit and application_approve, now."""
    from devtools.factories.vouchers import category
    from vouchers.services import applications

    application = applications.application_submit(
        actor=user,
        program=program,
        amount_fen=amount_fen,
        purpose="检测新产品",
        planned_categories=[category()],
        now=now(),
    )
    return applications.application_approve(actor=approver, application=application, now=now())
