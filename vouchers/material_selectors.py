"""Reads of the application materials: the list with each material's latest document, the
submissions with their documents, and the documents a user may open."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from vouchers import visibility
from vouchers.models import Application, ApplicationDocument, ApplicationSubmission, Program
from vouchers.models.materials import MaterialFileType
from vouchers.services.application_materials import material_label


@dataclass(frozen=True)
class MaterialStatus:
    """One material of the program's list as it stands on one application (or before one)."""

    key: str
    label: str
    required: bool
    types: list[str]
    document: ApplicationDocument | None = None
    versions: list[ApplicationDocument] = field(default_factory=list)

    @property
    def types_label(self) -> str:
        return "、".join(str(MaterialFileType(t).label) for t in self.types)


def program_material_list(*, program: Program) -> list[MaterialStatus]:
    """The program's materials, for the program page and the application form."""
    return [MaterialStatus(key=m["key"], label=material_label(m), required=m["required"],
                           types=m["types"]) for m in program.application_materials]


def application_materials_status(*, application: Application) -> list[MaterialStatus]:
    """Each material of the program's list with the application's documents for it, newest
    first; a document for a material since removed from the list is shown after them."""
    documents: dict[str, list[ApplicationDocument]] = {}
    for document in application.documents.select_related("submission").order_by(
            "material_key", "-version"):
        documents.setdefault(document.material_key, []).append(document)
    rows = []
    for material in application.program.application_materials:
        versions = documents.pop(material["key"], [])
        rows.append(MaterialStatus(
            key=material["key"], label=material_label(material), required=material["required"],
            types=material["types"], document=versions[0] if versions else None,
            versions=versions))
    for key, versions in documents.items():
        rows.append(MaterialStatus(key=key, label=versions[0].display_material_name,
                                   required=False, types=[], document=versions[0],
                                   versions=versions))
    return rows


def application_submissions(*, application: Application) -> QuerySet[ApplicationSubmission]:
    """The application's submissions, newest first, each with the documents sent with it."""
    return (
        application.submissions.select_related("submitted_by", "returned_by")
        .prefetch_related(Prefetch("documents",
                                   queryset=ApplicationDocument.objects.order_by("material_key")))
        .order_by("-number")
    )


def documents_visible_to(*, actor: User) -> QuerySet[ApplicationDocument]:
    """Documents of the applications the actor may see (application.view's scope)."""
    applications = visibility.applications_visible_to(actor=actor, action="application.view")
    return ApplicationDocument.objects.filter(application__in=applications).select_related(
        "application__program")
