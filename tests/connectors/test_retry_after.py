"""Retry-After, read once for every connector: seconds or an HTTP date (RFC 9110, 10.2.3),
bounded, and None for anything else."""

from __future__ import annotations

from datetime import UTC, datetime

import httplib2
import httpx
import pytest

from connectors.pacing import MAX_RETRY_AFTER, parse_retry_after, retry_after

NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)


@pytest.mark.parametrize("value, seconds", [
    ("120", 120.0),
    ("0", 0.0),
    ("  7 ", 7.0),
    ("2.5", 2.5),  # not in the RFC's grammar, but servers send it
    ("007", 7.0),
    ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),  # IMF-fixdate
    ("Wednesday, 21-Oct-15 07:29:00 GMT", 60.0),  # obsolete RFC 850
    ("Wed Oct 21 07:28:05 2015", 5.0),  # obsolete asctime, read as UTC
    ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),  # already past: retry now
    ("Thu, 22 Oct 2015 07:28:00 GMT", 86400.0),
    ("Fri, 21 Oct 2016 07:28:00 GMT", MAX_RETRY_AFTER),  # a year: bounded
    ("999999999999", MAX_RETRY_AFTER),
    ("9" * 400, MAX_RETRY_AFTER),
    (None, None),
    ("", None),
    ("   ", None),
    ("-1", None),
    ("+5", None),
    ("1e3", None),
    ("inf", None),
    ("nan", None),
    ("soon", None),
    ("5 seconds", None),
    ("Wed, 32 Oct 2015 07:28:30 GMT", None),
])
def test_a_retry_after_value_reads_as_seconds(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


def test_an_http_date_counts_from_now_by_default():
    in_a_minute = datetime.now(UTC).timestamp() + 60
    value = datetime.fromtimestamp(in_a_minute, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 55 <= parse_retry_after(value) <= 60


@pytest.mark.parametrize("headers", [
    httpx.Headers({"Retry-After": "3"}),  # Notion's SDK (httpx)
    httplib2.Response({"status": 429, "retry-after": "3"}),  # Google's SDK (httplib2, lower-cased)
    {"RETRY-AFTER": "3", "content-type": "application/json"},  # Webflow's SDK (a plain dict)
])
def test_the_header_is_found_in_each_sdks_headers_whatever_its_case(headers):
    assert retry_after(headers) == 3.0


@pytest.mark.parametrize("headers", [None, {}, {"content-type": "application/json"}, httpx.Headers()])
def test_no_header_is_none(headers):
    assert retry_after(headers) is None
