"""Replacement DSC+ orders (T5-T7): the order wizard, the USD 20 deposit, delivery and
auto-activation. Money and shipping, not device logic: orders builds on devices, which
never imports it and tells it of a card reported or returned through its signals."""
