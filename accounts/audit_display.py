"""Reading the audit trail: each line's action, changes and object in words, never codes.

`describe_entries` annotates a page of lines in a constant number of queries whatever its
length: the city and region names its values mention (one query each, only when needed) and,
per kind of record referred to, which of them the viewer may open (one query per kind). The
voucher app registers its record links and its own value formats (vouchers/audit_links.py);
this module knows nothing of it, imports point one way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import pgettext

from accounts.audit_labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    NO,
    SYSTEM,
    UNKNOWN_OBJECT,
    YES,
    action_label,
    object_label,
    permission_label,
)
from accounts.models import AuditEntry, City, Region, User
from accounts.templatetags.money import basis_points, format_yuan

# object_type → (viewer, object ids) → {object id: url} of those the viewer may open.
LinkResolver = Callable[[User | None, list[str]], dict[str, str]]
OBJECT_LINKS: dict[str, LinkResolver] = {}
# field key → value → words, for values whose meaning lives in another app.
VALUE_FORMATS: dict[str, Callable[[Any], str]] = {}
# keys whose state labels are another model's (the order's state on a delivery's line).
STATE_OF: dict[str, str] = {"order_state": "vouchers.serviceorder"}

CITY_KEYS = frozenset({"city", "cities", "added", "removed"})
# Joiners in the page's language: Chinese 、；： become ", ", "; ", ": " in English.
def list_separator() -> str:
    return pgettext("list separator", "、")


def _field_separator() -> str:
    return pgettext("field separator", "；")


def _label_separator() -> str:
    return pgettext("label separator", "：")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    has_before: bool
    has_after: bool


@dataclass(frozen=True)
class ObjectReference:
    label: str
    url: str = ""


@dataclass
class _Names:
    cities: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)


def register_object_link(object_type: str, resolver: LinkResolver) -> None:
    OBJECT_LINKS[object_type] = resolver


def describe_entries(entries: Iterable[AuditEntry], *, viewer: User | None) -> list[AuditEntry]:
    """The lines with `action_label`, `changes`, `object_reference` and `actor_label` set."""
    lines = list(entries)
    names = _load_names(lines)
    links = _load_links(lines, viewer)
    for entry in lines:
        entry.action_label = action_label(entry.action)  # type: ignore[attr-defined]
        entry.changes = entry_changes(entry, names=names)  # type: ignore[attr-defined]
        entry.object_reference = object_reference(  # type: ignore[attr-defined]
            entry, url=links.get(entry.object_type, {}).get(entry.object_id, "")
        )
        entry.actor_label = actor_label(entry)  # type: ignore[attr-defined]
    return lines


def actor_label(entry: AuditEntry) -> str:
    """The person (username), or 系统 for a task's line."""
    return entry.actor.username if entry.actor_id and entry.actor else str(SYSTEM)


def object_reference(entry: AuditEntry, *, url: str = "") -> ObjectReference | None:
    """"vouchers.serviceorder" #21 → 服务订单 #21 (the model's verbose name)."""
    if not entry.object_type:
        return None
    model = _model(entry.object_type)
    noun = object_label(entry.object_type) or (
        str(model._meta.verbose_name) if model is not None else str(UNKNOWN_OBJECT))
    label = f"{noun} #{entry.object_id}" if entry.object_id else noun
    return ObjectReference(label=label, url=url)


def entry_changes(entry: AuditEntry, *, names: _Names | None = None) -> list[Change]:
    """One line per key of before/after: the field's label, the old and the new value."""
    names = names if names is not None else _load_names([entry])
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = _model(entry.object_type)
    keys = list(before) + [key for key in after if key not in before]
    return [
        Change(
            label=field_label(key, model),
            before=format_value(key, before.get(key), model, names) if key in before else "",
            after=format_value(key, after.get(key), model, names) if key in after else "",
            has_before=key in before,
            has_after=key in after,
        )
        for key in keys
    ]


def field_label(key: str, model: type[models.Model] | None) -> str:
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    model_field = _field(model, key)
    if model_field is not None:
        return str(model_field.verbose_name)
    return key.replace("_", " ")


def format_value(
    key: str, value: Any, model: type[models.Model] | None, names: _Names
) -> str:
    """A value in words: labels for states and choices, yuan, percent, dates, 是/否, names."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(YES if value else NO)
    if key in VALUE_FORMATS:
        return VALUE_FORMATS[key](value)
    if key == "action" and isinstance(value, str):  # a filter's action, a refused permission
        return action_label(value) if value in ACTION_LABELS else permission_label(value)
    if isinstance(value, dict):
        return _field_separator().join(
            f"{field_label(name, model)}{_label_separator()}"
            f"{format_value(name, item, model, names)}"
            for name, item in value.items()
        )
    if key in CITY_KEYS:
        codes = value if isinstance(value, list) else [value]
        return list_separator().join(names.cities.get(str(code), str(code)) for code in codes)
    if key == "region":
        return names.regions.get(str(value), str(value))
    choices = _field_choices(_model(STATE_OF[key]), "state") if key in STATE_OF else (
        _field_choices(model, key))
    if isinstance(value, list):
        return list_separator().join(format_value(key, item, model, names) for item in value)
    if choices and str(value) in choices:
        return choices[str(value)]
    if isinstance(value, int) and key.endswith("_fen"):
        return format_yuan(value)
    if isinstance(value, int) and key.endswith("_bp"):
        return basis_points(value)
    if isinstance(value, str):
        return _moment(value)
    return str(value)


def _moment(text: str) -> str:
    """An ISO date or datetime written by a service, shown in the reader's format."""
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return text
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:
        return formats.date_format(moment.date(), "DATE_FORMAT")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def _model(object_type: str) -> type[models.Model] | None:
    if not object_type or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _field_choices(model: type[models.Model] | None, key: str) -> dict[str, str]:
    model_field = _field(model, key)
    if model_field is None or not model_field.choices:
        return {}
    return {str(value): str(label) for value, label in model_field.flatchoices}


def _values_of(lines: list[AuditEntry], keys: frozenset[str]) -> set[str]:
    found: set[str] = set()
    for entry in lines:
        for values in (entry.before, entry.after):
            if not isinstance(values, dict):
                continue
            for key in keys & set(values):
                value = values[key]
                found.update(str(item) for item in (value if isinstance(value, list) else [value])
                             if item is not None)
    return found


def _load_names(lines: list[AuditEntry]) -> _Names:
    names = _Names()
    city_codes = _values_of(lines, CITY_KEYS)
    if city_codes:
        names.cities = dict(City.objects.filter(code__in=city_codes).values_list("code", "name"))
    region_codes = _values_of(lines, frozenset({"region"}))
    if region_codes:
        names.regions = dict(
            Region.objects.filter(short_code__in=region_codes).values_list("short_code", "name")
        )
    return names


def _load_links(lines: list[AuditEntry], viewer: User | None) -> dict[str, dict[str, str]]:
    wanted: dict[str, set[str]] = {}
    for entry in lines:
        if entry.object_type in OBJECT_LINKS and entry.object_id:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    if viewer is None or not viewer.is_authenticated:
        return {}
    return {
        object_type: OBJECT_LINKS[object_type](viewer, sorted(ids))
        for object_type, ids in wanted.items()
    }
