"""The `Idempotency-Key` header on API writes.

The first request with a key is recorded as in flight, then with its response. A replay with
the same key and the same request returns that first response (header Idempotent-Replayed);
the same key with another request answers 422; a key whose first request is still running
answers 409. Keys are per user. A request that ends in a server error releases its key so the
client may retry. Business records also carry derived keys into the ledger, so even a lost
response cannot move money twice.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from accounts.api.problems import problem_response
from accounts.errors import ApplicationError
from accounts.idempotency import (
    MAX_KEY_LENGTH,
    Outcome,
    RequestInFlight,
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    outcome_of,
)

HEADER = "Idempotency-Key"


def idempotent(method):
    """Decorate an API view's `post` (or other writing method)."""

    @functools.wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return method(view, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return problem_response(
                status_code=400, code="idempotency_key_invalid",
                detail=f"Idempotency-Key 须为1到{MAX_KEY_LENGTH}个可打印字符",
            )
        request_hash = _request_hash(request)
        claim = idempotency_claim(
            user=request.user, key=key, method=request.method, path=request.path,
            request_hash=request_hash, now=timezone.now(),
        )
        if not claim.first:
            return _replay(view, claim, request_hash)
        try:
            response = method(view, request, *args, **kwargs)
        except (ApplicationError, APIException) as error:
            response = view.handle_exception(error)
        except BaseException:
            idempotency_release(claim)
            raise
        if response.status_code >= 500 or not isinstance(response, Response):
            idempotency_release(claim)
            return response
        body = json.loads(json.dumps(response.data, default=str))
        idempotency_complete(claim, outcome=Outcome(status=response.status_code, body=body))
        return response

    return wrapper


def _replay(view, claim, request_hash: str) -> Response:
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


def _request_hash(request) -> str:
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
