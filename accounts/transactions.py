"""One transaction per use case, and one per idempotent request.

A public service runs in `service_transaction`: a durable transaction of its own, so calling
it inside another transaction (a service calling a service, a view wrapping one by accident)
is refused with Django's RuntimeError, as `transaction.atomic(durable=True)` does.

The one exception is `request_transaction`: an idempotent request (the API's Idempotency-Key,
the pages' one-time form tokens) claims its key, runs its service and stores the response it
answers in one transaction, so that the effect and its stored response commit, or roll back,
together (accounts/idempotency.py). The service called directly inside that transaction joins
it; anything nested deeper is still refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import connection, transaction

P = ParamSpec("P")
R = TypeVar("R")

# The depth of Django's atomic blocks just inside the open request transaction, if any.
_request_depth: ContextVar[int | None] = ContextVar("request_transaction_depth", default=None)


@contextmanager
def request_transaction() -> Iterator[None]:
    """The durable transaction of an idempotent request; the service called directly in it
    joins it instead of refusing to nest."""
    with transaction.atomic(durable=True):
        token = _request_depth.set(len(connection.atomic_blocks))
        try:
            yield
        finally:
            _request_depth.reset(token)


def in_request_transaction() -> bool:
    return _request_depth.get() is not None


def service_transaction(function: Callable[P, R]) -> Callable[P, R]:
    """Run a public service in its own durable transaction, or directly inside a
    `request_transaction` (as a savepoint of it)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(durable=not _directly_in_request_transaction()):
            return function(*args, **kwargs)

    return wrapper


def _directly_in_request_transaction() -> bool:
    depth = _request_depth.get()
    return depth is not None and len(connection.atomic_blocks) == depth
