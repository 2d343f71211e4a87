"""Inline evidence preview: the same visibility as the download, sandboxed file responses,
PDF pages rendered to PNG on the server within bounds, and no server error for a bad file."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.uploads import InvalidUpload, check_upload
from devtools.factories import vouchers as f
from tests.views.conftest import issue
from vouchers import evidence_preview
from vouchers.services import deliveries

SANDBOX = "sandbox; default-src 'none'; frame-ancestors 'none'; form-action 'none'"


def pdf_of(pages: int, size: tuple[float, float] = A4) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=size)
    for number in range(1, pages + 1):
        document.drawString(72, 720, f"Invoice page {number}")
        document.showPage()
    document.save()
    return buffer.getvalue()


def attach(world, content: bytes, name: str):
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    return deliveries.evidence_attach(actor=world.institution, order=order, kind="invoice",
                                      name=name, content=content, now=timezone.now())


def png_size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        return image.size


def test_the_reviewer_sees_a_pdf_s_pages_as_images_with_a_download_link(client, world):
    evidence = attach(world, pdf_of(2), "发票.pdf")
    client.force_login(world.reviewer)

    page = client.get(reverse("vouchers:evidence_preview", args=[evidence.pk])).content.decode()

    assert 'alt="发票.pdf 第 1 页"' in page
    assert 'alt="发票.pdf 第 2 页"' in page
    assert reverse("vouchers:evidence_download", args=[evidence.pk]) in page
    assert "css/preview.css" in page
    first = client.get(reverse("vouchers:evidence_page", args=[evidence.pk, 1]))
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert png_size(first.content) == (1000, 1415)  # A4 (595.3 × 841.9 points), 1000 pixels wide
    assert client.get(reverse("vouchers:evidence_page", args=[evidence.pk, 3])).status_code == 404


def test_only_the_first_pages_of_a_long_pdf_are_rendered(client, world):
    evidence = attach(world, pdf_of(evidence_preview.MAX_PREVIEW_PAGES + 2), "合同.pdf")
    client.force_login(world.reviewer)

    page = client.get(reverse("vouchers:evidence_preview", args=[evidence.pk])).content.decode()

    assert "仅显示前 8 页，共 10 页" in page
    assert 'alt="合同.pdf 第 8 页"' in page
    assert "第 9 页" not in page
    assert client.get(reverse("vouchers:evidence_page", args=[evidence.pk, 9])).status_code == 404


def test_a_giant_page_is_rendered_within_the_pixel_budget(client, world):
    evidence = attach(world, pdf_of(1, size=(14_400, 14_400)), "巨幅.pdf")
    client.force_login(world.reviewer)

    response = client.get(reverse("vouchers:evidence_page", args=[evidence.pk, 1]))

    width, height = png_size(response.content)
    assert width * height <= evidence_preview.MAX_PAGE_PIXELS
    assert width == 1000


def test_a_pdf_that_cannot_be_rendered_shows_a_clear_message_not_an_error(client, world):
    evidence = attach(world, f.PDF, "损坏.pdf")  # starts like a PDF, has no document in it
    client.force_login(world.reviewer)

    response = client.get(reverse("vouchers:evidence_preview", args=[evidence.pk]))

    assert response.status_code == 200
    assert "无法在线预览此文件" in response.content.decode()
    assert reverse("vouchers:evidence_download", args=[evidence.pk]) in response.content.decode()
    assert client.get(reverse("vouchers:evidence_page", args=[evidence.pk, 1])).status_code == 404


def test_an_image_is_shown_inline_with_its_verified_type_in_a_sandbox(client, world):
    evidence = attach(world, f.PNG, "付款凭证.pdf")  # the name says PDF; the content is PNG
    client.force_login(world.reviewer)

    page = client.get(reverse("vouchers:evidence_preview", args=[evidence.pk])).content.decode()
    image = client.get(reverse("vouchers:evidence_inline", args=[evidence.pk]),
                       HTTP_ACCEPT="text/html")

    assert f'src="{reverse("vouchers:evidence_inline", args=[evidence.pk])}"' in page
    assert image.status_code == 200
    assert image.content == f.PNG
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"] == "inline"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Security-Policy"] == SANDBOX
    assert image["Cross-Origin-Resource-Policy"] == "same-origin"


def test_rendered_pages_and_downloads_carry_the_same_sandbox(client, world):
    evidence = attach(world, pdf_of(1), "发票.pdf")
    client.force_login(world.reviewer)

    rendered = client.get(reverse("vouchers:evidence_page", args=[evidence.pk, 1]))
    download = client.get(reverse("vouchers:evidence_download", args=[evidence.pk]))

    for response in (rendered, download):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == SANDBOX
    assert rendered["Content-Disposition"] == "inline"
    assert download["Content-Disposition"].startswith("attachment")
    # a PDF itself is never served inline: Chromium's viewer would run in the page
    assert client.get(reverse("vouchers:evidence_inline", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize("view", ["evidence_preview", "evidence_inline", "evidence_page",
                                  "evidence_download"])
def test_whoever_cannot_download_the_file_cannot_preview_it(client, world, view):
    pdf = attach(world, pdf_of(1), "发票.pdf")
    png = attach(world, f.PNG, "凭证.png")
    evidence = png if view == "evidence_inline" else pdf
    args = [evidence.pk, 1] if view == "evidence_page" else [evidence.pk]
    url = reverse(f"vouchers:{view}", args=args)

    # Jiangsu issued the voucher, a Shanghai institution served: Zhejiang's reviewer is outside.
    zhejiang_reviewer = f.authority("ZJ")
    for outsider, status in ((world.other_institution, 404), (world.other_enterprise, 404),
                             (zhejiang_reviewer, 404), (world.finance, 403)):
        client.force_login(outsider)
        assert client.get(url).status_code == status, outsider
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    for insider in (world.reviewer, world.shanghai_reviewer, world.institution, world.enterprise,
                    world.operator):
        client.force_login(insider)
        assert client.get(url).status_code == 200, insider


def test_the_evidence_list_offers_a_preview_link(client, world):
    evidence = attach(world, pdf_of(1), "发票.pdf")
    client.force_login(world.reviewer)

    page = client.get(reverse("vouchers:order_detail", args=[evidence.order.pk])).content.decode()

    assert reverse("vouchers:evidence_preview", args=[evidence.pk]) in page
    # "预览", described by the file's name (its link's id): one link per name for the tests
    assert f'aria-describedby="evidence-file-{evidence.pk}"' in page
    assert f'id="evidence-file-{evidence.pk}"' in page


@pytest.mark.parametrize("content", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    b"GIF89a\x01\x00\x01\x00",
])
def test_types_without_a_safe_preview_are_refused_at_upload(content):
    with pytest.raises(InvalidUpload) as refusal:
        check_upload(content=content, name="evidence.svg")
    assert refusal.value.extra["reason"] == "type"
