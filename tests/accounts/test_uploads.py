"""Uploads are checked by content: type, size, active PDF content, image bombs, names."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from accounts.uploads import InvalidUpload, check_upload, sanitise_filename
from devtools.factories.vouchers import PDF, image_bytes


def _reason(content: bytes, name: str = "x") -> str:
    with pytest.raises(InvalidUpload) as caught:
        check_upload(content=content, name=name)
    return caught.value.extra["reason"]


def test_plain_pdf_png_and_jpeg_pass_whatever_their_names():
    assert check_upload(content=PDF, name="invoice.exe").content_type == "application/pdf"
    assert check_upload(content=image_bytes("PNG"), name="a.pdf").extension == ".png"
    assert check_upload(content=image_bytes("JPEG"), name="b").content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00 an executable", "type"),
        (b"<html><script>alert(1)</script>", "type"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "too_large"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "corrupt"),
    ],
)
def test_refusals_say_why(content, reason):
    assert _reason(content) == reason


@pytest.mark.parametrize(
    "payload",
    [
        b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>",
        b"<< /OpenAction << /S /Launch /F (cmd.exe) >> >>",
        b"<< /S /J#61vaScript /JS (x) >>",
        b"<< /Type /EmbeddedFile >>",
    ],
)
def test_pdf_with_active_content_is_refused(payload):
    assert _reason(b"%PDF-1.7\n1 0 obj " + payload + b" endobj\n") == "pdf_active_content"


def test_pdf_hiding_javascript_in_a_compressed_stream_is_refused():
    hidden = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    pdf = b"%PDF-1.7\n1 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
    assert _reason(pdf + hidden + b"\nendstream\nendobj\n") == "pdf_active_content"


def test_pdf_with_a_compression_bomb_is_refused():
    bomb = zlib.compress(b"\x00" * (25 * 1024 * 1024), 9)
    pdf = b"%PDF-1.7\n1 0 obj << /Filter /FlateDecode >>\nstream\n" + bomb + b"\nendstream\n"
    assert _reason(pdf) == "pdf_bomb"


def test_image_bomb_is_refused_from_its_header():
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 64 Mpx, tiny on disk
    assert len(buffer.getvalue()) < 1024 * 1024
    assert _reason(buffer.getvalue()) == "image_bomb"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\发票.pdf", "发票.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("a\u200bb\x00c.pdf", "abc.pdf"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_filenames_are_sanitised_for_display(raw, clean):
    assert sanitise_filename(raw) == clean


def _real_pdf() -> bytes:
    """A one-page PDF as reportlab writes it (what the reports use), not a bare header."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Invoice 243200000000000001")
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "shown"),
    [
        # A right-to-left override makes "invoice\u202efdp.exe" look like "invoiceexe.pdf";
        # stripped, it would read "invoicefdp.exe": the sniffed type's extension is added.
        (_real_pdf(), "invoice\u202efdp.exe", "invoicefdp.exe.pdf"),
        (image_bytes("PNG"), "photo\u202egnp.exe", "photognp.exe.png"),
        (image_bytes("JPEG"), "scan\u202egpj.scr", "scangpj.scr.jpg"),
        # A name already ending in one of the type's extensions (any case) is kept ...
        (_real_pdf(), "发票.PDF", "发票.PDF"),
        (image_bytes("JPEG"), "scan.jpeg", "scan.jpeg"),
        # ... another type's extension is not trusted, and neither is no extension at all
        (image_bytes("PNG"), "report.pdf", "report.pdf.png"),
        (_real_pdf(), "", "file.pdf"),
    ],
)
def test_the_shown_name_ends_in_the_extension_of_the_sniffed_type(content, name, shown):
    assert check_upload(content=content, name=name).display_name == shown


def test_a_long_name_keeps_its_sniffed_extension_within_120_characters():
    checked = check_upload(content=_real_pdf(), name="发" * 200 + ".exe")
    assert checked.display_name == "发" * 116 + ".pdf"
