from .audit import AuditEvent, AuditEventType, AuditOutcome
from .clients import Account, Client, IdDocumentType
from .funding import BankInstruction, Deposit
from .notices import Notice
from .security_requests import SecurityTeamRequest
from .sessions import UserSession
from .users import LoginFailure, User

__all__ = [
    "Account",
    "AuditEvent",
    "AuditEventType",
    "AuditOutcome",
    "BankInstruction",
    "Client",
    "Deposit",
    "IdDocumentType",
    "LoginFailure",
    "Notice",
    "SecurityTeamRequest",
    "User",
    "UserSession",
]
