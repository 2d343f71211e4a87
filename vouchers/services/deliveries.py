"""Deliveries: the institution logs what it delivered, the enterprise confirms or disputes."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import User
from accounts.text import clean_text
from accounts.transactions import service_transaction
from accounts.uploads import MAX_UPLOAD_BYTES, CheckedUpload, InvalidUpload, check_upload
from vouchers.errors import InvalidEvidence
from vouchers.invoices import invoice_parse
from vouchers.locks import lock_order
from vouchers.models import Delivery, EvidenceFile, EvidenceKind, ServiceOrder
from vouchers.notifications import (
    notify_delivery_disputed,
    notify_delivery_logged,
    notify_rating_requested,
)
from vouchers.services.records import record_refresh_after_commit
from vouchers.states import DELIVERY_TRANSITIONS, ORDER_TRANSITIONS, move_state

MAX_EVIDENCE_BYTES = MAX_UPLOAD_BYTES


@service_transaction
def delivery_log(
    *,
    actor: User,
    order: ServiceOrder,
    delivered_on: date,
    description: str,
    invoice_number: str,
    report_number: str,
    now: datetime,
    invoice_code: str = "",
) -> Delivery:
    """The institution records the delivery of an order, for the enterprise to confirm.

    The invoice is a 数电票 (20-digit number, no code) or an older VAT invoice (10- or 12-digit
    code and 8-digit number); vouchers.invoices refuses other shapes (codes invoice_*).
    """
    require_action(actor, "delivery.log", now=now)
    if order.institution_id != actor.organisation_id:
        raise AccessDenied("只能登记本机构的订单", code="not_your_order")
    description = clean_text(description, field="description", label="交付内容",
                             max_length=2000, multiline=True)
    if not (description.strip() and report_number.strip()):
        raise InvalidInput("请填写交付内容和报告编号", extra={"field": "description"})
    invoice = invoice_parse(code=invoice_code, number=invoice_number)
    if delivered_on > timezone.localdate(now):  # today in Shanghai, not in UTC
        raise InvalidInput("交付日期不能晚于今天", extra={"field": "delivered_on"})
    order = lock_order(order.pk)
    before = move_state(order, target=ServiceOrder.State.DELIVERED, transitions=ORDER_TRANSITIONS)
    delivery = Delivery.objects.create(
        order=order,
        delivered_on=delivered_on,
        description=description.strip(),
        invoice_code=invoice.code,
        invoice_number=invoice.number,
        invoice_key=invoice.key,
        report_number=report_number.strip(),
        state=Delivery.State.LOGGED,
        logged_by=actor,
        logged_at=now,
    )
    audit_record(
        actor=actor,
        action="delivery_log",
        target=delivery,
        region=order.voucher.program.region,
        now=now,
        before={"order_state": before},
        after={"order_state": order.state, "state": delivery.state, "invoice": invoice.key},
    )
    notify_delivery_logged(delivery, now=now)
    record_refresh_after_commit(institution_id=order.institution_id,
                                year=order.voucher.program.year)
    return delivery


@service_transaction
def delivery_confirm(*, actor: User, delivery: Delivery, now: datetime) -> Delivery:
    """The enterprise confirms it received what was logged."""
    return _answer(actor=actor, delivery=delivery, target=Delivery.State.CONFIRMED, now=now)


@service_transaction
def delivery_dispute(*, actor: User, delivery: Delivery, reason: str, now: datetime) -> Delivery:
    """The enterprise disputes the delivery; the order is open for a new delivery again."""
    if not reason.strip():
        raise InvalidInput("请填写异议原因", extra={"field": "reason"})
    return _answer(
        actor=actor, delivery=delivery, target=Delivery.State.DISPUTED, now=now, reason=reason
    )


def _answer(
    *, actor: User, delivery: Delivery, target: str, now: datetime, reason: str = ""
) -> Delivery:
    action = "delivery.confirm" if target == Delivery.State.CONFIRMED else "delivery.dispute"
    require_action(actor, action, now=now)
    if delivery.order.enterprise_id != actor.organisation_id:
        raise AccessDenied("只能确认本企业的订单", code="not_your_order")
    order = lock_order(delivery.order_id)
    delivery.refresh_from_db()
    before = move_state(
        delivery,
        target=target,
        transitions=DELIVERY_TRANSITIONS,
        answered_by=actor,
        answered_at=now,
        dispute_reason=reason.strip(),
    )
    if target == Delivery.State.DISPUTED:
        move_state(order, target=ServiceOrder.State.PLACED, transitions=ORDER_TRANSITIONS)
    audit_record(
        actor=actor,
        action=f"delivery_{target}",
        target=delivery,
        region=order.voucher.program.region,
        now=now,
        before={"state": before},
        after={"state": delivery.state, "order_state": order.state},
        reason=reason,
    )
    if target == Delivery.State.DISPUTED:
        notify_delivery_disputed(delivery, reason=reason, now=now)
    else:
        notify_rating_requested(delivery, now=now)
    record_refresh_after_commit(institution_id=order.institution_id,
                                year=order.voucher.program.year)
    return delivery


@service_transaction
def evidence_attach(
    *, actor: User, order: ServiceOrder, kind: str, name: str, content: bytes, now: datetime
) -> EvidenceFile:
    """Either party of an order uploads a PDF, PNG or JPEG (at most 10 MB) as evidence.

    The type is checked from the content (accounts.uploads: PDFs without active content,
    images without decompression bombs); it is stored under MEDIA_ROOT with a random name.
    If the transaction rolls back the stored file is left behind unreferenced.
    """
    if actor.organisation_id not in (order.enterprise_id, order.institution_id):
        raise AccessDenied("只能为本机构的订单上传材料", code="not_your_order")
    if kind not in EvidenceKind.values:
        raise InvalidInput("材料类型无效", extra={"field": "kind"})
    checked = _checked(content, name)
    stored = default_storage.save(
        f"evidence/{uuid.uuid4().hex}{checked.extension}", ContentFile(content)
    )
    evidence = EvidenceFile.objects.create(
        order=order,
        kind=kind,
        file=stored,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
        uploaded_at=now,
    )
    audit_record(
        actor=actor,
        action="evidence_attach",
        target=evidence,
        region=order.voucher.program.region,
        now=now,
        after={"kind": kind, "sha256": evidence.sha256, "order": order.pk},
    )
    return evidence


def _checked(content: bytes, name: str) -> CheckedUpload:
    try:
        return check_upload(content=content, name=name)
    except InvalidUpload as error:
        raise InvalidEvidence(error.message, extra=error.extra) from error
