"""The pages' `?as_of=` date picker: balances as of the end of a past day (vouchers.as_of)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest

from accounts.errors import ApplicationError
from vouchers.as_of import as_of_moment


@dataclass(frozen=True)
class AsOfChoice:
    text: str  # what was typed, shown back in the picker
    moment: datetime | None  # None: today's balances
    error: str = ""


def as_of_choice(request: HttpRequest) -> AsOfChoice:
    text = request.GET.get("as_of", "").strip()
    if not text:
        return AsOfChoice("", None)
    try:
        return AsOfChoice(text, as_of_moment(text))
    except ApplicationError as error:
        return AsOfChoice(text, None, str(error.message))
