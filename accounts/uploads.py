"""Checking uploaded files before anything is stored: type by content, size, active content.

Accepted: PDF without active content (JavaScript, launch actions, embedded files, XFA) and
PNG or JPEG images whose pixel count is sane (no decompression bombs). Names are sanitised
for display and end in an extension of the sniffed type; files are always stored under a
random name.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from accounts.errors import InvalidInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel scan is plenty for an invoice
MAX_INFLATED_STREAM_BYTES = 20 * 1024 * 1024
PDF_ACTIVE_NAMES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia",
                    b"/XFA", b"/SubmitForm", b"/ImportData")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class InvalidUpload(InvalidInput):
    code = "invalid_upload"


@dataclass(frozen=True)
class Upload:
    """A file as sent: its name and its bytes (read at most MAX_UPLOAD_BYTES + 1)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    display_name: str


def check_upload(*, content: bytes, name: str) -> CheckedUpload:
    """Return the sniffed type or raise InvalidUpload whose extra["reason"] says why."""
    if not content:
        _refuse("empty", "文件为空")
    if len(content) > MAX_UPLOAD_BYTES:
        _refuse("too_large", "文件不能超过10MB")
    if content.startswith(b"%PDF-"):
        _check_pdf(content)
        return CheckedUpload("application/pdf", ".pdf", display_name(name, (".pdf",)))
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_image(content, "PNG")
        return CheckedUpload("image/png", ".png", display_name(name, (".png",)))
    if content.startswith(b"\xff\xd8\xff"):
        _check_image(content, "JPEG")
        return CheckedUpload("image/jpeg", ".jpg", display_name(name, (".jpg", ".jpeg")))
    _refuse("type", "只接受PDF、PNG或JPEG文件（按文件内容判断，与扩展名无关）")
    raise AssertionError("unreachable")


def sanitise_filename(name: str) -> str:
    """Keep the last path part, drop control and format characters (bidi, zero-width)."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    return kept.strip(" .")[:120] or "file"


def display_name(name: str, extensions: tuple[str, ...]) -> str:
    """The sanitised name, ending in one of the sniffed type's `extensions` (the first is
    appended otherwise): "invoice\u202efdp.exe" shows as a PDF's "invoicefdp.exe.pdf", not
    as "invoicefdp.exe" once the right-to-left override is gone."""
    clean = sanitise_filename(name)
    if clean.lower().endswith(extensions):
        return clean
    return clean[: 120 - len(extensions[0])] + extensions[0]


def _check_pdf(content: bytes) -> None:
    for chunk in (content, *_inflated_streams(content)):
        # Names may hide letters as #xx escapes (/J#61vaScript); undo them before looking.
        plain = _NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), chunk)
        for active in PDF_ACTIVE_NAMES:
            if re.search(re.escape(active) + rb"(?![A-Za-z])", plain):
                _refuse("pdf_active_content", "PDF含有脚本、动作或嵌入文件，出于安全原因不予接受")


def _inflated_streams(content: bytes):
    for match in _STREAM.finditer(content):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), MAX_INFLATED_STREAM_BYTES)
        except zlib.error:
            continue  # not Flate-encoded (images, fonts): nothing to read as PDF syntax
        if inflater.unconsumed_tail:
            _refuse("pdf_bomb", "PDF中的压缩数据异常庞大，不予接受")
        yield inflated


def _check_image(content: bytes, expected_format: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if image.format != expected_format:
                _refuse("type", "图片格式与内容不符")
            if width * height > MAX_IMAGE_PIXELS:
                _refuse("image_bomb", f"图片尺寸过大（{width}×{height}），请压缩后上传")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise InvalidUpload("图片文件已损坏或无法识别", extra={"reason": "corrupt"}) from error


def _refuse(reason: str, message: str) -> None:
    raise InvalidUpload(message, extra={"reason": reason, "field": "file"})
