"""Models of accounts, one module per concern; import them from `accounts.models`."""

from __future__ import annotations

from accounts.models.admission import RegionRules, RegistrationDocument
from accounts.models.api import ApiToken, IdempotencyRecord
from accounts.models.audit import AuditEntry
from accounts.models.notifications import Notification, NotificationPreference
from accounts.models.organisations import Objection, Organisation, User
from accounts.models.reference import City, District, HistoricalDivision, Region

__all__ = [
    "ApiToken",
    "AuditEntry",
    "City",
    "District",
    "HistoricalDivision",
    "IdempotencyRecord",
    "Notification",
    "NotificationPreference",
    "Objection",
    "Organisation",
    "Region",
    "RegionRules",
    "RegistrationDocument",
    "User",
]
