"""What a log line says about the work in hand: the request or task it belongs to.

Set by `config.observability.middleware.RequestObservabilityMiddleware` for requests and by
the Celery signals in `config.observability.tasks` for tasks; read by `logs.ContextFilter`.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils.functional import SimpleLazyObject, empty

# An incoming X-Request-ID is kept only when it is short and printable ASCII without spaces,
# so that it can be echoed in a header and written into a log line as it is.
REQUEST_ID_PATTERN = re.compile(r"[\x21-\x7e]{1,64}")


@dataclass
class WorkContext:
    request_id: str | None = None
    request: Any = None  # the HttpRequest, to read its user once authentication has run
    task_id: str | None = None
    task_name: str | None = None


current_work: ContextVar[WorkContext | None] = ContextVar("current_work", default=None)


def request_id_from_header(value: str | None) -> str:
    """The caller's request id when it is acceptable, otherwise a new one."""
    if value and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


def resolved_user(request: Any) -> Any:
    """The request's user if authentication already loaded it, else None: never a query.

    AuthenticationMiddleware puts a lazy object on the request and DRF replaces it with the
    user it authenticated; a log line must not be the one that loads it.
    """
    user = getattr(request, "__dict__", {}).get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


# Region id → code: four rows of reference data that never change while a process runs.
# Filled by `remember_region_codes` (outside any log call); read without a query here.
_region_codes: dict[int, str] = {}


def cached_region_code(user: Any) -> str | None:
    """The region code of the user's organisation if that row is loaded: never a query."""
    organisation = user._state.fields_cache.get("organisation")
    if organisation is None:
        return None
    region = organisation._state.fields_cache.get("region")
    if region is not None:
        return str(region.code)
    return _region_codes.get(organisation.region_id)


def remember_region_codes(codes: dict[int, str]) -> None:
    _region_codes.clear()
    _region_codes.update(codes)


def region_code_is_known(user: Any) -> bool:
    organisation = user._state.fields_cache.get("organisation")
    return organisation is None or organisation.region_id in _region_codes
