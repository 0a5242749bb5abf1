"""A session transport on plain ``requests``: for probes, tests and request recording."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from dazzler_loadtest.session import RequestFailed


@dataclass(slots=True)
class Exchange:
    """One request a session made, with what came back."""

    method: str
    path: str
    name: str
    status: int
    body: dict[str, Any] | None
    size: int


@dataclass(slots=True)
class PlainTransport:
    """Sends to ``base`` (the board page URL, ending in ``/``) and records every exchange."""

    base: str
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0
    log: list[Exchange] = field(default_factory=list)
    http: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, name: str) -> Any:
        response = self.http.get(self.base + path, headers=self.headers, timeout=self.timeout)
        self.log.append(
            Exchange("GET", path, name, response.status_code, None, len(response.content))
        )
        if response.status_code != 200:
            raise RequestFailed(f"{name}: HTTP {response.status_code}")
        return response.json() if path.startswith("_dash") else response.text

    def post(self, path: str, body: dict[str, Any], name: str) -> Any:
        response = self.http.post(
            self.base + path, json=body, headers=self.headers, timeout=self.timeout
        )
        self.log.append(
            Exchange("POST", path, name, response.status_code, body, len(response.content))
        )
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise RequestFailed(f"{name}: HTTP {response.status_code}: {response.text[:300]}")
        return response.json()

    def close(self) -> None:
        self.http.close()
