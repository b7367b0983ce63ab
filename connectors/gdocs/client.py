"""The Google SDK (google-api-python-client) set up for copydesk: credentials, pacing, errors.

Drive v3 and Docs v1 are built from the discovery documents bundled with the SDK (no
discovery request at run time), over one httplib2 client that paces and counts every
request it sends, token refreshes and retries included. The SDK's own retries are off
(`num_retries=0`: its sleeps are long and ignore Retry-After); copydesk's `RetryPolicy`
retries what Google marks as transient instead. Every SDK and transport error is translated
into copydesk's hierarchy here and only here (`map_errors`), in one line that says what to
do next and never contains a credential.
"""

from __future__ import annotations

import http.client
import json
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypedDict, cast

import google.oauth2.credentials
import google.oauth2.service_account
import httplib2
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError, RefreshError
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.errors import AuthError, ConfigError, RemoteError, RemoteNotFound
from connectors.gdocs.normalise import TOOL
from connectors.pacing import Pacer, RetryPolicy, retry_after

# Drive is only read (listing, changes, folder parents); documents are written through Docs.
SCOPES = ("https://www.googleapis.com/auth/drive.readonly", "https://www.googleapis.com/auth/documents")
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED"}
_DISABLED_REASONS = {"accessNotConfigured", "SERVICE_DISABLED"}
_SCOPE_REASONS = {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}


def credentials_from(*, token: str = "", file: str | Path | None = None) -> Credentials:
    """Credentials from a static access token (the sandbox), or from a JSON file that is
    either a service-account key or an OAuth authorized-user token file.

    A service account gets `SCOPES`; an authorized-user file keeps the scopes it was granted
    (asking for others would make Google refuse the refresh)."""
    if file is None or str(file) == "":
        if not token:
            raise ConfigError("Google Docs needs credentials: set credentials_file to a service-account key or an "
                              "OAuth authorized-user token file.")
        return google.oauth2.credentials.Credentials(token=token)
    path = Path(file).expanduser()
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"The Google credentials file {path} does not exist: set credentials_file to the path of "
                          "a service-account key or an OAuth authorized-user token file.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Cannot read the Google credentials file {path} ({type(error).__name__}): check that it "
                          "is a file copydesk's user may read.") from error
    except json.JSONDecodeError as error:
        raise ConfigError(f"The Google credentials file {path} is not JSON: download the service-account key "
                          "(JSON) again, or re-create the authorized-user token file.") from error
    kind = info.get("type") if isinstance(info, dict) else None
    # google-auth leaves these two constructors unannotated (pyproject: untyped_calls_exclude); each
    # returns an instance of its own class.
    try:
        if kind == "service_account":
            return cast(Credentials, google.oauth2.service_account.Credentials.from_service_account_info(
                info, scopes=list(SCOPES)))
        if kind == "authorized_user" or (isinstance(info, dict) and "refresh_token" in info):
            return cast(Credentials, google.oauth2.credentials.Credentials.from_authorized_user_info(info))
    except (ValueError, KeyError, GoogleAuthError) as error:
        raise ConfigError(f"The Google credentials file {path} is incomplete ({str(error).splitlines()[0][:120]}): "
                          "download the key or token file again.") from error
    raise ConfigError(f"The Google credentials file {path} is neither a service-account key nor an OAuth "
                      "authorized-user token file (its \"type\" is "
                      f"{kind!r}); an OAuth client secret alone is not enough, authorize once to get a token file.")


class _PacedHttp(httplib2.Http):
    """httplib2 with copydesk's pacer in front of every request the SDK makes through it."""

    def __init__(self, pacer: Pacer, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._pacer = pacer

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None,
                redirections: int = httplib2.DEFAULT_MAX_REDIRECTS, connection_type: Any = None) -> Any:
        self._pacer.pace()
        return super().request(uri, method, body, headers, redirections, connection_type)


class GoogleApi:
    """Drive v3 and Docs v1 services sharing one paced, counted HTTP client.

    `base_url` empty: Google's own endpoints; otherwise a server that mounts Drive under
    `<base>/drive/v3/` and Docs under `<base>/v1/` (the sandbox)."""

    def __init__(self, credentials: Credentials, *, base_url: str, rate: float | None, timeout: float,
                 retry: RetryPolicy | None, source: str = TOOL) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source  # the configured source's name, carried by every error
        self._retry = retry or RetryPolicy()
        self._pacer = Pacer(rate)
        # httplib2 is not thread-safe and a workspace shares its connectors between the app's
        # sessions: one request at a time goes through this client.
        self._sending = threading.Lock()
        # A bare access token cannot be renewed: let its 401 through as an error rather
        # than have the transport try (and fail) to refresh it.
        renewable = not isinstance(credentials, google.oauth2.credentials.Credentials) or bool(
            credentials.refresh_token)
        self._http = AuthorizedHttp(credentials, http=_PacedHttp(self._pacer, timeout),
                                    **({} if renewable else {"refresh_status_codes": ()}))
        drive_endpoint = {"api_endpoint": f"{self.base_url}/drive/v3/"} if self.base_url else None
        docs_endpoint = {"api_endpoint": f"{self.base_url}/"} if self.base_url else None
        drive = build("drive", "v3", http=self._http, static_discovery=True, client_options=drive_endpoint)
        docs = build("docs", "v1", http=self._http, static_discovery=True, client_options=docs_endpoint)
        # The SDK builds a resource's methods from the discovery document each time one is asked
        # for (~40 ms of CPU): once here, not once a request.
        self.files, self.changes, self.documents = drive.files(), drive.changes(), docs.documents()

    @property
    def requests_made(self) -> int:
        return self._pacer.requests

    @property
    def where(self) -> str:
        return self.base_url or "Google's API"

    def close(self) -> None:
        self._http.close()

    def call(self, what: str, request: Callable[[], Any]) -> dict[str, Any]:
        """Execute the SDK request `request()` builds, retrying transient failures.

        `what` completes "while …" in error messages ("reading document X")."""
        def attempt() -> dict[str, Any]:
            with self._sending, map_errors(what, self.where, self.source):
                # The SDK is untyped; every Drive and Docs method copydesk calls answers a JSON object.
                return cast(dict[str, Any], request().execute(num_retries=0))

        return self._retry.call(attempt)


