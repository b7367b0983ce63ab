"""RetryPolicy and Pacer on their own: no HTTP, no sandbox, a fake sleep where time matters."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from connectors.errors import AuthError, RemoteError
from connectors.pacing import Pacer, RetryPolicy

_REQUEST = httpx.Request("GET", "http://127.0.0.1/v1/search")


class Flaky:
    """Raises the given errors in order, then returns "done"; counts calls."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def transient(retry_after: float | None = None, status: int = 429) -> RemoteError:
    return RemoteError("transient", source="notion", status=status, retryable=True, retry_after=retry_after)


# -- RetryPolicy ------------------------------------------------------------------------------


def test_retry_after_from_the_server_is_waited_exactly():
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, backoff=0.01, max_wait=60, sleep=waits.append)
    flaky = Flaky(transient(retry_after=2.5), transient(retry_after=7.0))

    assert policy.call(flaky) == "done"
    assert flaky.calls == 3
    assert waits == [2.5, 7.0]


def test_retry_after_of_zero_means_retry_at_once():
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, backoff=5.0, sleep=waits.append)

    assert policy.call(Flaky(transient(retry_after=0))) == "done"
    assert waits == [0]


def test_retry_after_is_capped_at_max_wait():
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, backoff=0.01, max_wait=4.0, sleep=waits.append)

    assert policy.call(Flaky(transient(retry_after=3600))) == "done"
    assert waits == [4.0]


def test_without_retry_after_it_backs_off_exponentially_with_jitter():
    # backoff=1.0 is the default, so this one needs no warning filter.
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, backoff=1.0, max_wait=60, sleep=waits.append)
    flaky = Flaky(transient(status=503), transient(status=503), transient(status=503))

    assert policy.call(flaky) == "done"
    assert flaky.calls == 4
    # attempt n waits backoff * 2**(n-1) plus up to `backoff` of jitter
    assert len(waits) == 3
    for wait, base in zip(waits, [1.0, 2.0, 4.0]):
        assert base <= wait <= base + 1.0, waits


def test_backoff_never_exceeds_max_wait():
    waits: list[float] = []
    policy = RetryPolicy(attempts=8, backoff=2.0, max_wait=5.0, sleep=waits.append)

    assert policy.call(Flaky(*[transient(status=500) for _ in range(7)])) == "done"
    assert len(waits) == 7
    assert max(waits) == 5.0
    assert all(0 < w <= 5.0 for w in waits)


def test_stops_after_the_given_attempts_and_raises_the_last_error():
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, sleep=waits.append)
    errors = [transient(retry_after=0.0, status=s) for s in (500, 502, 503, 504)]
    flaky = Flaky(*errors)

    with pytest.raises(RemoteError) as caught:
        policy.call(flaky)

    assert flaky.calls == 3
    assert caught.value is errors[2]
    assert len(waits) == 2


@pytest.mark.parametrize(
    "error",
    [
        RemoteError("bad request", status=400, retryable=False, retry_after=0),
        AuthError("token revoked", status=401),
        RemoteError("not found", status=404),
        ValueError("a bug, not a remote failure"),
    ],
    ids=["remote-not-retryable", "auth", "not-found", "other-exception"],
)
def test_never_retries_what_is_not_marked_retryable(error):
    waits: list[float] = []
    policy = RetryPolicy(attempts=6, sleep=waits.append)
    flaky = Flaky(error)

    with pytest.raises(type(error)) as caught:
        policy.call(flaky)

    assert caught.value is error
    assert flaky.calls == 1
    assert waits == []


def test_returns_at_once_when_the_first_attempt_succeeds():
    waits: list[float] = []
    flaky = Flaky()
    assert RetryPolicy(sleep=waits.append).call(flaky) == "done"
    assert (flaky.calls, waits) == (1, [])


def test_a_non_default_backoff_warns_nothing():
    RetryPolicy(attempts=4, backoff=0.01, max_wait=0.5)


# -- Pacer ------------------------------------------------------------------------------------


def test_pacer_counts_every_request():
    pacer = Pacer(None)
    for _ in range(7):
        pacer.on_request(_REQUEST)
    assert pacer.requests == 7


def test_pacer_counts_exactly_under_concurrency():
    pacer = Pacer(None)

    def send() -> None:
        for _ in range(500):
            pacer.on_request(_REQUEST)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert pacer.requests == 4000


def test_pacer_without_a_rate_never_waits():
    pacer = Pacer(None)
    started = time.monotonic()
    for _ in range(500):
        pacer.on_request(_REQUEST)
    assert time.monotonic() - started < 0.5
    assert pacer.requests == 500


def test_pacer_spaces_requests_evenly_just_under_the_rate():
    """No bursts: at rate 10, consecutive requests are about 105 ms apart, so no one-second
    span holds more than 10 requests even when some arrive a little late."""
    pacer = Pacer(10)
    stamps = []
    started = time.monotonic()
    for _ in range(12):
        pacer.on_request(_REQUEST)
        stamps.append(time.monotonic() - started)

    assert pacer.requests == 12
    # A stamp is taken after the pacer lets a request go, so a busy host can make one late by
    # a few tens of ms; the bounds allow 50 ms of that and would still fail for any burst.
    for i in range(len(stamps) - 2):
        assert stamps[i + 2] - stamps[i] >= 0.16, "never two requests at once"
    assert stamps[11] - stamps[0] >= 11 * 0.105 - 0.05, "no more than 10 requests a second"


def test_pacer_keeps_a_fractional_rate_on_average():
    # 2.5/s: at most 2 requests per 0.8 s, so the third waits ~0.8 s (not 1 s, not 0)
    pacer = Pacer(2.5)
    started = time.monotonic()
    for _ in range(3):
        pacer.on_request(_REQUEST)
    elapsed = time.monotonic() - started
    assert 0.7 <= elapsed < 0.95
