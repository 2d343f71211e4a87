"""The simulation's bulk registration writes the rows the services would, field by field."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from accounts.credit_codes import compose_credit_code
from accounts.models import AuditEntry, Organisation, User
from devtools.simulation import parties
from devtools.simulation.plan import at
from devtools.simulation.year import YearSimulation
from vouchers.ledger.models import Account, Transfer
from vouchers.models import InstitutionService

SCALE = 0.004  # 24 enterprises and 13 institutions (at least 2 a region)
SEED = 11
# Ids; wall-clock timestamps (Organisation.created_at, User.date_joined: the services take
# no `now=` for them); the password, which the services hash from a random secret and the
# bulk path leaves unusable (asserted apart).
UNCOMPARED = {
    "Organisation": {"id", "created_at"},
    "User": {"id", "date_joined", "password"},
    "AuditEntry": {"id"},
    "InstitutionService": {"id"},
}
MODELS = (Organisation, User, AuditEntry, InstitutionService)


def _registered_world(*, year: int, bulk: bool) -> tuple[YearSimulation, dict[str, list]]:
    simulation = YearSimulation(
        year=year,
        scale=SCALE,
        enterprises=6000,
        institutions=3000,
        seed=SEED,
        bulk_registration=bulk,
    )
    simulation.parties = parties.authorities(prefix=simulation.prefix, now=at(year, 1, 2))
    parties.common_area(prefix=simulation.prefix, now=at(year, 1, 2))
    last = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in MODELS
    }
    simulation.register_parties()
    rows = {
        model.__name__: list(model.objects.filter(pk__gt=last[model]).order_by("pk").values())
        for model in MODELS
    }
    return simulation, rows


class Normaliser:
    """One world's rows with what differs by construction between two years replaced:
    ids by what they point to, the username prefix and the serial numbers (names,
    usernames and credit codes encode `serial_base + n`) by `n`, moments by their date
    and time without the year."""

    def __init__(self, simulation: YearSimulation, rows: dict[str, list]) -> None:
        self.prefix = simulation.prefix
        self.serial_base = simulation.serial_base
        self.organisations = {row["id"]: self.text(row["name"]) for row in rows["Organisation"]}
        self.users = {row["id"]: self.text(row["username"]) for row in rows["User"]}
        self.users |= {
            user.pk: self.text(user.username)
            for party in simulation.parties.values()
            for user in (party.reviewer, party.finance)
        }
        self.codes = {row["credit_code"]: self.credit_code(row) for row in rows["Organisation"]}
        self.services = {
            row["id"]: (self.organisation(row["institution_id"]), row["category_id"])
            for row in rows["InstitutionService"]
        }

    def text(self, value: str) -> str:
        value = value.replace(self.prefix, "<prefix>")
        return re.sub(r"\d{9,}", lambda match: f"<{int(match[0]) - self.serial_base}>", value)

    def credit_code(self, row: dict) -> tuple[str, bool]:
        serial = int(re.search(r"\d{9,}", row["name"])[0])
        code = row["credit_code"]
        return code[:8], code == compose_credit_code(division=code[2:8], serial=serial)

    def organisation(self, pk: int | None) -> Any:
        return self.organisations.get(pk, pk)  # authorities are shared by both worlds

    def target(self, object_type: str, object_id: str) -> Any:
        lookup = {
            "accounts.organisation": self.organisation,
            "accounts.user": self.users.get,
            "vouchers.institutionservice": self.services.get,
        }[object_type]
        return lookup(int(object_id))

    def rows(self, rows: dict[str, list]) -> dict[str, list]:
        return {
            "Organisation": [
                plain(
                    "Organisation",
                    row,
                    name=self.text(row["name"]),
                    credit_code=self.codes[row["credit_code"]],
                )
                for row in rows["Organisation"]
            ],
            "User": [
                plain(
                    "User",
                    row,
                    username=self.text(row["username"]),
                    organisation_id=self.organisation(row["organisation_id"]),
                )
                for row in rows["User"]
            ],
            "AuditEntry": [self.audit(row) for row in rows["AuditEntry"]],
            "InstitutionService": [
                plain(
                    "InstitutionService",
                    row,
                    institution_id=self.organisation(row["institution_id"]),
                )
                for row in rows["InstitutionService"]
            ],
        }

    def audit(self, row: dict) -> dict:
        after = dict(row["after"] or {})
        if "credit_code" in after:
            after["credit_code"] = self.codes[after["credit_code"]]
        return plain(
            "AuditEntry",
            row,
            actor_id=self.users.get(row["actor_id"]),
            organisation_id=self.organisation(row["organisation_id"]),
            object_id=self.target(row["object_type"], row["object_id"]),
            after=after,
        )


def plain(model: str, row: dict, **replaced: Any) -> dict:
    kept = {name: value for name, value in row.items() if name not in UNCOMPARED[model]}
    return {name: _in_any_year(value) for name, value in (kept | replaced).items()}


def _in_any_year(value: Any) -> Any:
    """The two worlds are simulated in two years: a moment compares without its year."""
    return value.strftime("%m-%d %H:%M:%S.%f%z") if isinstance(value, datetime) else value


def test_bulk_registration_writes_what_the_services_write(db):
    # Given one seed, when the parties of one year register through the services and those
    # of another year in bulk
    ledger = (Account.objects.count(), Transfer.objects.count())
    by_services, service_rows = _registered_world(year=2025, bulk=False)
    by_bulk, bulk_rows = _registered_world(year=2026, bulk=True)

    # Then every row is the same, field by field and in the same order, ids aside
    expected = Normaliser(by_services, service_rows).rows(service_rows)
    written = Normaliser(by_bulk, bulk_rows).rows(bulk_rows)
    for model in ("Organisation", "User", "InstitutionService", "AuditEntry"):
        assert written[model] == expected[model], model
    assert {len(rows) for rows in (expected["Organisation"], written["Organisation"])} == {37}
    assert all(code_ok for _, code_ok in Normaliser(by_bulk, bulk_rows).codes.values())
    actions = [row["action"] for row in written["AuditEntry"]]
    assert actions.count("organisation_register") == 37
    assert actions.count("catalogue_entry_add") == len(written["InstitutionService"]) > 13
    # And the simulation's view of the parties is the same
    assert by_bulk.registered() == by_services.registered() == (24, 13)
    assert [len(c) for c in by_bulk.catalogue.values()] == [
        len(c) for c in by_services.catalogue.values()
    ]
    # Only the passwords differ: a hash of a random secret, or none usable at all
    service_users = User.objects.filter(pk__in=[row["id"] for row in service_rows["User"]])
    bulk_users = User.objects.filter(pk__in=[row["id"] for row in bulk_rows["User"]])
    assert all(user.has_usable_password() for user in service_users)
    assert not any(user.has_usable_password() for user in bulk_users)
    # And registration writes nothing in the ledger
    assert (Account.objects.count(), Transfer.objects.count()) == ledger
