"""A small HTTP client of the trading API, standard library only, as a trading desktop
would use it: JSON in and out, the API's own error code and words on a refusal."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 30


class ApiRefusal(Exception):
    """The API answered with an error: its HTTP status, code and words."""

    def __init__(self, status: int, code: str, detail: Any) -> None:
        super().__init__(f"{detail} ({code}, HTTP {status})")
        self.status = status
        self.code = code
        self.detail = detail


class TradingClient:
    def __init__(self, base_url: str, token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def post(self, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._call("POST", path, json.dumps(data or {}).encode())

    def get(self, path: str) -> dict[str, Any]:
        return self._call("GET", path, None)

    def _call(self, method: str, path: str, body: bytes | None) -> dict[str, Any]:
        url = f"{self.base_url}/api/trading{path}"
        if not url.startswith(("http://", "https://")):
            raise ValueError("The base URL must start with http:// or https://.")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _refusal(error) from error


def _refusal(error: urllib.error.HTTPError) -> ApiRefusal:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiRefusal(
        error.code, str(body.get("error", "http_error")), body.get("detail", error.reason)
    )
