"""IB Key activation in the app (K1), as the server sees it: the app sends user name,
password, mobile number and what phone it runs on; an SMS code confirms the number; then the
app sends the code with its public key and receives its registration. Only phones that can
keep the key safe are accepted (K6)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.client_info import ClientInfo
from accounts.models import User
from accounts.services.login import INVALID_CREDENTIALS, login_password_check

from ..models import ActivationCode
from ..phone import phone_number_parse
from .activation import activation_code_redeem, activation_code_send
from .ib_key import IbKeyRegistration, ib_key_register

# K6: the oldest major versions whose key store and screen lock the app relies on.
MINIMUM_MAJOR_VERSION = {"ios": 13, "android": 7}
PLATFORM_NAMES = {"ios": "iOS", "android": "Android"}


def ib_key_phone_check(*, platform: str, os_version: str, rooted: bool) -> None:
    """K6: refuse a phone whose OS is too old, or a rooted Android phone, whose key store
    cannot be trusted to keep the app's private key; the error says which rule failed."""
    minimum = MINIMUM_MAJOR_VERSION.get(platform)
    if minimum is None:
        raise ValidationError("IB Key runs on iOS and Android phones only.")
    name = PLATFORM_NAMES[platform]
    major = os_version.split(".", 1)[0]
    if not (major.isascii() and major.isdigit()):
        raise ValidationError(f"The {name} version must be a number such as {minimum}.0.")
    if int(major) < minimum:
        raise ValidationError(
            f"IB Key needs {name} {minimum} or later; this phone has {os_version}."
        )
    if platform == "android" and rooted:
        raise ValidationError("IB Key does not run on a rooted Android phone.")


def ib_key_activation_start(
    *,
    username: str,
    password: str,
    country: str,
    national_number: str,
    platform: str,
    os_version: str,
    rooted: bool,
    client: ClientInfo,
) -> User:
    """K1 first step: the password (a wrong one counts towards the L3 lockout and answers
    like the login page, so nothing tells whether the user exists), the phone (K6), then an
    SMS code to the mobile number. Not one transaction: the failure count must stay."""
    check = login_password_check(username=username, password=password, client=client)
    if not check.accepted:
        raise ValidationError(INVALID_CREDENTIALS)
    ib_key_phone_check(platform=platform, os_version=os_version, rooted=rooted)
    phone_number = phone_number_parse(country=country, national_number=national_number)
    activation_code_send(
        user=check.user, purpose=ActivationCode.Purpose.IB_KEY, phone_number=phone_number
    )
    return check.user


def ib_key_activation_finish(
    *, user: User, code: str, installation_id: str, public_key_pem: str, client: ClientInfo
) -> IbKeyRegistration:
    """K1 last step: the SMS code (single-use, short-lived, a few tries) proves the number,
    then the installation's key is registered (K3 add user, K4 old phone retired, K7 SMS
    device retired). The code is spent before registering, in its own transaction, so a
    wrong guess always counts and a refused registration needs a new code."""
    activation = activation_code_redeem(user=user, purpose=ActivationCode.Purpose.IB_KEY, code=code)
    if activation is None:
        raise ValidationError("The activation code is wrong, already used or expired.")
    return ib_key_register(
        user=user, installation_id=installation_id, public_key_pem=public_key_pem, client=client
    )
