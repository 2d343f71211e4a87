"""One transaction per use case, and one per idempotent request.

A public service runs in `service_transaction`: a durable transaction of its own, so calling
it inside another transaction (a service calling a service, a view wrapping one by accident)
is refused with Django's RuntimeError, as `transaction.atomic(durable=True)` does.

The one exception is `request_transaction`: an idempotent request (the API's Idempotency-Key,
the pages' one-time form tokens) claims its key, runs its service and stores the response it
answers in one transaction, so that the effect and its stored response commit, or roll back,
together (accounts/idempotency.py). The service called directly inside that transaction joins
it; anything nested deeper is still refused. The API's requests open it with
`service_savepoint=False`: their views never catch a service's error (it leaves the request
transaction and rolls all of it back), so the service needs no savepoint of its own.
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

# The depth of Django's atomic blocks just inside the open request transaction, if any, and
# whether the service called directly in it takes a savepoint.
_request_depth: ContextVar[tuple[int, bool] | None] = ContextVar(
    "request_transaction_depth", default=None
)


@contextmanager
def request_transaction(*, service_savepoint: bool = True) -> Iterator[None]:
    """The durable transaction of an idempotent request; the service called directly in it
    joins it instead of refusing to nest (without a savepoint if `service_savepoint` is
    false: only for callers that let every error of the service end the transaction)."""
    with transaction.atomic(durable=True):
        token = _request_depth.set((len(connection.atomic_blocks), service_savepoint))
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
        joined = _request_depth.get()
        if joined is None or len(connection.atomic_blocks) != joined[0]:
            joined = None  # not directly inside a request transaction: a durable one
        with transaction.atomic(
            durable=joined is None, savepoint=joined is None or joined[1]
        ):
            return function(*args, **kwargs)

    return wrapper
