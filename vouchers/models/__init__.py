"""Models of the voucher life cycle, one module per record."""

from vouchers.models.application import Application
from vouchers.models.delivery import Delivery, EvidenceFile
from vouchers.models.materials import ApplicationDocument, ApplicationSubmission
from vouchers.models.order import ServiceOrder
from vouchers.models.oversight import (
    Blacklisting,
    ClawBack,
    ClawBackRepayment,
    OversightCase,
    SpotCheck,
    SpotCheckItem,
)
from vouchers.models.program import BASIS_POINTS, Program, ProgramCategory
from vouchers.models.rating import ServiceRating
from vouchers.models.record import InstitutionRecord
from vouchers.models.redemption import Redemption
from vouchers.models.reference import EvidenceKind, InstitutionService, ServiceCategory
from vouchers.models.review import BulkReview, BulkReviewItem, Recommendation
from vouchers.models.settlement import PaymentBatch, PaymentBatchCounter
from vouchers.models.voucher import Voucher

__all__ = [
    "BASIS_POINTS",
    "Application",
    "ApplicationDocument",
    "ApplicationSubmission",
    "Blacklisting",
    "BulkReview",
    "BulkReviewItem",
    "ClawBack",
    "ClawBackRepayment",
    "Delivery",
    "EvidenceFile",
    "EvidenceKind",
    "InstitutionRecord",
    "InstitutionService",
    "OversightCase",
    "PaymentBatch",
    "PaymentBatchCounter",
    "Program",
    "ProgramCategory",
    "Recommendation",
    "Redemption",
    "ServiceCategory",
    "ServiceOrder",
    "ServiceRating",
    "SpotCheck",
    "SpotCheckItem",
    "Voucher",
]
