"""The API's request parsers: JSON with a nesting limit, and no NUL in any text reaching the DB.

Python's json module recurses once per level: a body nested 100,000 deep raised RecursionError
(a 500). The depth is counted first by a cheap scan of the brackets outside strings, so a body
deeper than MAX_JSON_DEPTH is refused with 400 `json_too_deep` before json.loads sees it.
PostgreSQL cannot store U+0000 in text, and no text a person types holds the other C0 control
characters (the text rules, accounts.text, refuse them too); a NUL or other control character
but tab, line feed and carriage return in any string (or key) of a JSON or multipart body is
refused with 400 `control_character`, as the schema's patterns say, instead of failing in the
database or being stripped to nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# Deeper than any request body of the API (a program's serving cities: 3 levels).
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether `text`'s brackets, outside JSON strings, nest deeper than `limit`."""
    depth = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Each (path, string) of a parsed body, keys included; the depth is already bounded."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, str(key)
            yield from _strings(item, name)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def refuse_control_characters(data: object) -> None:
    """Raise a 400 naming the first field whose text holds a control character."""
    for field, text in _strings(data):
        if _CONTROL.search(text):
            raise control_character_error(field)


def control_character_error(field: str | None) -> exceptions.ValidationError:
    message = _("输入中含有不可见的控制字符（如 NUL），请删除后重试")
    return exceptions.ValidationError(
        {field or "non_field_errors": [exceptions.ErrorDetail(message, code="control_character")]}
    )


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_JSON_DEPTH and control
    characters in text."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise exceptions.ParseError(_("请求体不是有效的 JSON 文本")) from error
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                _("JSON 嵌套超过 %(limit)s 层") % {"limit": MAX_JSON_DEPTH}, code="json_too_deep"
            )
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        refuse_control_characters(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing control characters in the form fields and the files'
    names."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        result = super().parse(stream, media_type, parser_context)
        for field, values in result.data.lists():
            for value in values:
                if _CONTROL.search(field) or _CONTROL.search(value):
                    raise control_character_error(field)
        for field in result.files:
            names = (upload.name or "" for upload in result.files.getlist(field))
            if _CONTROL.search(field) or any(_CONTROL.search(name) for name in names):
                raise control_character_error(field)
        return result
