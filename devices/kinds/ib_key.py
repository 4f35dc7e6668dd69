"""IBKR Mobile Authentication (IB Key): the login sends a push that the app approves with
number matching (K2); "Click here if you do not receive the notification" falls back to a
challenge the app answers with OCRA after checking its own PIN."""

from devices.kinds.base import WithdrawalTier
from devices.kinds.challenge_response import OcraCardKind


class IbKey(OcraCardKind):
    code = "ib_key"
    label = "IB Key (IBKR Mobile)"
    level = 3
    withdrawal_tier = WithdrawalTier.IB_KEY
    uses_push = True
    response_label = "Response from the IBKR Mobile app"
    columns = frozenset({"ocra_suite", "public_key", "app_installation"})
    required_columns = frozenset({"ocra_suite", "public_key", "app_installation"})

    def prompt(self, challenge: str) -> str:
        return (
            f"In the IBKR Mobile app, choose Authenticate, enter your PIN and the challenge "
            f"{challenge}, and type the response it shows."
        )
