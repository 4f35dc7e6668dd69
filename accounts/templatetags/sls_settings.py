"""The "Secure Login Settings" box of the Secure Login System page (O1, O2), as an
inclusion tag so the page's own view needs nothing extra."""

from __future__ import annotations

from django import template

from accounts.models import Account
from accounts.selectors import security_settings_editor

register = template.Library()


@register.inclusion_tag("accounts/_sls_settings_box.html", takes_context=True)
def sls_settings_box(context: template.Context) -> dict[str, object]:
    user = context["request"].user
    account = Account.objects.filter(pk=user.account_id).first()
    editor = security_settings_editor(user)
    return {
        "account": account,
        "editor": editor,
        "can_change": editor is not None and editor.pk == user.pk,
    }
