"""A world for the accessibility walk and the role journeys, built through the services: on
top of `people` (a Jiangsu program, its reviewer and finance officer, a Jiangsu enterprise and
a Shanghai institution), an application waiting for review, an order delivered with a real PDF
and PNG as evidence and its redemption waiting for review, and an order placed, not delivered."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from reportlab.pdfgen import canvas

from accounts.models import User
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory, UserFactory
from vouchers.models import Application, EvidenceFile, Program, Redemption, ServiceOrder
from vouchers.services import applications, deliveries, redemptions


def invoice_pdf(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    for number in range(1, pages + 1):
        document.drawString(72, 760, f"VAT invoice 3100231130 / 31009988 - page {number}")
        document.showPage()
    document.save()
    return buffer.getvalue()


@dataclass
class Scene:
    people: dict
    program: Program
    pending_application: Application
    redeemed_order: ServiceOrder
    placed_order: ServiceOrder
    redemption: Redemption
    pdf: EvidenceFile
    png: EvidenceFile
    operator: User


def build_scene(people: dict) -> Scene:
    enterprise, institution = people["enterprise"], people["institution"]
    reviewer = people["reviewer"]
    program = Program.objects.get()
    now = timezone.now()

    def approved_voucher():
        application = applications.application_submit(
            actor=enterprise, program=program, amount_fen=20_000_00, purpose="检测新产品",
            planned_categories=[f.category()], now=now)
        return applications.application_approve(actor=reviewer, application=application,
                                                now=now)

    voucher = approved_voucher()
    order = f.place_order(voucher, enterprise, institution.organisation)
    delivery = f.deliver(order, institution)
    f.attach_evidence(order, institution)
    pdf = deliveries.evidence_attach(actor=institution, order=order, kind="invoice",
                                     name="发票扫描件.pdf", content=invoice_pdf(), now=now)
    photo = f.image_bytes("PNG", (640, 400))
    png = deliveries.evidence_attach(actor=institution, order=order, kind="report",
                                     name="检测报告照片.png", content=photo, now=now)
    deliveries.delivery_confirm(actor=enterprise, delivery=delivery, now=now)
    redemption = redemptions.redemption_request(actor=institution, order=order, now=now)
    placed = f.place_order(voucher, enterprise, institution.organisation, total_fee_fen=2_000_00)
    pending = applications.application_submit(
        actor=enterprise, program=program, amount_fen=10_000_00, purpose="研发设计服务",
        planned_categories=[f.category()], now=now)
    operator = UserFactory(
        organisation=OrganisationFactory(kind="operator", credit_code=None, region_code="SH",
                                         city=None),
        role=User.Role.OPERATOR,
    )
    return Scene(people=people, program=program, pending_application=pending,
                 redeemed_order=order, placed_order=placed, redemption=redemption, pdf=pdf,
                 png=png, operator=operator)
