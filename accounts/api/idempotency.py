"""The `Idempotency-Key` header on API writes.

The first request with a key is recorded with its response, in the transaction of its
effect. A replay with the same key and the same request returns that first response (header
Idempotent-Replayed); the same key with another request answers 422; a duplicate sent while
the first is still running waits for it, then replays it. A request that ends in a server
error (or dies) leaves no key, so the client may retry. Keys are per user.
Business records also carry derived keys into the ledger, so even a lost response cannot
move money twice.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpResponseBase
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.problems import problem_response
from accounts.errors import ApplicationError
from accounts.idempotency import (
    MAX_KEY_LENGTH,
    Claim,
    Outcome,
    RequestInFlight,
    idempotency_claim,
    idempotency_complete,
    idempotency_refusal_store,
    idempotency_release,
    outcome_of,
)
from accounts.transactions import request_transaction

HEADER = "Idempotency-Key"


def idempotent(method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate an API view's `post` (or other writing method)."""

    @functools.wraps(method)
    def wrapper(view: APIView, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            unkeyed: HttpResponseBase = method(view, request, *args, **kwargs)
            return unkeyed
        if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return problem_response(
                status_code=400, code="idempotency_key_invalid",
                detail=f"Idempotency-Key 须为1到{MAX_KEY_LENGTH}个可打印字符",
            )
        keyed: dict[str, Any] = {"user": request.user, "key": key, "method": request.method,
                                 "path": request.path, "request_hash": _request_hash(request)}
        now = timezone.now()
        try:
            return _run_once(view, request, method, keyed, now, *args, **kwargs)
        except (ApplicationError, APIException) as error:
            response = view.handle_exception(error)
        # A refusal committed nothing: its answer is stored on its own, for replays.
        if isinstance(response, Response) and response.status_code < 500:
            idempotency_refusal_store(**keyed, outcome=_outcome(response), now=now)
        return response

    return wrapper


def _run_once(
    view: APIView, request: Request, method: Callable[..., Any], keyed: dict[str, Any],
    now: datetime, *args: Any, **kwargs: Any,
) -> HttpResponseBase:
    """Claim, run and store the answer in one transaction: committed together or not at all."""
    # An error of the view leaves this block, so the service needs no savepoint of its own.
    with request_transaction(service_savepoint=False):
        claim = idempotency_claim(**keyed, now=now)
        if not claim.first:
            return _replay(view, claim, keyed["request_hash"])
        response: HttpResponseBase = method(view, request, *args, **kwargs)
        if not isinstance(response, Response):
            idempotency_release(claim)  # nothing to replay: the effect stands without a key
        elif response.status_code >= 500:
            transaction.set_rollback(True)
        else:
            idempotency_complete(claim, outcome=_outcome(response))
        return response


def _outcome(response: Response) -> Outcome:
    return Outcome(status=response.status_code,
                   body=json.loads(json.dumps(response.data, default=str)))


def _replay(view: APIView, claim: Claim, request_hash: str) -> Response:
    try:
        outcome = outcome_of(claim, request_hash=request_hash)
    except RequestInFlight as error:
        response = view.handle_exception(error)
        response["Retry-After"] = "1"
        return response
    except ApplicationError as error:
        return view.handle_exception(error)
    response = Response(outcome.body, status=outcome.status)
    response["Idempotent-Replayed"] = "true"
    if outcome.status >= 400:
        response.content_type = "application/problem+json"
    return response


def _request_hash(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    data = request.data
    files = getattr(data, "getlist", None) and getattr(request, "FILES", {})
    plain = data.dict() if hasattr(data, "dict") else data
    digest.update(json.dumps(plain, sort_keys=True, default=str).encode())
    for name in sorted(files or {}):
        for upload in request.FILES.getlist(name):
            digest.update(f"\n{name}:{upload.name}:{upload.size}:".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()
