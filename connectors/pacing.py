"""Client-side pacing shared by the connectors: a rate limit, a request counter and retries.

The limiter and the counter sit in one httpx request hook (`on_request`), or in the HTTP
client itself for SDKs on other transports (`pace`), so every HTTP request an SDK sends
(retries included) is paced and counted, whatever SDK method sent it. `retry_after` reads a
server's Retry-After header the same way for every connector, so that `RetryPolicy` waits
what the server asked for.
"""

from __future__ import annotations

import math
import re
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping, TypeVar

import httpx
from pyrate_limiter import Limiter, Rate
from tenacity import RetryCallState, Retrying, nap, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from connectors.errors import RemoteError

T = TypeVar("T")


class Pacer:
    """Blocks each outgoing request until the documented rate allows it, and counts it.

    `rate` is requests per second on average; None disables the limit (tests on a sandbox
    with its limit off). Requests are spaced evenly, never in bursts.
    """

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self._limiter = _limiter(rate) if rate else None
        self._lock = threading.Lock()
        self.requests = 0

    def on_request(self, request: httpx.Request) -> None:
        """httpx's request hook."""
        self.pace()

    def pace(self) -> None:
        """Wait until the rate allows one more request, and count it (for any HTTP client)."""
        if self._limiter is not None:
            self._limiter.try_acquire("requests")
        with self._lock:
            self.requests += 1


# A request is stamped when it leaves the pacer but counted when it reaches the server; a
# slow new connection or a busy host shifts the two apart. Spacing requests evenly, 5% wider
# than the rate asks, keeps any server window (one second or ten) under its limit for that
# much jitter, at 95% of the rate.
_SPACING_MARGIN = 1.05


def _limiter(rate: float) -> Limiter:
    return Limiter(Rate(1, max(1, round(1000 * _SPACING_MARGIN / rate))), buffer_ms=1)


class RetryPolicy:
    """Retry what `RemoteError.retryable` marks as transient: honour Retry-After when the
    server sent one, otherwise back off exponentially with jitter."""

    def __init__(self, attempts: int = 6, backoff: float = 1.0, max_wait: float = 60.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self._sleep = sleep
        self._exponential = wait_exponential_jitter(multiplier=backoff, max=max_wait, jitter=backoff)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RemoteError) and error.retry_after is not None:
            return min(error.retry_after, self.max_wait)
        return self._exponential(state)

    def call(self, fn: Callable[[], T]) -> T:
        retrying = Retrying(
            sleep=self._sleep or nap.sleep,
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, RemoteError) and e.retryable),
            reraise=True,
        )
        return retrying(fn)


# A server asking for more than a day is not asking to be retried; such a value is misread or
# hostile, and would be shown to a person as "wait N s". Longer delays are cut to this.
MAX_RETRY_AFTER = 86400.0
_DELAY_SECONDS = re.compile(r"[0-9]+(\.[0-9]+)?")


def retry_after(headers: Mapping[str, str] | None, *, now: datetime | None = None) -> float | None:
    """The Retry-After of a response's headers (any capitalisation), in seconds; None when
    absent or unreadable. Takes httpx's headers, httplib2's response and plain dicts alike."""
    if not headers:
        return None
    value = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
    return parse_retry_after(value, now=now)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait, from a Retry-After value as RFC 9110 (10.2.3) defines it: a number of
    seconds, or an HTTP date (IMF-fixdate, or the obsolete RFC 850 and asctime forms, read
    as UTC). A date already past is 0; anything over `MAX_RETRY_AFTER` is cut to it; garbage
    (and negative, infinite or NaN values) is None. A fraction of a second is accepted, as
    servers send them though the RFC allows only digits."""
    text = (value or "").strip()
    if not text:
        return None
    if _DELAY_SECONDS.fullmatch(text):
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    wait = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(wait, 0.0), MAX_RETRY_AFTER) if math.isfinite(wait) else None
