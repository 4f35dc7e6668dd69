from .audit import AuditEvent, AuditEventType, AuditOutcome
from .clients import Account, Client, IdDocumentType
from .notices import Notice
from .users import LoginFailure, User

__all__ = [
    "Account",
    "AuditEvent",
    "AuditEventType",
    "AuditOutcome",
    "Client",
    "IdDocumentType",
    "LoginFailure",
    "Notice",
    "User",
]
