"""State machines: one table per record, one helper that refuses what the table does not allow."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from accounts.errors import IllegalTransition
from accounts.models import Objection, Organisation


def require_transition(
    transitions: Mapping[str, frozenset[str]],
    choices: type[models.TextChoices],
    current: str,
    target: str,
    *,
    record: str = "",
) -> None:
    """Raise IllegalTransition naming both states (in people's words) unless allowed."""
    if target not in transitions.get(current, frozenset()):
        labels = dict(choices.choices)
        raise IllegalTransition(
            str(labels.get(current, current)), str(labels.get(target, target)), record=record
        )


_Status = Organisation.Status
# Enterprises are admitted straight from review; institutions go through a public notice first.
ORGANISATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _Status.PENDING: frozenset({_Status.APPROVED, _Status.NOTICE, _Status.REJECTED}),
    _Status.NOTICE: frozenset({_Status.APPROVED, _Status.REJECTED}),
    _Status.APPROVED: frozenset(),
    _Status.REJECTED: frozenset(),
}

OBJECTION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    Objection.Status.OPEN: frozenset({Objection.Status.UPHELD, Objection.Status.DISMISSED}),
    Objection.Status.UPHELD: frozenset(),
    Objection.Status.DISMISSED: frozenset(),
}
