"""The trading API's documentation page (/api/trading/docs): ninja's Swagger UI, from the
project's template, which names the page's language (WCAG 3.1.1) and gives Swagger UI's
colours enough contrast (WCAG 1.4.3)."""

from __future__ import annotations

from ninja.openapi.docs import Swagger


class ApiDocs(Swagger):
    """Without deep links: Swagger UI draws each operation's path as a link inside the button
    that opens the operation, one control inside another, which screen readers may not
    announce and keyboards reach twice (WCAG 4.1.2)."""

    template = "trading/api_docs.html"

    def __init__(self) -> None:
        super().__init__(settings={"deepLinking": False})
