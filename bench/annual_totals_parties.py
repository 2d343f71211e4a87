"""Benchmark 2's parties: the copies' orders spread over thousands of enterprises and
institutions, as in a real region (the YRD: over 6,000 enterprises, about 3,000 institutions).

The template year has a handful of each. Each is cloned in SQL `per_party` times (every column
as registration wrote it; name suffixed `#j`, a valid credit code of its own), and
copy k's order names clone `k % per_party` of its template enterprise, institution and payee —
the redemptions' payee likewise. The two clone counts are coprime, so copy k's (enterprise,
institution) pair repeats only after their product: the distinct pairs grow with the data.

**Shortcut:** vouchers, ledger accounts and payment batches are not copied, so a copied order
still draws on its template voucher (whose enterprise is a template enterprise) and a copied
order's payable account and batch belong to the template payee. No annual figure reads those
links except returns, which follow the voucher's enterprise (a template one) on both sides;
every clone keeps its template's region and city, so every breakdown key is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max

from accounts.credit_codes import compose_credit_code
from accounts.models import Organisation

ENTERPRISES = 6_000
INSTITUTIONS = 3_000


@dataclass(frozen=True)
class Parties:
    """Clones of one kind: template party i's clone j has the id `first + i × per_party + j`."""

    originals: tuple[int, ...]
    first: int
    per_party: int

    @property
    def last(self) -> int:
        return self.first + len(self.originals) * self.per_party - 1

    def cases(self) -> list[str]:
        return [
            f"WHEN {original} THEN {self.first + i * self.per_party} + k %% {self.per_party}"
            for i, original in enumerate(self.originals)
        ]


def parties_of(stride: int) -> tuple[Parties, Parties]:
    """The clone layout for the template orders (ids up to `stride`): ENTERPRISES and
    INSTITUTIONS in all, at least, with coprime counts per template party."""
    from vouchers.models import ServiceOrder

    orders = ServiceOrder.objects.filter(pk__lte=stride)
    enterprises = sorted(set(orders.values_list("enterprise_id", flat=True)))
    institutions = sorted(set(orders.values_list("institution_id", flat=True)))
    per_enterprise = math.ceil(ENTERPRISES / len(enterprises))
    per_institution = math.ceil(INSTITUTIONS / len(institutions))
    while math.gcd(per_enterprise, per_institution) != 1:
        per_institution += 1
    first = (Organisation.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    enterprise = Parties(tuple(enterprises), first, per_enterprise)
    return enterprise, Parties(tuple(institutions), enterprise.last + 1, per_institution)


def party_clone(parties: tuple[Parties, ...], column: str) -> str:
    """SQL for copy k's party in place of the template party in `column` (`%%`: the copy's
    statement has parameters)."""
    cases = " ".join(case for kind in parties for case in kind.cases())
    return f"CASE t.{column} {cases} ELSE t.{column} END"


def clone_parties(parties: tuple[Parties, ...]) -> None:
    """Insert every clone (see the module docstring) and move the id sequence past them."""
    table = Organisation._meta.db_table
    columns = [f.column for f in Organisation._meta.concrete_fields if not f.primary_key]
    overrides = {"name": "t.name || ' #' || c.number", "credit_code": "c.credit_code"}
    select = ", ".join(overrides.get(column, f"t.{column}") for column in columns)
    clones = _clones(parties)
    with connection.cursor() as cursor:
        # Table and column names come from the model; the clones' values are bound.
        cursor.execute(
            f"INSERT INTO {table} (id, {', '.join(columns)}) "  # noqa: S608 - model names
            f"SELECT c.id, {select} FROM unnest(%s::bigint[], %s::bigint[], %s::int[], "
            f"%s::text[]) c(id, original, number, credit_code) JOIN {table} t ON t.id = c.original",
            [list(column) for column in zip(*clones, strict=True)],
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) FROM {table}",  # noqa: S608
            [table],
        )
    cloned = Organisation.objects.filter(pk__gte=parties[0].first).count()
    if cloned != len(clones):
        raise AssertionError(f"{cloned} cloned parties, not {len(clones)}")


def _clones(parties: tuple[Parties, ...]) -> list[tuple[int, int, int, str]]:
    """(id, template id, clone number, credit code) of every clone. A clone's code is valid
    (check digit included) and registered where its template's is; its organisation part
    encodes the clone's id past the serials the factories use."""
    divisions = dict(
        Organisation.objects.filter(
            pk__in=[original for kind in parties for original in kind.originals]
        ).values_list("pk", "credit_code")
    )
    return [
        (
            clone,
            original,
            number,
            compose_credit_code(division=divisions[original][2:8], serial=10**9 + clone),
        )
        for kind in parties
        for i, original in enumerate(kind.originals)
        for number in range(kind.per_party)
        for clone in [kind.first + i * kind.per_party + number]
    ]
