"""QuantumNotary models; importing this package registers every table."""

from quantumnotary.models.access import ApiKey, User
from quantumnotary.models.anchors import LedgerAnchor
from quantumnotary.models.audit import AuditEvent
from quantumnotary.models.base import Base, TimestampMixin
from quantumnotary.models.documents import Document
from quantumnotary.models.notarizations import Notarization, NotarizationStatus
from quantumnotary.models.tenants import Tenant

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Document",
    "LedgerAnchor",
    "Notarization",
    "NotarizationStatus",
    "Tenant",
    "TimestampMixin",
    "User",
]
