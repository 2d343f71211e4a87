from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings

from devtools.factories import vouchers as build
from devtools.factories.vouchers import JPEG, NOW, PDF, PNG, TZ
from vouchers.models import Delivery, EvidenceFile, ServiceOrder
from vouchers.services import deliveries


@pytest.fixture
def order(world, voucher):
    return build.place_order(voucher, world.enterprise, world.institution.organisation)


def test_institution_logs_a_delivery_and_the_order_is_delivered(world, order):
    delivery = build.deliver(order, world.institution, invoice="24322000000000012345")
    order.refresh_from_db()
    assert (delivery.state, order.state) == (Delivery.State.LOGGED, ServiceOrder.State.DELIVERED)
    assert (delivery.invoice_code, delivery.invoice_number, delivery.invoice_key) == (
        "", "24322000000000012345", "24322000000000012345"
    )


def test_only_the_orders_institution_logs_its_delivery(world, order, refused):
    with refused("not_your_order", order):
        build.deliver(order, build.institution_user("SH"))


def test_delivery_in_the_future_is_refused(world, order, refused):
    with refused("invalid", order):
        deliveries.delivery_log(
            actor=world.institution,
            order=order,
            delivered_on=date(2024, 3, 2),
            description="x",
            invoice_number="24322000000000000001",
            report_number="1",
            now=NOW,
        )


def test_today_is_shanghais_today_even_when_utc_is_still_yesterday(world, order):
    # 00:30 on 2 March in Shanghai is 16:30 on 1 March in UTC, as timezone.now() gives it.
    just_after_midnight = datetime(2024, 3, 2, 0, 30, tzinfo=TZ).astimezone(UTC)

    delivery = deliveries.delivery_log(
        actor=world.institution,
        order=order,
        delivered_on=date(2024, 3, 2),
        description="x",
        invoice_number="24322000000000000001",
        report_number="1",
        now=just_after_midnight,
    )

    assert delivery.delivered_on == date(2024, 3, 2)


def test_enterprise_confirms_the_delivery(world, order):
    delivery = build.deliver(order, world.institution)
    deliveries.delivery_confirm(actor=world.enterprise, delivery=delivery, now=NOW)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.answered_by) == (Delivery.State.CONFIRMED, world.enterprise)


def test_dispute_sends_the_order_back_for_a_new_delivery(world, order):
    first = build.deliver(order, world.institution)
    deliveries.delivery_dispute(actor=world.enterprise, delivery=first, reason="报告缺页", now=NOW)
    first.refresh_from_db()
    order.refresh_from_db()
    assert (first.state, first.dispute_reason) == (Delivery.State.DISPUTED, "报告缺页")
    assert order.state == ServiceOrder.State.PLACED
    second = build.deliver(order, world.institution, invoice="24322000000000000002")
    assert second.state == Delivery.State.LOGGED


def test_dispute_needs_a_reason(world, order, refused):
    delivery = build.deliver(order, world.institution)
    with refused("invalid", delivery, order):
        deliveries.delivery_dispute(actor=world.enterprise, delivery=delivery, reason="", now=NOW)


@pytest.mark.parametrize("second", ["confirm", "dispute"])
@pytest.mark.parametrize("first", ["confirm", "dispute"])
def test_an_answered_delivery_cannot_be_answered_again(world, order, refused, first, second):
    delivery = build.deliver(order, world.institution)
    answer = {
        "confirm": lambda: deliveries.delivery_confirm(
            actor=world.enterprise, delivery=delivery, now=NOW
        ),
        "dispute": lambda: deliveries.delivery_dispute(
            actor=world.enterprise, delivery=delivery, reason="差", now=NOW
        ),
    }
    answer[first]()
    with refused("illegal_transition", delivery, order):
        answer[second]()


def test_delivery_of_a_cancelled_order_is_an_illegal_transition(world, order, refused):
    from vouchers.services import orders

    orders.order_cancel(actor=world.enterprise, order=order, reason="x", now=NOW)
    with refused("illegal_transition", order):
        build.deliver(order, world.institution)


def test_another_enterprise_cannot_confirm(world, order, refused):
    delivery = build.deliver(order, world.institution)
    with refused("not_your_order", delivery):
        deliveries.delivery_confirm(actor=build.enterprise_user(), delivery=delivery, now=NOW)


@pytest.mark.parametrize(
    ("content", "content_type", "suffix"),
    [(PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")],
)
def test_evidence_is_checked_by_content_and_stored_under_a_random_name(
    world, order, content, content_type, suffix
):
    evidence = deliveries.evidence_attach(
        actor=world.institution,
        order=order,
        kind="invoice",
        name="../../etc/发票.exe",
        content=content,
        now=NOW,
    )
    path = Path(evidence.file.path)
    assert (evidence.content_type, path.suffix) == (content_type, suffix)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "发票" not in path.name
    assert path.read_bytes() == content
    assert evidence.size_bytes == len(content)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"MZ\x90\x00 pretending to be a pdf", "type"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "too_large"),
    ],
)
def test_evidence_of_another_type_or_too_large_is_refused(world, order, refused, content, reason):
    with refused("invalid_evidence") as info:
        deliveries.evidence_attach(
            actor=world.institution,
            order=order,
            kind="report",
            name="a.pdf",
            content=content,
            now=NOW,
        )
    assert info.value.extra["reason"] == reason
    assert not EvidenceFile.objects.exists()


def test_a_stranger_cannot_attach_evidence(world, order, refused):
    with refused("not_your_order"):
        deliveries.evidence_attach(
            actor=build.enterprise_user(),
            order=order,
            kind="report",
            name="a.pdf",
            content=PDF,
            now=NOW,
        )
