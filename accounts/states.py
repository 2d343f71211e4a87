"""State machines: one table per record, one helper that refuses what the table does not allow."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

from accounts.errors import IllegalTransition
from accounts.models import Organisation


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


ORGANISATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    Organisation.Status.PENDING: frozenset({Organisation.Status.APPROVED, Organisation.Status.REJECTED}),
    Organisation.Status.APPROVED: frozenset(),
    Organisation.Status.REJECTED: frozenset(),
}
