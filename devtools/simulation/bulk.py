"""The simulated parties registered in bulk: the rows the services would write, in a few INSERTs.

Registering 9,000 organisations one service call at a time (register, approve, public
notice, catalogue) costs some 20 queries each. Here the same rows are written with
`bulk_create`: organisations in the state the review leaves them in, their users, and the
audit lines of `organisation_register`, `organisation_approve`, `notices_conclude_due` and
`catalogue_entry_add`, in the order those services would append them. The random draws are
the ones of `parties.register` and `parties.list_services`, in the same order, so one seed
gives one world by either path (tests/vouchers/test_simulation_bulk.py compares them field
by field). Only the passwords differ: the services hash a random secret, here the users get
an unusable password — simulated users never log in either way.

Registration writes no ledger rows: payable accounts are opened by the first order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from random import Random

from django.conf import settings
from stdnum.cn import uscc

from accounts import services as account_services
from accounts.audit import audit_entry_build
from accounts.credit_codes import LocatedCreditCode, compose_credit_code, locate_credit_code
from accounts.models import AuditEntry, Organisation, User
from accounts.services.organisations import SELF_REGISTERING_ROLES
from accounts.text import clean_text
from accounts.transactions import service_transaction
from devtools.simulation.parties import (
    ENTERPRISE_WORDS,
    INSTITUTION_WORDS,
    RegionParties,
    divisions,
)
from vouchers.models import InstitutionService, ServiceCategory

BATCH = 2000
ADMITTED_REASON = "公示期满无异议或异议不成立"  # organisation_conclude_notice's reason


class _Locator:
    """`locate_credit_code` once per division; every code is still checked (GB 32100)."""

    def __init__(self) -> None:
        self.by_division: dict[str, LocatedCreditCode] = {}

    def __call__(self, code: str) -> LocatedCreditCode:
        division = code[2:8]
        if division not in self.by_division:
            self.by_division[division] = locate_credit_code(code)
        uscc.validate(code)
        known = self.by_division[division]
        return LocatedCreditCode(code=code, region=known.region, city=known.city)


@service_transaction
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
    """`count` organisations of `kind` registered in the region and approved by its reviewer:
    an enterprise is admitted, an institution enters its public notice."""
    places = divisions(party.region)
    words = ENTERPRISE_WORDS if kind == Organisation.Kind.ENTERPRISE else INSTITUTION_WORDS
    locate = _Locator()
    reviewed = _review_outcome(kind, now)
    organisations = []
    for number in range(count):
        serial = serial_base + number
        name = f"{party.region.name}{random.choice(words)}{serial:06d}有限公司"
        located = locate(compose_credit_code(division=random.choice(places), serial=serial))
        organisations.append(
            Organisation(
                kind=kind,
                name=clean_text(name, field="name", label="单位名称", max_length=128),
                credit_code=located.code,
                region=located.region,
                city=located.city,
                **reviewed,
            )
        )
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    users = [
        _user(organisation, f"{prefix}_{kind[:3]}_{serial_base + number}")
        for number, organisation in enumerate(organisations)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    entries = []
    for user in users:
        entries += _registration_audit(user, reviewer=party.reviewer, now=now)
        tick()
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    return users


def _review_outcome(kind: str, now: datetime) -> dict:
    """The fields `organisation_approve` sets: admitted, or in public notice (公示)."""
    if kind == Organisation.Kind.INSTITUTION:
        return {
            "status": Organisation.Status.NOTICE,
            "reviewed_at": now,
            "notice_ends_at": now + timedelta(days=settings.INSTITUTION_NOTICE_DAYS),
        }
    return {"status": Organisation.Status.APPROVED, "reviewed_at": now}


def _user(organisation: Organisation, username: str) -> User:
    user = User(
        username=User.normalize_username(username),
        email="",
        organisation=organisation,
        role=SELF_REGISTERING_ROLES[organisation.kind],
        is_staff=False,
        is_superuser=False,
    )
    user.set_unusable_password()
    return user


def _registration_audit(user: User, *, reviewer: User, now: datetime) -> list[AuditEntry]:
    organisation = user.organisation
    status = organisation.status
    return [
        audit_entry_build(
            actor=user,
            action="organisation_register",
            target=organisation,
            region=organisation.region,
            now=now,
            after={
                "status": Organisation.Status.PENDING,
                "credit_code": organisation.credit_code,
                "kind": organisation.kind,
                "city": organisation.city.code if organisation.city else None,
                "actual_controller": "",
                "actual_controller_identifier": "",
                "founded_on": (organisation.founded_on.isoformat()
                               if organisation.founded_on else None),
                "integrity_declared": organisation.integrity_declared_at is not None,
                "documents": [],  # the simulation's parties register with no documents
            },
        ),
        audit_entry_build(
            actor=reviewer,
            action=f"organisation_{status}",
            target=organisation,
            region=organisation.region,
            now=now,
            before={"status": Organisation.Status.PENDING},
            after={"status": status},
        ),
    ]


def admit(*, institutions: list[Organisation], now: datetime) -> None:
    """The simulated institutions' notices end without objection and they are admitted, as
    `notices_conclude_due` would admit them; any other notice due is left to that service
    (so only then do the audit lines come in another order: ours first)."""
    _admit(institutions=institutions, now=now)
    account_services.notices_conclude_due(now=now)


@service_transaction
def _admit(*, institutions: list[Organisation], now: datetime) -> None:
    pks = sorted(institution.pk for institution in institutions)
    due: list[Organisation] = []
    for start in range(0, len(pks), BATCH):  # the service's filter, on our rows only
        due += (
            Organisation.objects.filter(
                pk__in=pks[start : start + BATCH],
                status=Organisation.Status.NOTICE,
                notice_ends_at__lte=now,
                objections__isnull=True,
            )
            .select_related("region")
            .order_by("pk")
        )
    for start in range(0, len(due), BATCH):
        Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in due[start : start + BATCH]]
        ).update(status=Organisation.Status.APPROVED, reviewed_at=now)
    AuditEntry.objects.bulk_create(
        [
            audit_entry_build(
                actor=None,
                action=f"organisation_{Organisation.Status.APPROVED}",
                target=organisation,
                region=organisation.region,
                now=now,
                before={"status": Organisation.Status.NOTICE},
                after={"status": Organisation.Status.APPROVED},
                reason=ADMITTED_REASON,
            )
            for organisation in due
        ],
        batch_size=BATCH,
    )


@service_transaction
def list_services(
    *, institution_users: list[User], random: Random, now: datetime, tick: Callable[[], None]
) -> None:
    """Each institution lists one to three categories (`catalogue_entry_add`'s rows)."""
    categories = list(ServiceCategory.objects.filter(is_active=True).order_by("pk"))
    listed: list[tuple[User, InstitutionService]] = []
    for user in institution_users:
        for category in random.sample(categories, random.choice((1, 2, 2, 3))):
            entry = InstitutionService(
                institution=user.organisation, category=category, price_note="面议"
            )
            listed.append((user, entry))
        tick()
    InstitutionService.objects.bulk_create([entry for _, entry in listed], batch_size=BATCH)
    AuditEntry.objects.bulk_create(
        [
            audit_entry_build(
                actor=user,
                action="catalogue_entry_add",
                target=entry,
                region=user.organisation.region,
                now=now,
                after={"is_active": True, "category": entry.category.code, "price_note": "面议"},
            )
            for user, entry in listed
        ],
        batch_size=BATCH,
    )
