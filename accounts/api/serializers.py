"""The base of every request body's serializer: a key the body does not define is refused.

DRF ignores unknown keys. For money that is dangerous: an approval sent as
`{"amount_fne": 100}` read as "no amount" and approved the whole claim. So a body's keys are
its fields and nothing else (400 `unknown_field`, naming each), and the schema says so
(`additionalProperties: false`, added by accounts.api.schema for every InputSerializer).

Control characters are refused here as well as in the parsers: a serializer is also fed by
code that bypasses them (tests, other views), and a NUL reaching a code lookup such as a
SlugRelatedField's query is a database error on PostgreSQL, not a validation error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.api.parsers import control_character_error, refuse_control_characters


class InputSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({
                    key: [serializers.ErrorDetail(_("不接受的字段"), code="unknown_field")]
                    for key in unknown
                })
            for key, value in data.items():
                try:
                    refuse_control_characters(value)
                except serializers.ValidationError:
                    raise control_character_error(str(key)) from None
        return super().to_internal_value(data)
