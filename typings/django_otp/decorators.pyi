from collections.abc import Callable
from typing import TypeVar

_F = TypeVar("_F", bound=Callable[..., object])

def otp_required(
    view: _F | None = None,
    redirect_field_name: str = "next",
    login_url: str | None = None,
    if_configured: bool = False,
) -> _F: ...
