"""E-mails that tell a user about security events on their user (ASVS 6.3.5): a right
password followed by a wrong second factor, a lockout, a new or shared device, a temporary
passcode issued, an opt-out. Someone other than the user may be behind any of these, so
the user hears of it in a channel the attacker does not hold.

Written once here; the services that make the events call `security_email_send`. The mail
leaves only after the transaction commits, so a rolled-back change tells nobody anything,
and a mail server that is down is logged without undoing the change. The words never carry
a secret: no passcode, code, PIN, challenge or response, only what happened, when, from
which address, and what to do if it was not the user.
"""

from __future__ import annotations

from enum import Enum

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.client_info import ClientInfo
from accounts.dates import moment_text
from accounts.models import User

IF_NOT_YOU = (
    "If this was not you, please call your regional Client Services Center at once: they "
    "verify your identity by telephone and can secure your user. We never ask for your "
    "password, passcodes or device codes by e-mail or telephone."
)


class SecurityEmail(Enum):
    """Each event: the subject, then the first paragraph (with {placeholders})."""

    SECOND_FACTOR_FAILED = (
        "Wrong security device answer after your password",
        "The right password for your user {username} was entered, followed by a wrong "
        "answer from your security device, on {when} from address {address}.",
    )
    LOCKED_OUT = (
        "Your user is locked",
        "Your user {username} was locked on {when} after ten unsuccessful login attempts "
        "within 24 hours. It stays locked until 24 hours have passed since the last "
        "unsuccessful attempt; Client Services can lift the lock after verifying you.",
    )
    DEVICE_ADDED = (
        "A security device was added to your user",
        "A security device, {device}, became active for your user {username} on {when}.",
    )
    DEVICE_SHARED = (
        "Your security device is now shared",
        "Your security device {device} now also protects the user {other} (device "
        "sharing), from {when}. You can see and change this under Settings, Secure Login "
        "System.",
    )
    PASSCODE_ISSUED = (
        "A temporary passcode was issued for your user",
        "Client Services issued a temporary passcode for your user {username} on {when}. "
        "Passcodes are only ever read out on the telephone, never sent by e-mail.",
    )
    CHANGE_QUEUED = (
        "A change of your {what} is waiting for the Security Team",
        "A change of the {what} of your user {username} was requested on {when} from "
        "address {address}. The Security Team will call you on the telephone number on "
        "record before anything is changed.",
    )
    ADDRESS_CHANGED = (
        "The address of record of your user was changed",
        "The postal address of record of your user {username} was changed on {when} from "
        "address {address}; replacement security devices now ship to {shipping}.",
    )
    DEVICE_ORDERED = (
        "A replacement security device was ordered",
        "A replacement Digital Security Card+ was ordered for your user {username} on {when} "
        "from address {address}, shipping to {shipping}, the address of record.",
    )
    DEVICE_REPORTED = (
        "Your security device was reported lost or damaged",
        "Your security device {device} was reported {state} on {when}: it no longer works "
        "for your user {username}. Every session of your user, in Client Portal and on "
        "the trading platform, and every login in progress was ended at the same moment. "
        "Log in again with another device or a temporary passcode from Client Services.",
    )
    DEVICE_REMOVED = (
        "A security device was removed from your user",
        "Your {device} was removed from your user {username} on {when}: it no longer "
        "works and cannot be reactivated. Every session of your user, in Client Portal and "
        "on the trading platform, and every login in progress was ended at the same "
        "moment. Log in again with another device or a temporary passcode from Client "
        "Services; you can add a security key or authenticator app again from the Secure "
        "Login System page.",
    )
    OPTED_OUT = (
        "Secure Login is no longer required for trading",
        "Your user {username} opted out of the Secure Login System for trading on {when} "
        "from address {address}: the trading platform now logs in with the password alone, "
        "and lower limits apply to the account.",
    )


def security_email_recipient(user: User) -> str:
    """The user's own address, else the client's; empty when neither is known."""
    if user.email:
        return user.email
    client = user.client
    return client.email if client is not None else ""


def security_email_send(
    *, user: User, event: SecurityEmail, client: ClientInfo, **facts: str
) -> bool:
    """Queue the e-mail for after the commit; False (and nothing sent) with no address."""
    recipient = security_email_recipient(user)
    if not recipient:
        return False
    subject, first = event.value
    values = {
        "username": user.username,
        "when": moment_text(timezone.now()),
        "address": client.ip_address or "unknown",
        **facts,
    }
    subject, lines = subject.format(**values), first.format(**values)
    body = f"{lines}\n\n{IF_NOT_YOU}\n"
    transaction.on_commit(
        lambda: send_mail(f"SLS Portal: {subject}", body, None, [recipient]), robust=True
    )
    return True
