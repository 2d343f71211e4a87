"""Evidence files: one visibility check shared by the download, the preview page and the
preview's images, so a file cannot be seen inline by anyone who could not download it."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.decorators import action_required
from vouchers import evidence_preview as preview
from vouchers import selectors
from vouchers.models import EvidenceFile

# The file responses are documents of their own if opened directly: they run nothing, load
# nothing, may not be framed, and live in a unique opaque origin (sandbox without allow-*).
FILE_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'; form-action 'none'"


def visible_evidence(request: HttpRequest, pk: int) -> EvidenceFile:
    """The evidence file `pk` if the user may see it (evidence.view's scope), else 404."""
    visible = selectors.evidence_visible_to(actor=request.user)
    return get_object_or_404(visible.select_related("order__voucher__program"), pk=pk)


def harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# A stored file (an evidence file, an application document): `.file`, `.content_type` (verified
# at upload) and `.original_name`. The helpers below serve both kinds the same way.
StoredFile = Any


def read_stored(record: StoredFile) -> bytes:
    try:
        with record.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise Http404 from error


def download_response(record: StoredFile) -> HttpResponse:
    """The stored file, as an attachment under its sanitised original name."""
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return harden(FileResponse(handle, as_attachment=True, filename=record.original_name,
                               content_type=record.content_type))


def preview_figures(record: StoredFile) -> dict[str, object]:
    """What a preview page shows: an image, or a PDF's first pages (or that it cannot)."""
    figures: dict[str, object] = {"pages": [], "page_count": 0, "unavailable": False,
                                  "is_image": record.content_type in preview.PREVIEW_IMAGE_TYPES}
    if record.content_type == preview.PDF_TYPE:
        try:
            outline = preview.pdf_outline(read_stored(record))
        except preview.PreviewUnavailable:
            figures["unavailable"] = True
        else:
            figures["pages"] = range(1, outline.shown_pages + 1)
            figures["page_count"] = outline.page_count
    elif not figures["is_image"]:
        figures["unavailable"] = True
    return figures


def inline_image_response(record: StoredFile) -> HttpResponse:
    """The image itself, inline, typed by the type verified at upload."""
    if record.content_type not in preview.PREVIEW_IMAGE_TYPES:
        raise Http404
    response = HttpResponse(read_stored(record), content_type=record.content_type)
    response["Content-Disposition"] = "inline"
    return harden(response)


def pdf_page_response(record: StoredFile, number: int) -> HttpResponse:
    """Page `number` of a PDF, rendered to PNG; 404 beyond the preview's pages or if it fails."""
    if record.content_type != preview.PDF_TYPE:
        raise Http404
    try:
        png = preview.pdf_page_png(read_stored(record), number=number)
    except preview.PreviewUnavailable as error:
        raise Http404 from error
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = "inline"
    return harden(response)


@action_required("evidence.view")
def evidence_download(request, pk: int):
    """Streams a stored evidence file to a user allowed to see its order, as an attachment."""
    return download_response(visible_evidence(request, pk))


@action_required("evidence.view")
def evidence_preview(request, pk: int):
    """A page showing an image, or a PDF's first pages as images, with the download link."""
    evidence = visible_evidence(request, pk)
    return render(request, "vouchers/evidence/preview.html",
                  {"evidence": evidence, "order": evidence.order, **preview_figures(evidence)})


@action_required("evidence.view")
def evidence_inline(request, pk: int):
    return inline_image_response(visible_evidence(request, pk))


@action_required("evidence.view")
def evidence_page(request, pk: int, number: int):
    return pdf_page_response(visible_evidence(request, pk), number)
