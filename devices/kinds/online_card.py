"""Online Security Code Card (KB1873): a Security Code Card generated in the portal with a
temporary passcode, printed or saved as an image; answered like a paper SCC. It gives full
access to the portal and the trading platform for 21 days, then nothing (T3, KB1132 §7)."""

from datetime import timedelta

from devices.kinds.base import WithdrawalTier
from devices.kinds.scc import SecurityCodeCard
from devices.kinds.windows import FULL, Access, Channel

ONLINE_CARD_FULL_ACCESS = timedelta(days=21)
ONLINE_CARD_EXPIRED = (
    "Your online security card has expired (KB1132 §7: it gives full access for 21 days). "
    "Please call your regional Client Services Center about your permanent security device."
)


class OnlineSecurityCard(SecurityCodeCard):
    code = "online_card"
    label = "Online Security Code Card"
    level = 0
    withdrawal_tier = WithdrawalTier.NONE
    temporary = True
    shareable = False
    full_access_period = ONLINE_CARD_FULL_ACCESS
    access_window = ONLINE_CARD_FULL_ACCESS

    def access(self, *, age: timedelta, channel: Channel) -> Access:
        return FULL if age < ONLINE_CARD_FULL_ACCESS else Access(None, ONLINE_CARD_EXPIRED)
