"""A client for one sandbox's admin API, `<base_url>/_sandbox/<route>`.

Tests, benchmarks and demos drive a sandbox through its admin API over real HTTP, as they
reach the API itself: reset it to its seed, edit behind copydesk's back, inject faults and
rate limits, generate workspaces, read its request counters. This is that client, once;
a caller that also wants the tool's API or connectors subclasses it.
"""

from __future__ import annotations

from typing import Any, cast

import httpx


class SandboxAdminClient:
    """POSTs JSON to a sandbox's admin routes and reads its stats, on one HTTP client
    (`http`, also there for a subclass's own requests to the sandbox)."""

    def __init__(self, base_url: str, token: str = "", timeout: float = 30) -> None:
        self.base_url, self.token = base_url, token
        self.http = httpx.Client(timeout=timeout)

    def post(self, route: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST `body` to `/_sandbox/<route>` (e.g. "reset", "faults"); its JSON answer."""
        return _json(self.http.post(f"{self.base_url}/_sandbox/{route}", json=body or {}))

    def stats(self) -> dict[str, Any]:
        """The sandbox's counters: {"routes": {"METHOD route": requests}, "faults_served": n, ...}."""
        return _json(self.http.get(f"{self.base_url}/_sandbox/stats"))

    def routes(self) -> dict[str, int]:
        """Requests so far by "METHOD route" label."""
        return cast(dict[str, int], self.stats()["routes"])

    def close(self) -> None:
        self.http.close()


def _json(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON; an error status raises with the sandbox's answer in the message."""
    try:
        response.raise_for_status()
    except httpx.HTTPStatusError as error:
        raise httpx.HTTPStatusError(f"{error}\n{response.text[:2000]}", request=error.request,
                                    response=response) from None
    # Every admin route answers a JSON object (the sandboxes build it with `admin_json`).
    return cast(dict[str, Any], response.json())
