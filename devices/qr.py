"""QR codes the portal shows: IB Key's activation link on a simulated phone (K1) and an
authenticator app's secret (F3)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(content: str) -> SafeString:
    """The QR code as inline SVG. Only the library's own output is marked safe; `content`
    reaches it as QR modules, never as markup."""
    image = qrcode.make(content, image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308
