"""Application documents (申领材料): download, preview page, inline image and PDF pages, for
whoever may see the application (application.view's scope), hardened as evidence files are."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render

from accounts.decorators import action_required
from vouchers import material_selectors
from vouchers.models import ApplicationDocument
from vouchers.views.evidence import (
    download_response,
    inline_image_response,
    pdf_page_response,
    preview_figures,
)


def visible_document(request: HttpRequest, pk: int) -> ApplicationDocument:
    """The document `pk` if the user may see its application, else 404."""
    visible = material_selectors.documents_visible_to(actor=request.user)
    return get_object_or_404(visible, pk=pk)


@action_required("application.view")
def document_download(request, pk: int):
    """The stored file, as an attachment under its sanitised original name."""
    return download_response(visible_document(request, pk))


@action_required("application.view")
def document_preview(request, pk: int):
    """An image, or a PDF's first pages as images, with the download link."""
    document = visible_document(request, pk)
    return render(request, "vouchers/materials/preview.html", {
        "document": document, "application": document.application,
        **preview_figures(document)})


@action_required("application.view")
def document_inline(request, pk: int):
    return inline_image_response(visible_document(request, pk))


@action_required("application.view")
def document_page(request, pk: int, number: int):
    """Page `number` of a PDF document as PNG; 404 beyond the preview's pages or on failure."""
    return pdf_page_response(visible_document(request, pk), number)
