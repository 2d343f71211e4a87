"""Models of the voucher life cycle, one module per record."""

from vouchers.models.application import Application
from vouchers.models.delivery import Delivery, EvidenceFile
from vouchers.models.order import ServiceOrder
from vouchers.models.oversight import Blacklisting, ClawBack, SpotCheck, SpotCheckItem
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
    "Blacklisting",
    "BulkReview",
    "BulkReviewItem",
    "ClawBack",
    "Delivery",
    "EvidenceFile",
    "EvidenceKind",
    "InstitutionRecord",
    "InstitutionService",
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
