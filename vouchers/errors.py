"""Refusals of the voucher life cycle: typed, with a stable `code` and a Chinese message.

All derive from accounts.errors.ApplicationError, so the web and API layers map them once.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.utils.functional import Promise

from accounts.errors import AccessDenied, ApplicationError, Conflict, InvalidInput


class Refused(ApplicationError):
    """A business rule of the program refuses the request; `code` names the rule."""

    code = "refused"
    http_status = 409


class Blacklisted(AccessDenied):
    code = "blacklisted"


class DuplicateClaim(Conflict):
    """The invoice or contract has been redeemed before."""

    code = "duplicate_claim"


class InvalidEvidence(InvalidInput):
    code = "invalid_evidence"


class ConcurrentUpdate(Conflict):
    code = "concurrent_update"


def refuse(code: str, message: str | Promise, **extra: Any) -> NoReturn:
    raise Refused(message, code=code, extra=extra)
