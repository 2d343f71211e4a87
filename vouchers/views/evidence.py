"""Evidence files: one visibility check shared by the download, the preview page and the
preview's images, so a file cannot be seen inline by anyone who could not download it."""

from __future__ import annotations

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


def _read(evidence: EvidenceFile) -> bytes:
    try:
        with evidence.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise Http404 from error


def harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@action_required("evidence.view")
def evidence_download(request, pk: int):
    """Streams a stored evidence file to a user allowed to see its order, as an attachment."""
    evidence = visible_evidence(request, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    return harden(response)


@action_required("evidence.view")
def evidence_preview(request, pk: int):
    """A page showing an image, or a PDF's first pages as images, with the download link."""
    evidence = visible_evidence(request, pk)
    context: dict[str, object] = {"evidence": evidence, "order": evidence.order,
                                  "pages": [], "page_count": 0, "unavailable": False,
                                  "is_image": evidence.content_type
                                  in preview.PREVIEW_IMAGE_TYPES}
    if evidence.content_type == preview.PDF_TYPE:
        try:
            outline = preview.pdf_outline(_read(evidence))
        except preview.PreviewUnavailable:
            context["unavailable"] = True
        else:
            context["pages"] = range(1, outline.shown_pages + 1)
            context["page_count"] = outline.page_count
    elif not context["is_image"]:
        context["unavailable"] = True
    return render(request, "vouchers/evidence/preview.html", context)


@action_required("evidence.view")
def evidence_inline(request, pk: int):
    """The image itself, inline, typed by the type verified at upload."""
    evidence = visible_evidence(request, pk)
    if evidence.content_type not in preview.PREVIEW_IMAGE_TYPES:
        raise Http404
    response = HttpResponse(_read(evidence), content_type=evidence.content_type)
    response["Content-Disposition"] = "inline"
    return harden(response)


@action_required("evidence.view")
def evidence_page(request, pk: int, number: int):
    """Page `number` of a PDF, rendered to PNG; 404 beyond the preview's pages or if it fails."""
    evidence = visible_evidence(request, pk)
    if evidence.content_type != preview.PDF_TYPE:
        raise Http404
    try:
        png = preview.pdf_page_png(_read(evidence), number=number)
    except preview.PreviewUnavailable as error:
        raise Http404 from error
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = "inline"
    return harden(response)
