"""`{% load dates %}`: the portal's one way of writing a day or a moment (accounts/dates.py).
An empty value writes nothing."""

from django import template

from accounts import dates

register = template.Library()


@register.filter
def day(value) -> str:
    return dates.day_text(value) if value else ""


@register.filter
def day_month(value) -> str:
    return dates.day_month_text(value) if value else ""


@register.filter
def moment(value) -> str:
    return dates.moment_text(value) if value else ""
