"""`{% unread_notices %}`: the user's unread portal notices, on any page that wants them."""

from django import template

from accounts.models import Notice

register = template.Library()


@register.inclusion_tag("accounts/_notices.html", takes_context=True)
def unread_notices(context: template.Context) -> dict:
    user = context["request"].user
    notices = (
        Notice.objects.filter(user=user, read_at__isnull=True) if user.is_authenticated else []
    )
    return {"notices": list(notices), "csrf_token": context.get("csrf_token")}
