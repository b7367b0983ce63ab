"""The official `webflow` SDK set up for copydesk: endpoint, pacing, retries and errors.

The SDK has no `base_url`; a sandbox is reached through a `WebflowEnvironment` whose three
API roots all point at `<base_url>/v2`. The SDK sends everything through the httpx client
passed to it, which carries copydesk's pacer as a request hook, so every HTTP request is
paced and counted whichever SDK method sent it. The SDK's own retries are off
(`max_retries: 0`: they ignore Retry-After and would be neither paced by copydesk's policy
nor visible to it); copydesk's `RetryPolicy` retries what Webflow marks as transient.
Every SDK and transport error is translated into copydesk's hierarchy here and only here
(`map_errors`), in one line that says what to do and never contains the token.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar, cast

import httpx
from webflow import Webflow
from webflow.core.api_error import ApiError
from webflow.core.parse_error import ParsingError
from webflow.core.pydantic_utilities import UniversalBaseModel
from webflow.core.request_options import RequestOptions
from webflow.environment import WebflowEnvironment

from connectors.errors import AuthError, RemoteError, RemoteNotFound
from connectors.pacing import Pacer, RetryPolicy, retry_after
from connectors.webflow.normalise import TOOL

T = TypeVar("T")
# https://developers.webflow.com/data/reference/rate-limits: Starter and Basic site plans allow
# 60 requests per minute per token (CMS, eCommerce, Business: 120). The lower one is the default.
WEBFLOW_RATE = 1.0
NO_SDK_RETRIES: RequestOptions = {"max_retries": 0}


class WebflowApi:
    """The SDK client over one paced, counted httpx client.

    `base_url` empty: Webflow's own API; otherwise a server that mounts the Data API v2 under
    `<base_url>/v2/` (the sandbox)."""

    def __init__(self, token: str, *, base_url: str, rate: float | None, timeout: float,
                 retry: RetryPolicy | None, source: str = TOOL) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source  # the configured source's name, carried by every error
        self._retry = retry or RetryPolicy()
        self._pacer = Pacer(rate)
        self._http = httpx.Client(timeout=timeout, event_hooks={"request": [self._pacer.on_request]})
        root = f"{self.base_url}/v2"
        environment = (WebflowEnvironment(base=root, data_api=root, content_delivery_api=root) if self.base_url
                       else WebflowEnvironment.DATA_API)
        self.sdk = Webflow(access_token=token, environment=environment, httpx_client=self._http, timeout=timeout)

    @property
    def requests_made(self) -> int:
        return self._pacer.requests

    @property
    def where(self) -> str:
        return self.base_url or "Webflow's API"

    def close(self) -> None:
        self._http.close()

    def get_untyped(self, path: str, params: dict[str, Any], options: RequestOptions) -> dict[str, Any]:
        """A GET through the SDK's own authenticated, paced client, read as plain JSON.

        For page DOMs: they can hold node types the SDK's models do not know (Webflow's own
        example has a `submit` node, the SDK 2.0 models only `submit-button`), and one unknown
        node must not make the whole page unreadable."""
        wrapper = self.sdk._client_wrapper
        response = wrapper.httpx_client.request(path, base_url=wrapper.get_environment().base, method="GET",
                                                params=params, request_options=options)
        if response.status_code >= 400:
            try:
                body: Any = response.json()
            except ValueError:
                body = response.text
            raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=body)
        # Webflow answers a page's DOM with a JSON object (`nodes`, `pagination`).
        return cast(dict[str, Any], response.json())

    def call(self, what: str, request: Callable[[RequestOptions], T], *, retry: bool = True) -> T:
        """Send the SDK request `request(options)` makes, retrying transient failures.

        `what` completes "while …" in error messages ("listing the items of Blog posts")."""
        def attempt() -> T:
            with map_errors(what, self.where, self.source):
                return request(NO_SDK_RETRIES)

        return self._retry.call(attempt) if retry else attempt()


@contextmanager
def map_errors(what: str, where: str, source: str = TOOL) -> Iterator[None]:
    """Translate SDK and transport errors into copydesk errors (the only place), each naming
    the configured `source` it came from."""
    try:
        yield
    except ApiError as error:
        raise from_api_error(error, what, source) from error
    except ParsingError as error:
        raise RemoteError(
            f"Webflow at {where} answered HTTP {error.status_code} with a body the Webflow SDK cannot read while "
            f"{what}; check base_url, or report it if it points at Webflow.",
            source=source, status=error.status_code, code="unreadable",
        ) from error
    except httpx.ConnectError as error:
        raise RemoteError(
            f"Cannot reach Webflow at {where} while {what}: the connection was refused or the host is unknown "
            "(the remote is down, or base_url is wrong). Check the network and base_url, or start the sandbox "
            "with `copydesk sandbox` if this source points at it.",
            source=source, code="unreachable",
        ) from error
    except httpx.TimeoutException as error:
        raise RemoteError(
            f"Webflow at {where} did not answer in time while {what}; copydesk retried, try again later.",
            source=source, code="timeout", retryable=True,
        ) from error
    except httpx.TransportError as error:
        raise RemoteError(
            f"The connection to Webflow at {where} failed while {what} ({type(error).__name__}); copydesk "
            "retried, try again later.",
            source=source, code="transport", retryable=True,
        ) from error


def from_api_error(error: ApiError, what: str, source: str = TOOL) -> RemoteError:
    """Webflow's error body `{code, message, externalReference, details}` → copydesk's error."""
    status = int(error.status_code or 0)
    code, message = _body(error.body)
    detail = f"Webflow said {status}{f' {code}' if code else ''} while {what}: {message.rstrip('.') or 'no message'}"
    common: dict[str, Any] = {"source": source, "status": status, "code": code}
    if status == 401:
        return AuthError(f"{detail}. The Webflow token is wrong, expired or revoked: put a valid site API token "
                         "in the environment variable named by token_env in copydesk.toml.", **common)
    if status == 403:
        return AuthError(f"{detail}. The token lacks a scope or access to this site: create a site token with "
                         "sites:read, pages:read, pages:write, cms:read, cms:write, components:read and components:write "
                         "(sites:write to publish).",
                         **common)
    if status == 404:
        return RemoteNotFound(f"{detail}. It was deleted, or site_id does not name a site this token can read.",
                              **common)
    if status == 429:
        return RemoteError(f"{detail}. Webflow's rate limit (60 or 120 requests a minute by plan): copydesk "
                           "retried and gave up; try again in a minute or lower rate in copydesk.toml.",
                           retryable=True, retry_after=retry_after(error.headers), **common)
    if status == 409:
        return RemoteError(f"{detail}. Webflow refused the change as it stands (for example a live update of an "
                           "item that was never published); nothing was changed.", **common)
    if status >= 500 or status == 408:
        return RemoteError(f"{detail}. copydesk retried and gave up; try again later.", retryable=True,
                           retry_after=retry_after(error.headers), **common)
    return RemoteError(f"{detail}.", **common)


def _body(body: Any) -> tuple[str, str]:
    if hasattr(body, "dict"):
        body = body.dict()
    if isinstance(body, dict):
        return str(body.get("code") or ""), " ".join(str(body.get("message") or "").split())[:300]
    return "", " ".join(str(body or "").split())[:300]


def plain(model: UniversalBaseModel) -> dict[str, Any]:
    """An SDK response model as the JSON object Webflow sent (aliases, ISO dates)."""
    # A model serialises to an object; json.loads is typed for any JSON value.
    return cast(dict[str, Any], json.loads(model.json()))
