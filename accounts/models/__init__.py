from accounts.models.audit import AuditEvent, AuditEventType, AuditOutcome
from accounts.models.clients import Account, Client, IdDocumentType
from accounts.models.funding import BankInstruction, Deposit
from accounts.models.notices import Notice
from accounts.models.security_requests import SecurityTeamRequest
from accounts.models.sessions import UserSession
from accounts.models.users import LoginFailure, User

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
