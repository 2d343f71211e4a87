"""Application documents (申领材料): download, preview page, inline image and PDF pages, for
whoever may see the application (application.view's scope), hardened as evidence files are."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.decorators import action_required
from vouchers import evidence_preview as preview
from vouchers import material_selectors
from vouchers.models import ApplicationDocument
from vouchers.views.evidence import harden


def visible_document(request: HttpRequest, pk: int) -> ApplicationDocument:
    """The document `pk` if the user may see its application, else 404."""
    visible = material_selectors.documents_visible_to(actor=request.user)
    return get_object_or_404(visible, pk=pk)


def _read(document: ApplicationDocument) -> bytes:
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise Http404 from error


@action_required("application.view")
def document_download(request, pk: int):
    """The stored file, as an attachment under its sanitised original name."""
    document = visible_document(request, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return harden(FileResponse(handle, as_attachment=True, filename=document.original_name,
                               content_type=document.content_type))


@action_required("application.view")
def document_preview(request, pk: int):
    """An image, or a PDF's first pages as images, with the download link."""
    document = visible_document(request, pk)
    context: dict[str, object] = {
        "document": document, "application": document.application, "pages": [],
        "page_count": 0, "unavailable": False,
        "is_image": document.content_type in preview.PREVIEW_IMAGE_TYPES,
    }
    if document.content_type == preview.PDF_TYPE:
        try:
            outline = preview.pdf_outline(_read(document))
        except preview.PreviewUnavailable:
            context["unavailable"] = True
        else:
            context["pages"] = range(1, outline.shown_pages + 1)
            context["page_count"] = outline.page_count
    elif not context["is_image"]:
        context["unavailable"] = True
    return render(request, "vouchers/materials/preview.html", context)


@action_required("application.view")
def document_inline(request, pk: int):
    document = visible_document(request, pk)
    if document.content_type not in preview.PREVIEW_IMAGE_TYPES:
        raise Http404
    response = HttpResponse(_read(document), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    return harden(response)


@action_required("application.view")
def document_page(request, pk: int, number: int):
    """Page `number` of a PDF document as PNG; 404 beyond the preview's pages or on failure."""
    document = visible_document(request, pk)
    if document.content_type != preview.PDF_TYPE:
        raise Http404
    try:
        png = preview.pdf_page_png(_read(document), number=number)
    except preview.PreviewUnavailable as error:
        raise Http404 from error
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = "inline"
    return harden(response)
