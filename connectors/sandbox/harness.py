"""What every tool's sandbox shares: request counting, rate limiting and fault injection.

The harness wraps an API app. Admin routes (`/_sandbox/...`) pass through uncounted and
unlimited, so a test or benchmark can watch an API without disturbing it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Callable, Mapping

from pyrate_limiter import Duration, InMemoryBucket, Limiter, Rate
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from connectors import faults

ErrorResponder = Callable[[int, str, str], Response]


@dataclass
class Fault:
    """The next `count` matching API requests hang for `hang` seconds, then fail with `status`
    (status 0: then go through normally, a slow answer).

    `match` limits the fault to requests whose "METHOD route" starts with it (e.g.
    "PATCH /v1/blocks"), and the first `skip` matching requests pass untouched, so a test can
    break exactly the k-th write of an apply.
    """

    status: int = 500
    count: int = 1
    hang: float = 0.0
    retry_after: int | None = None
    code: str = ""  # empty: the tool's usual code for `status`
    match: str = ""
    skip: int = 0


class RateLimit:
    """Server-side limit like the vendor's: an average rate over a window, so bursts pass.

    Uses pyrate-limiter's sliding window without blocking: a request over the limit is
    answered at once, as the real APIs do. How it is refused is the vendor's: Notion answers
    429 `rate_limited` with Retry-After; Google answers Docs with 429 and Drive with 403
    `userRateLimitExceeded`, without Retry-After (`retry_after=None`).
    """

    def __init__(
        self,
        rate: float,
        window_seconds: int = 10,
        retry_after: int | None = 1,
        *,
        status: int = 429,
        code: str = "rate_limited",
        message: str = "This request exceeds the number of requests allowed. Slow down and try again.",
    ) -> None:
        self.rate = rate
        self.window_seconds = window_seconds
        self.retry_after = retry_after
        self.status = status
        self.code = code
        self.message = message
        allowed = max(1, round(rate * window_seconds))
        bucket = InMemoryBucket([Rate(allowed, Duration.SECOND * window_seconds)])
        self._limiter = Limiter(bucket)

    def admit(self) -> bool:
        return bool(self._limiter.try_acquire("api", blocking=False))


class Harness:
    """Counts, limits and breaks requests on their way into one tool's API.

    `rate_limit` limits every request; an API whose vendor keeps separate budgets (Google:
    Docs reads, Docs writes, Drive) sets `rate_limits` by class and names the class in
    `screen`.
    """

    def __init__(self, error: ErrorResponder, rate_limit: RateLimit | None = None) -> None:
        self._error = error
        self._lock = threading.Lock()
        self.routes: Counter[str] = Counter()
        self.rate_limited = 0
        self.faults_served = 0
        self.rate_limit = rate_limit
        self.rate_limits: dict[str, RateLimit] = {}
        self._faults: list[Fault] = []

    def reset_stats(self) -> None:
        with self._lock:
            self.routes.clear()
            self.rate_limited = 0
            self.faults_served = 0

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": sum(self.routes.values()),
                "routes": dict(sorted(self.routes.items())),
                "rate_limited": self.rate_limited,
                "faults_served": self.faults_served,
                "rate_limit": (
                    {"rate": self.rate_limit.rate, "window_seconds": self.rate_limit.window_seconds}
                    if self.rate_limit
                    else None
                ),
            }

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def fault_command(self, body: dict[str, Any]) -> dict[str, Any]:
        """The `/_sandbox/faults` admin call every tool's sandbox shares: queue the fault the
        body describes (see `Fault`), or `{"clear": true}`; returns the JSON answer."""
        if body.get("clear"):
            self.clear_faults()
            return {"cleared": True}
        fault = Fault(
            status=int(body.get("status", 500)),
            count=int(body.get("count", 1)),
            hang=float(body.get("hang", 0)),
            retry_after=int(body["retry_after"]) if body.get("retry_after") is not None else None,
            code=str(body.get("code", "")),
            match=str(body.get("match", "")),
            skip=int(body.get("skip", 0)),
        )
        self.add_fault(fault)
        return {"queued": asdict(fault)}

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_rate_limit(self, rate_limit: RateLimit | None) -> None:
        with self._lock:
            self.rate_limit = rate_limit

    def set_rate_limits(self, rate_limits: dict[str, RateLimit]) -> None:
        with self._lock:
            self.rate_limits = dict(rate_limits)

    def screen(self, request: Request, route: str, limit_class: str | None = None) -> Response | None:
        """Count the request; return an error response if a fault or the rate limit says so.

        With `limit_class`, the request spends that class's budget instead of `rate_limit`.
        """
        label = f"{request.method} {route}"
        with self._lock:
            self.routes[label] += 1
            fault = self._take_fault(label)
            limit = self.rate_limits.get(limit_class) if limit_class else self.rate_limit
        if fault is not None:
            if fault.hang:
                time.sleep(fault.hang)
            if not fault.status:
                return None
            response = self._error(fault.status, fault.code, "Injected fault.")
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(fault.retry_after)
            return response
        if limit is not None and not limit.admit():
            with self._lock:
                self.rate_limited += 1
            response = self._error(limit.status, limit.code, limit.message)
            if limit.retry_after is not None:
                response.headers["Retry-After"] = str(limit.retry_after)
            return response
        return None

    def _take_fault(self, label: str) -> Fault | None:
        fault = faults.take(self._faults, lambda fault: label.startswith(fault.match))
        if fault is not None:
            self.faults_served += 1
        return fault


class SandboxError(Exception):
    """An API error a sandbox answers with its tool's own error body (`response`)."""

    response: Response


def admin_json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


def match_api(routes: Map, request: Request) -> tuple[str | None, Mapping[str, Any], str]:
    """The API endpoint `request` is for (None when no route matches), its URL arguments,
    and the route label requests are counted and faults matched by ("GET /v1/pages/{id}"
    is counted as route "/v1/pages/{id}"; "invalid" for no route)."""
    try:
        rule, args = routes.bind_to_environ(request.environ).match(return_rule=True)
    except HTTPException:
        return None, {}, "invalid"
    return rule.endpoint, args, re.sub(r"<\w+>", "{id}", rule.rule)


def dispatch_admin(owner: object, routes: Map, request: Request) -> Response:
    """Route a `/_sandbox/...` call to `owner._admin_<endpoint>`, shared by every tool's
    sandbox: unknown routes and bad bodies are answered in JSON, never with a traceback."""
    try:
        endpoint, _ = routes.bind_to_environ(request.environ).match()
    except NotFound:
        return admin_json({"error": f"unknown admin route {request.path}"}, 404)
    except HTTPException as error:
        return admin_json({"error": str(error)}, error.code or 400)
    try:
        handler: Callable[[Request], Response] = getattr(owner, f"_admin_{endpoint}")
        return handler(request)
    except SandboxError as error:
        return error.response
    except (KeyError, TypeError, ValueError) as error:
        return admin_json({"error": f"bad admin request: {error}"}, 400)

