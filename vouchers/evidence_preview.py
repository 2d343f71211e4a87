"""Evidence previews: PDF pages rendered to PNG on the server, within fixed bounds.

Why on the server: a phone's browser (Chrome on Android) shows no PDF inline at all, and the
site's policy (`object-src 'none'`, `frame-ancestors 'none'`) rightly forbids embedding a
plugin document; a PNG in an `<img>` works everywhere and runs nothing in the reviewer's page.
Uploads were already checked (accounts/uploads.py: no active content, no compression bombs);
rendering is further bounded here by pages, pixels and one document at a time (PDFium is not
thread-safe). Any PDFium failure is a `PreviewUnavailable`, never a server error.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pypdfium2

MAX_PREVIEW_PAGES = 8
PAGE_WIDTH_PIXELS = 1000  # sharp enough to read an invoice's small print
MAX_SCALE = 3.0  # a tiny page is not blown up beyond this
MAX_PAGE_PIXELS = 4_000_000  # a very tall or wide page is rendered smaller instead
PREVIEW_IMAGE_TYPES = ("image/png", "image/jpeg")
PDF_TYPE = "application/pdf"

_PDFIUM = threading.Lock()


class PreviewUnavailable(Exception):
    """The stored PDF cannot be opened or a page cannot be rendered."""


@dataclass(frozen=True)
class PdfOutline:
    page_count: int
    shown_pages: int


def previewable(content_type: str) -> bool:
    """Whether the stored, verified type (never the request's) has a preview."""
    return content_type == PDF_TYPE or content_type in PREVIEW_IMAGE_TYPES


def pdf_outline(content: bytes) -> PdfOutline:
    with _PDFIUM:
        document = _open(content)
        try:
            count = len(document)
        finally:
            document.close()
    if count < 1:
        raise PreviewUnavailable("no pages")
    return PdfOutline(page_count=count, shown_pages=min(count, MAX_PREVIEW_PAGES))


def pdf_page_png(content: bytes, *, number: int) -> bytes:
    """Page `number` (1-based, within the first MAX_PREVIEW_PAGES) as PNG bytes."""
    if not 1 <= number <= MAX_PREVIEW_PAGES:
        raise PreviewUnavailable("page out of range")
    with _PDFIUM:
        document = _open(content)
        try:
            if number > len(document):
                raise PreviewUnavailable("page out of range")
            page = document[number - 1]
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=page_scale(width, height))
                # encoded while the bitmap, whose memory the PIL image shares, is alive
                output = io.BytesIO()
                bitmap.to_pil().save(output, format="PNG")
            except pypdfium2.PdfiumError as error:
                raise PreviewUnavailable(str(error)) from error
            finally:
                page.close()
        finally:
            document.close()
    return output.getvalue()


def page_scale(width_points: float, height_points: float) -> float:
    """The scale that renders a page PAGE_WIDTH_PIXELS wide, within MAX_PAGE_PIXELS."""
    if width_points <= 0 or height_points <= 0:
        raise PreviewUnavailable("empty page")
    scale = min(PAGE_WIDTH_PIXELS / width_points, MAX_SCALE)
    area = width_points * height_points * scale * scale
    if area > MAX_PAGE_PIXELS:
        scale *= (MAX_PAGE_PIXELS / area) ** 0.5
    return scale


def _open(content: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError as error:
        raise PreviewUnavailable(str(error)) from error