@contextmanager
def map_errors(what: str, where: str, source: str = TOOL) -> Iterator[None]:
    """Translate SDK, auth and transport errors into copydesk errors (the only place), each
    naming the configured `source` it came from."""
    try:
        yield
    except HttpError as error:
        raise _from_http_error(error, what, source) from error
    except RefreshError as error:
        raise AuthError(
            f"Google refused to renew the credentials while {what} ({_first_line(error)}): the token file was "
            "revoked or expired, or the service-account key was deleted; point credentials_file at a valid one.",
            source=source, code="refresh_failed",
        ) from error
    except (ConnectionRefusedError, httplib2.ServerNotFoundError) as error:
        raise RemoteError(
            f"Cannot reach Google Docs at {where} while {what}: the connection was refused or the host is "
            "unknown. Check the network and base_url, or start the sandbox with `copydesk sandbox` if this "
            "source points at it.",
            source=source, code="unreachable",
        ) from error
    except TimeoutError as error:
        raise RemoteError(
            f"Google Docs at {where} did not answer in time while {what}; copydesk retried, try again later.",
            source=source, code="timeout", retryable=True,
        ) from error
    except (OSError, http.client.HTTPException, httplib2.HttpLib2Error) as error:
        raise RemoteError(
            f"The connection to Google Docs at {where} failed while {what} ({type(error).__name__}); copydesk "
            "retried, try again later.",
            source=source, code="transport", retryable=True,
        ) from error


def _from_http_error(error: HttpError, what: str, source: str) -> RemoteError:
    status = int(error.resp.status)
    body = _error_body(error.content)
    reason = _reason(body)
    message = " ".join(str(body.get("message") or error.resp.reason or "").split())[:300]
    detail = f"Google said {status}{f' {reason}' if reason else ''} while {what}: {message.rstrip('.')}"
    wait = retry_after(error.resp)
    common = _ErrorFields(source=source, status=status, code=reason)
    if status == 401:
        return AuthError(f"{detail}. The credentials were refused: renew the OAuth token file, or point "
                         "credentials_file at a valid service-account key (for the sandbox, its token).", **common)
    if status == 429 or (status == 403 and reason in _RATE_REASONS):
        return RemoteError(f"{detail}. Google's rate limit: copydesk retried and gave up; try again in a minute "
                           "or lower rate in copydesk.toml.", retryable=True, retry_after=wait, **common)
    if status == 403 and reason in _DISABLED_REASONS:
        return AuthError(f"{detail}. Enable the Google Drive API and the Google Docs API in the Google Cloud "
                         "project of these credentials.", **common)
    if status == 403 and reason in _SCOPE_REASONS:
        return AuthError(f"{detail}. The credentials lack the Drive (read) and Docs scopes: authorize again "
                         "with both.", **common)
    if status == 403:
        return AuthError(f"{detail}. Share the folder or document with the credentials' account (a service "
                         "account's client_email) as an editor.", **common)
    if status == 404:
        return RemoteNotFound(f"{detail}. It was deleted, or is not shared with these credentials.", **common)
    if status >= 500:
        return RemoteError(f"{detail}. copydesk retried and gave up; try again later.", retryable=True,
                           retry_after=wait, **common)
    return RemoteError(f"{detail}.", **common)


class _ErrorFields(TypedDict):
    """What every error translated from one Google answer carries, whatever its class."""

    source: str
    status: int
    code: str


def _error_body(content: bytes) -> dict[str, Any]:
    """Google's error envelope `{"error": {"code", "message", "errors": [...], "status"}}`."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def _reason(body: dict[str, Any]) -> str:
    """The most specific reason Google gave: errors[].reason (Drive), details[].reason
    (newer APIs), else the status name."""
    for item in body.get("errors") or []:
        if isinstance(item, dict) and item.get("reason"):
            return str(item["reason"])
    for item in body.get("details") or []:
        if isinstance(item, dict) and item.get("reason"):
            return str(item["reason"])
    return str(body.get("status") or "")


def _first_line(error: Exception) -> str:
    first = error.args[0] if error.args else ""
    return (str(first).splitlines() or [""])[0][:160]
