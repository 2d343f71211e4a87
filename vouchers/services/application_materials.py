"""Application materials (材料清单): the program's list, checked when a manager sets it, and
the documents an enterprise uploads for it, checked like delivery evidence (accounts.uploads)
and stored as new versions, never over an earlier one. Internal building blocks: they join
the calling service's transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NoReturn

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.errors import InvalidInput
from accounts.models import User
from accounts.models.reference import english_active
from accounts.uploads import InvalidUpload, Upload, check_upload
from vouchers.errors import InvalidEvidence
from vouchers.models import Application, ApplicationDocument, ApplicationSubmission, Program
from vouchers.models.materials import MATERIAL_CONTENT_TYPES, MaterialFileType

MAX_MATERIALS = 20
MAX_NAME_LENGTH = 64


def material_label(material: Mapping[str, Any]) -> str:
    """The material's name in the page's language."""
    if english_active() and material.get("name_en"):
        return str(material["name_en"])
    return str(material["name"])


def check_application_materials(
    items: Any, *, current: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The program's materials list, cleaned: each a name (unique), an optional English
    name, required or not, and at least one accepted type. An item keeps its `key` if it
    has one of the current list's; a new item gets the next free key (m1, m2, ...), so an
    uploaded document stays tied to its material when the list is edited."""
    if not isinstance(items, list | tuple) or not all(isinstance(i, Mapping) for i in items):
        _refuse("materials_invalid", _("申领材料清单格式无效"))
    if len(items) > MAX_MATERIALS:
        _refuse("materials_too_many", _("申领材料最多%(count)d项") % {"count": MAX_MATERIALS})
    known = {item["key"] for item in current or []}
    used = {int(key[1:]) for key in known if key[1:].isdigit()}
    cleaned: list[dict[str, Any]] = []
    names: set[str] = set()
    for item in items:
        name = str(item.get("name") or "").strip()
        if not name or len(name) > MAX_NAME_LENGTH:
            _refuse("material_name_invalid", _("每项材料须填写名称（不超过64个字）"))
        if name in names:
            _refuse("material_name_repeated",
                    _("材料名称不能重复：%(name)s") % {"name": name}, name=name)
        names.add(name)
        types = [t for t in MaterialFileType.values if t in (item.get("types") or [])]
        if not types or set(item.get("types") or []) - set(MaterialFileType.values):
            _refuse("material_types_invalid",
                    _("请为材料“%(name)s”选择接受的文件类型（PDF、PNG或JPEG）") % {"name": name},
                    name=name)
        key = str(item.get("key") or "")
        if key not in known or any(c["key"] == key for c in cleaned):
            key = f"m{max(used, default=0) + 1}"
            used.add(int(key[1:]))
        cleaned.append({"key": key, "name": name,
                        "name_en": str(item.get("name_en") or "").strip()[:128],
                        "required": bool(item.get("required")), "types": types})
    return cleaned


def documents_missing(program: Program, *, present: set[str]) -> list[dict[str, Any]]:
    """The required materials of the program with no document among `present` keys."""
    return [m for m in program.application_materials
            if m["required"] and m["key"] not in present]


def require_documents_complete(
    program: Program, *, uploads: Mapping[str, Upload], application: Application | None = None
) -> None:
    """Refuse (materials_missing, naming each) if a required material has no document,
    neither uploaded now nor kept from an earlier submission; refuse unknown materials."""
    keys = {m["key"] for m in program.application_materials}
    unknown = sorted(set(uploads) - keys)
    if unknown:
        raise InvalidInput(_("上传的材料不在本项目的材料清单中"), code="material_unknown",
                           extra={"materials": unknown})
    present = set(uploads)
    if application is not None:
        present |= set(application.documents.values_list("material_key", flat=True))
    missing = documents_missing(program, present=present)
    if missing:
        names = pgettext("list separator", "、").join(f"“{material_label(m)}”" for m in missing)
        raise InvalidInput(
            _("缺少必需的申领材料：%(names)s，请上传后再提交") % {"names": names},
            code="materials_missing",
            extra={"field": f"document_{missing[0]['key']}",
                   "materials": [m["key"] for m in missing]},
        )


def documents_store(
    *, application: Application, submission: ApplicationSubmission,
    uploads: Mapping[str, Upload], actor: User, now: datetime,
) -> list[ApplicationDocument]:
    """Check every upload, then store each as the next version of its material."""
    materials = {m["key"]: m for m in application.program.application_materials}
    checked = {key: _checked(materials[key], upload) for key, upload in uploads.items()}
    latest = dict(application.documents.values("material_key").annotate(top=Max("version"))
                  .values_list("material_key", "top"))
    stored = []
    for key, (upload, content_type, display) in sorted(checked.items()):
        extension = {"application/pdf": ".pdf", "image/png": ".png"}.get(content_type, ".jpg")
        path = default_storage.save(f"materials/{uuid.uuid4().hex}{extension}",
                                    ContentFile(upload.content))
        stored.append(ApplicationDocument.objects.create(
            application=application, submission=submission, material_key=key,
            material_name=materials[key]["name"], material_name_en=materials[key]["name_en"],
            version=latest.get(key, 0) + 1, file=path, original_name=display,
            content_type=content_type, size_bytes=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(), uploaded_by=actor,
            uploaded_at=now,
        ))
    return stored


def _checked(material: Mapping[str, Any], upload: Upload) -> tuple[Upload, str, str]:
    try:
        checked = check_upload(content=upload.content, name=upload.name)
    except InvalidUpload as error:
        raise InvalidEvidence(
            _("材料“%(name)s”：%(error)s") % {"name": material_label(material),
                                              "error": _(str(error.message))},
            extra={**error.extra, "field": f"document_{material['key']}"},
        ) from error
    accepted = [MATERIAL_CONTENT_TYPES[MaterialFileType(t)] for t in material["types"]]
    if checked.content_type not in accepted:
        labels = pgettext("list separator", "、").join(
            str(MaterialFileType(t).label) for t in material["types"])
        raise InvalidEvidence(
            _("材料“%(name)s”只接受%(types)s文件") % {"name": material_label(material),
                                                       "types": labels},
            extra={"reason": "type_not_accepted", "field": f"document_{material['key']}"},
        )
    return upload, checked.content_type, checked.display_name


def _refuse(code: str, message: str, **extra: Any) -> NoReturn:
    raise InvalidInput(message, code=code, extra={"field": "application_materials", **extra})
