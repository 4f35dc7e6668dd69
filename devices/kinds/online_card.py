"""Online Security Code Card (KB1873): a Security Code Card generated in the portal with a
temporary passcode, printed or saved as an image; answered like a paper SCC."""

from .base import WithdrawalTier
from .scc import SecurityCodeCard


class OnlineSecurityCard(SecurityCodeCard):
    code = "online_card"
    label = "Online Security Code Card"
    level = 0
    withdrawal_tier = WithdrawalTier.NONE
    temporary = True
    shareable = False
