"""`{% dsc_plus_panel %}`: the DSC+ box of the SLS page: an order on its way, the way to
order one (or why not), and the PIN change for a card that has a PIN."""

from django import template

from devices.pin.services import pin_card_devices
from orders.selectors import dsc_plus_eligibility, open_order

register = template.Library()


@register.inclusion_tag("orders/_dsc_plus_panel.html", takes_context=True)
def dsc_plus_panel(context: template.Context) -> dict:
    user = context["request"].user
    if user.client_id is None:
        return {"shown": False}
    return {
        "shown": True,
        "order": open_order(user),
        "eligibility": dsc_plus_eligibility(user),
        "pin_cards": pin_card_devices(user),
    }
