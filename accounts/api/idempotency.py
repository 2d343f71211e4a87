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

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from accounts.api.problems import problem_response
from accounts.errors import ApplicationError
from accounts.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


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
        record, created = _claim(request, key, request_hash)
        if not created:
            return _replay(record, request_hash)
        try:
            response = method(view, request, *args, **kwargs)
        except (ApplicationError, APIException) as error:
            response = view.handle_exception(error)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or not isinstance(response, Response):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            state=IdempotencyRecord.State.DONE,
            response_status=response.status_code,
            response_body=json.loads(json.dumps(response.data, default=str)),
        )
        return response

    return wrapper


def _claim(request, key: str, request_hash: str) -> tuple[IdempotencyRecord, bool]:
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=request.user, key=key, method=request.method, path=request.path,
                request_hash=request_hash, created_at=timezone.now(),
            )
        return record, True
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=request.user, key=key), False


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        return problem_response(
            status_code=422, code="idempotency_key_reused",
            detail="该 Idempotency-Key 已用于另一个不同的请求，请使用新的键",
        )
    if record.state == IdempotencyRecord.State.IN_FLIGHT:
        return problem_response(
            status_code=409, code="idempotency_key_in_flight",
            detail="使用该 Idempotency-Key 的请求仍在处理中，请稍后重试",
            headers={"Retry-After": "1"},
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    if record.response_status >= 400:
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
