"""Factories for organisations and users, with valid credit codes in any city."""

from __future__ import annotations

import itertools

import factory

from accounts.credit_codes import compose_credit_code
from accounts.identity import controller_identity
from accounts.models import City, Organisation, Region, User

_serial = itertools.count(1)


def make_credit_code(division: str = "320102", serial: int | None = None) -> str:
    """A valid unified social credit code registered in `division` (6 digits)."""
    return compose_credit_code(
        division=division, serial=next(_serial) if serial is None else serial
    )


DEFAULT_CITY = {"SH": "310100", "JS": "320100", "ZJ": "330100", "AH": "340100"}


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An approved enterprise in Jiangsu unless told otherwise (`region_code`, `kind`)."""

    class Meta:
        model = Organisation

    class Params:
        region_code = "JS"

    kind = Organisation.Kind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试机构{n}有限公司")
    status = Organisation.Status.APPROVED
    region = factory.LazyAttribute(lambda o: Region.objects.get(short_code=o.region_code))
    city = factory.LazyAttribute(lambda o: City.objects.get(code=DEFAULT_CITY[o.region_code]))
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.city.code[:4] + "02"))
    actual_controller = ""
    actual_controller_identifier = ""
    # The key the services store (accounts.identity), so factory-made groups behave like real ones.
    actual_controller_key = factory.LazyAttribute(
        lambda o: controller_identity(
            name=o.actual_controller, identifier=o.actual_controller_identifier
        ).key
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = User.Role.ENTERPRISE
    password = factory.django.Password("correct-horse-battery")

    @classmethod
    def authority(cls, region_code: str, *, role: str = User.Role.AUTHORITY_REVIEWER) -> User:
        region = Region.objects.get(short_code=region_code)
        authority, _ = Organisation.objects.get_or_create(
            kind=Organisation.Kind.AUTHORITY,
            region=region,
            defaults={"name": region.authority_name, "status": Organisation.Status.APPROVED},
        )
        return cls(organisation=authority, role=role)
