"""A local Google Drive v3 + Docs v1 API: the subset copydesk uses, with Google's paths, shapes and errors.

Mounted at `<server>/gdocs`, so the official client reaches it with
`build("drive", "v3", client_options={"api_endpoint": "<server>/gdocs/drive/v3/"})` and
`build("docs", "v1", client_options={"api_endpoint": "<server>/gdocs/"})`.

API (`Authorization: Bearer GDOCS_SANDBOX_TOKEN`; `fields` partial responses everywhere):
    GET  /drive/v3/files                          q, pageSize (≤ 1000), pageToken, orderBy
    GET  /drive/v3/files/{fileId}
    GET  /drive/v3/changes/startPageToken
    GET  /drive/v3/changes                        pageToken (required), pageSize, includeRemoved
    GET  /v1/documents/{documentId}               includeTabsContent (tabs and child tabs), suggestionsViewMode
    POST /v1/documents/{documentId}:batchUpdate   insertText, deleteContentRange, replaceAllText,
                                                  updateTextStyle; writeControl.requiredRevisionId;
                                                  segmentId (a header, footer or footnote) in every
                                                  Location/Range (discovery_docs.v1.json Location, Range)
Without `fields`, Drive answers with its default partial resources (a file is only kind, id,
name and mimeType), as the real Drive does; ask for what you need.

Admin (uncounted, no auth) under `/_sandbox/`:
    GET  stats        {"total", "routes": {"GET /drive/v3/files": n, ...}, "rate_limited", "faults_served",
                       "rate_limit": {"docs_read" | "docs_write" | "drive": {"per_minute", "window_seconds"}}}
    POST reset        reload the seed, clear stats, faults and rate-limit changes
    POST edit         {"id", "find", "replace", "editor"?}: a colleague (`editor`, a user key of the
                      seed; default: Jordan Lee) edits the first paragraph containing find
    POST faults       {"status", "count", "hang", "retry_after", "code", "match", "skip"} or {"clear": true}
    POST rate_limit   {"enabled", "reads_per_minute", "writes_per_minute", "drive_per_minute", "window_seconds"}
    POST generate     {"docs": 1000, "seed": 7}: replace the Drive with one top folder of synthetic docs
    POST trash        {"id"}: trash a file (and what is under it)
    POST delete       {"id"}: delete a file for good
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from operator import eq, ge, gt, le, lt, ne
from typing import TYPE_CHECKING, Any, Callable, Iterable

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from connectors.sandbox import gdocs_model as model
from connectors.sandbox.gdocs_workspace import Change, DriveWorkspace
from connectors.sandbox.harness import Harness, RateLimit, SandboxError, dispatch_admin, match_api
from connectors.sandbox.harness import admin_json as _admin_json

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

GDOCS_SANDBOX_TOKEN = "ya29.sandbox-copydesk-local-only"
GDOCS_ROOT_FOLDER_ID = "1D8NGDK27mvWX4iNEoNnq1lrdRVYmk9lS"
GDOCS_RATE_READS_PER_MINUTE = 300
GDOCS_RATE_WRITES_PER_MINUTE = 60
# Drive counts quota units now (325,000 per minute per user), not requests. Older revisions of
# its limits page gave 12,000 queries per minute per user; the sandbox limits requests to that.
GDRIVE_RATE_PER_MINUTE = 12_000

_MAX_PAGE_SIZE = 1000
_DEFAULT_PAGE_SIZE = 100
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ABORTED",
    412: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
    502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}
_DEFAULT_REASONS = {
    400: "badRequest", 401: "authError", 403: "forbidden", 404: "notFound", 409: "conflict",
    412: "conditionNotMet", 429: "rateLimitExceeded", 500: "internalError", 501: "notImplemented",
    502: "backendError", 503: "backendError", 504: "backendError",
}
_USAGE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "quotaExceeded"}
_UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
    "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
# The default partial responses of Drive v3 when the request has no `fields`.
_DRIVE_DEFAULT_FIELDS = {
    "files_list": "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)",
    "files_get": "kind,id,name,mimeType",
    "changes_list": "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,"
                    "file(kind,id,name,mimeType))",
}
_LIMIT_CLASSES = {
    "files_list": "drive", "files_get": "drive", "changes_start": "drive", "changes_list": "drive",
    "documents_get": "docs_read", "documents_batch_update": "docs_write",
}
_SUGGESTIONS_VIEW_MODES = {
    "DEFAULT_FOR_CURRENT_ACCESS": "SUGGESTIONS_INLINE", "SUGGESTIONS_INLINE": "SUGGESTIONS_INLINE",
    "PREVIEW_SUGGESTIONS_ACCEPTED": "PREVIEW_SUGGESTIONS_ACCEPTED",
    "PREVIEW_WITHOUT_SUGGESTIONS": "PREVIEW_WITHOUT_SUGGESTIONS",
}


def google_error(status: int, reason: str = "", message: str = "", *, location: str | None = None,
                 location_type: str | None = None, item_message: str | None = None,
                 rpc_status: str | None = None) -> Response:
    """Google's JSON error envelope: `{"error": {"code", "message", "errors": [...], "status"}}`.

    Drive's bodies carry `errors[]` (domain, reason, location…), Docs' the RPC `status`;
    the sandbox sends both, as Google does for many errors, so either client's parsing works.
    """
    reason = reason or _DEFAULT_REASONS.get(status, "backendError")
    message = message or reason
    item: dict[str, Any] = {
        "message": item_message or message,
        "domain": "usageLimits" if reason in _USAGE_LIMIT_REASONS else "global",
        "reason": reason,
    }
    if location is not None:
        item["location"] = location
        item["locationType"] = location_type or "parameter"
    body = {"error": {"code": status, "message": message, "errors": [item],
                      "status": rpc_status or _STATUS_NAMES.get(status, "UNKNOWN")}}
    response = Response(json.dumps(body, indent=2), status=status, content_type="application/json; charset=UTF-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    return response


class ApiError(SandboxError):
    def __init__(self, status: int, reason: str = "", message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.response = google_error(status, reason, message, **details)


def _invalid_parameter(name: str, message: str = "Invalid Value") -> ApiError:
    return ApiError(400, "invalid", message, location=name)


def google_rate_limits(reads_per_minute: float = GDOCS_RATE_READS_PER_MINUTE,
                       writes_per_minute: float = GDOCS_RATE_WRITES_PER_MINUTE,
                       drive_per_minute: float = GDRIVE_RATE_PER_MINUTE,
                       window_seconds: int = 60) -> dict[str, RateLimit]:
    """Google's per-user budgets: Docs reads and writes answer 429 RESOURCE_EXHAUSTED, Drive
    403 userRateLimitExceeded. Google sends no Retry-After; clients back off exponentially."""

    def docs(per_minute: float, metric: str) -> RateLimit:
        message = (f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' of service "
                   "'docs.googleapis.com' for consumer 'project_number:000000000000'.")
        return RateLimit(per_minute / 60, window_seconds, None, status=429, code="rateLimitExceeded", message=message)

    return {
        "docs_read": docs(reads_per_minute, "Read requests"),
        "docs_write": docs(writes_per_minute, "Write requests"),
        "drive": RateLimit(drive_per_minute / 60, window_seconds, None, status=403, code="userRateLimitExceeded",
                           message="User Rate Limit Exceeded"),
    }


class GdocsSandbox:
    """The WSGI app. `workspace_factory` rebuilds the seed Drive on reset."""

    def __init__(
        self,
        workspace_factory: Callable[[], DriveWorkspace],
        styles: dict[str, Any],
        *,
        token: str = GDOCS_SANDBOX_TOKEN,
        rate_limits: dict[str, RateLimit] | None = None,
    ) -> None:
        self._factory = workspace_factory
        self._styles = styles
        self._initial_rate_limits = dict(rate_limits or {})
        self.token = token
        self.workspace = workspace_factory()
        self.harness = Harness(google_error)
        self.harness.set_rate_limits(self._initial_rate_limits)
        self._api = Map(
            [
                Rule("/drive/v3/files", methods=["GET"], endpoint="files_list"),
                Rule("/drive/v3/files/<file_id>", methods=["GET"], endpoint="files_get"),
                Rule("/drive/v3/changes/startPageToken", methods=["GET"], endpoint="changes_start"),
                Rule("/drive/v3/changes", methods=["GET"], endpoint="changes_list"),
                Rule("/v1/documents/<document_id>", methods=["GET"], endpoint="documents_get"),
                Rule("/v1/documents/<document_id>:batchUpdate", methods=["POST"], endpoint="documents_batch_update"),
            ]
        )
        self._admin = Map(
            [
                Rule("/_sandbox/stats", methods=["GET"], endpoint="stats"),
                *(Rule(f"/_sandbox/{name}", methods=["POST"], endpoint=name)
                  for name in ("reset", "edit", "faults", "rate_limit", "generate", "trash", "delete")),
            ]
        )

    @classmethod
    def from_seed_dir(cls, folder: Traversable, **kwargs: Any) -> GdocsSandbox:
        styles = json.loads((folder / "styles.json").read_text(encoding="utf-8"))
        return cls(lambda: DriveWorkspace.from_seed_dir(folder), styles, **kwargs)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.dispatch(Request(environ))(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return self._dispatch_admin(request)
        endpoint, args, route = match_api(self._api, request)
        blocked = self.harness.screen(request, route, _LIMIT_CLASSES.get(endpoint or ""))
        if blocked is not None:
            return blocked
        try:
            if request.headers.get("Authorization", "") != f"Bearer {self.token}":
                raise ApiError(401, "authError", _UNAUTHENTICATED, location="Authorization", location_type="header",
                               item_message="Invalid Credentials")
            if endpoint is None:
                raise ApiError(404, "notFound", f"The requested URL {request.path} was not found on this server.")
            handler: Callable[..., Response] = getattr(self, f"_api_{endpoint}")
            return handler(request, **args)
        except ApiError as error:
            return error.response

    # -- Drive ----------------------------------------------------------------------------

    # Each handler takes the workspace once: a reset or generate swaps `self.workspace` for a new one.

    def _api_files_list(self, request: Request) -> Response:
        params = request.args
        workspace = self.workspace
        page_size = _page_size(params.get("pageSize"))
        query = DriveQuery(params.get("q", ""), {"root": workspace.my_drive_id}).predicate()
        order = _order(params.get("orderBy"))
        with workspace.lock:
            files = [f.resource() for f in workspace.iter_files()]
        files = order([f for f in files if query(f)])
        fingerprint = hashlib.sha256(f"{params.get('q', '')}|{params.get('orderBy', '')}".encode()).hexdigest()[:12]
        offset = _read_page_token(params.get("pageToken"), fingerprint)
        body: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False}
        if offset + page_size < len(files):
            body["nextPageToken"] = _page_token(offset + page_size, fingerprint)
        body["files"] = files[offset : offset + page_size]
        return _json(body, params.get("fields") or _DRIVE_DEFAULT_FIELDS["files_list"])

    def _api_files_get(self, request: Request, file_id: str) -> Response:
        workspace = self.workspace
        with workspace.lock:
            file = workspace.files.get(file_id)
            resource = file.resource() if file else None
        if resource is None:
            raise _file_not_found(file_id)
        return _json(resource, request.args.get("fields") or _DRIVE_DEFAULT_FIELDS["files_get"])

    def _api_changes_start(self, request: Request) -> Response:
        workspace = self.workspace
        with workspace.lock:
            token = str(workspace.next_change)
        return _json({"kind": "drive#startPageToken", "startPageToken": token}, request.args.get("fields"))

    def _api_changes_list(self, request: Request) -> Response:
        params = request.args
        raw = params.get("pageToken")
        if not raw:
            raise ApiError(400, "required", "Required parameter: pageToken", location="pageToken")
        if not raw.isdigit():
            raise _invalid_parameter("pageToken")
        page_size = _page_size(params.get("pageSize"))
        include_removed = params.get("includeRemoved", "true").lower() != "false"
        workspace = self.workspace
        with workspace.lock:
            visible = workspace.visible_changes(int(raw), include_removed)
            page = [_change(workspace, change) for change in visible[:page_size]]
            body: dict[str, Any] = {"kind": "drive#changeList"}
            if len(visible) > page_size:
                body["nextPageToken"] = str(visible[page_size - 1].number + 1)
            else:
                body["newStartPageToken"] = str(workspace.next_change)
        body["changes"] = page
        return _json(body, params.get("fields") or _DRIVE_DEFAULT_FIELDS["changes_list"])

    # -- Docs -----------------------------------------------------------------------------

    def _api_documents_get(self, request: Request, document_id: str) -> Response:
        mode = request.args.get("suggestionsViewMode", "DEFAULT_FOR_CURRENT_ACCESS")
        if mode not in _SUGGESTIONS_VIEW_MODES:
            raise _invalid_parameter("suggestionsViewMode", f"Invalid value at 'suggestions_view_mode' ({mode})")
        workspace = self.workspace
        with workspace.lock:
            document = copy.deepcopy(_document(workspace, document_id))
        applied = _SUGGESTIONS_VIEW_MODES[mode]
        if applied != "SUGGESTIONS_INLINE":
            model.preview(document, accept=applied == "PREVIEW_SUGGESTIONS_ACCEPTED")
        document["suggestionsViewMode"] = applied
        fields = request.args.get("fields")
        # A field mask naming `tabs` implies includeTabsContent (the parameter's description).
        tabbed = request.args.get("includeTabsContent", "false").lower() == "true" or "tabs" in re.split(
            r"[^A-Za-z]+", fields or "")
        return _json(document if tabbed else model.legacy_view(document), fields)

    def _api_documents_batch_update(self, request: Request, document_id: str) -> Response:
        payload = _body(request)
        control = payload.get("writeControl") or {}
        workspace = self.workspace
        with workspace.lock:
            document = _document(workspace, document_id)
            _check_write_control(control, document["revisionId"])
            try:
                edited, replies = model.apply_batch(document, payload.get("requests"))
            except model.InvalidRequest as error:
                raise ApiError(400, "badRequest", str(error)) from None
            workspace.commit_document(document_id, edited, workspace.api_user)
            revision = edited["revisionId"]
        body = {"documentId": document_id, "replies": replies, "writeControl": {"requiredRevisionId": revision}}
        return _json(body, request.args.get("fields"))

    # -- admin ----------------------------------------------------------------------------

    def _dispatch_admin(self, request: Request) -> Response:
        return dispatch_admin(self, self._admin, request)

    def _admin_stats(self, request: Request) -> Response:
        return _admin_json({**self.harness.stats(), "rate_limit": self._rate_limit_summary()})

    def _admin_reset(self, request: Request) -> Response:
        workspace = self._factory()
        self.workspace = workspace
        self.harness.reset_stats()
        self.harness.clear_faults()
        self.harness.set_rate_limits(self._initial_rate_limits)
        return _admin_json({"reset": True, "files": len(workspace.files), "documents": len(workspace.documents)})

    def _admin_edit(self, request: Request) -> Response:
        body = _body(request)
        document_id, find, replace = str(body["id"]), str(body["find"]), str(body["replace"])
        workspace = self.workspace
        with workspace.lock:
            document = workspace.documents.get(document_id)
            if document is None:
                return _admin_json({"error": f"no Google Doc with id {document_id}"}, 404)
            edited = model.replace_first(document, find, replace)
            if edited is None:
                return _admin_json({"error": f"no paragraph of {document_id} contains {find!r}"}, 404)
            editor = str(body.get("editor") or workspace.outside_editor)
            if editor not in workspace.users:
                return _admin_json({"error": f"no user {editor!r}: one of {', '.join(sorted(workspace.users))}"}, 400)
            workspace.commit_document(document_id, edited, editor)
            file = workspace.files[document_id]
            return _admin_json({"documentId": document_id, "revisionId": edited["revisionId"],
                                "version": str(file.version), "modifiedTime": file.modified_time})

    def _admin_faults(self, request: Request) -> Response:
        return _admin_json(self.harness.fault_command(_body(request)))

    def _admin_rate_limit(self, request: Request) -> Response:
        body = _body(request)
        if not body.get("enabled", True):
            self.harness.set_rate_limits({})
        else:
            self.harness.set_rate_limits(google_rate_limits(
                float(body.get("reads_per_minute", GDOCS_RATE_READS_PER_MINUTE)),
                float(body.get("writes_per_minute", GDOCS_RATE_WRITES_PER_MINUTE)),
                float(body.get("drive_per_minute", GDRIVE_RATE_PER_MINUTE)),
                int(body.get("window_seconds", 60)),
            ))
        return _admin_json({"rate_limit": self._rate_limit_summary()})

    def _admin_generate(self, request: Request) -> Response:
        body = _body(request)
        workspace = DriveWorkspace.synthetic(int(body.get("docs", 1000)), int(body.get("seed", 7)), self.workspace,
                                             self._styles)
        self.workspace = workspace
        self.harness.reset_stats()
        return _admin_json({"docs": len(workspace.documents), "folder_id": workspace.root_folder_id})

    def _admin_trash(self, request: Request) -> Response:
        file_id = str(_body(request)["id"])
        workspace = self.workspace
        with workspace.lock:
            if file_id not in workspace.files:
                return _admin_json({"error": f"no file with id {file_id}"}, 404)
            return _admin_json({"trashed": workspace.trash(file_id)})

    def _admin_delete(self, request: Request) -> Response:
        file_id = str(_body(request)["id"])
        workspace = self.workspace
        with workspace.lock:
            if file_id not in workspace.files:
                return _admin_json({"error": f"no file with id {file_id}"}, 404)
            return _admin_json({"deleted": workspace.delete(file_id)})

    def _rate_limit_summary(self) -> dict[str, Any] | None:
        limits = self.harness.rate_limits
        if not limits:
            return None
        return {name: {"per_minute": round(limit.rate * 60, 6), "window_seconds": limit.window_seconds}
                for name, limit in sorted(limits.items())}


# -- Drive queries -------------------------------------------------------------------------------


_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:\\.|[^'\\])*')|(?P<op><=|>=|!=|=|<|>)|(?P<paren>[()])"
                    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")
_TEXT_FIELDS = {"name", "mimeType"}
_TIME_FIELDS = {"modifiedTime", "createdTime"}
Predicate = Callable[[dict[str, Any]], bool]


class DriveQuery:
    """The part of Drive's `q` language copydesk uses: `'<id>' in parents`, `trashed = false`,
    `mimeType = '…'` / `!=`, `name = '…'` / `contains`, `modifiedTime > '…'`, joined with
    `and`, `or`, `not` and parentheses. Anything else is 400 Invalid Value, as Drive answers
    a query it cannot parse. (`name contains` is a plain substring match here; Drive matches
    word prefixes.)"""

    def __init__(self, text: str, aliases: dict[str, str]) -> None:
        self.aliases = aliases
        self.tokens: list[tuple[str, str]] = []
        position, text = 0, text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match or match.end() == position:
                raise _invalid_parameter("q")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.position = 0

    def predicate(self) -> Predicate:
        if not self.tokens:
            return lambda file: True
        result = self._or()
        if self.position != len(self.tokens):
            raise _invalid_parameter("q")
        return result

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("", "")

    def _take(self, kind: str, value: str | None = None) -> str:
        token_kind, token = self._peek()
        if token_kind != kind or (value is not None and token.lower() != value):
            raise _invalid_parameter("q")
        self.position += 1
        return token

    def _keyword(self, word: str) -> bool:
        kind, token = self._peek()
        if kind == "word" and token.lower() == word:
            self.position += 1
            return True
        return False

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._keyword("or"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda file: any(p(file) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._not()]
        while self._keyword("and"):
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda file: all(p(file) for p in parts))

    def _not(self) -> Predicate:
        if self._keyword("not"):
            inner = self._not()
            return lambda file: not inner(file)
        if self._peek() == ("paren", "("):
            self.position += 1
            inner = self._or()
            self._take("paren", ")")
            return inner
        return self._term()

    def _term(self) -> Predicate:
        kind, token = self._peek()
        if kind == "string":
            raw = _unquote(self._take("string"))
            value = self.aliases.get(raw, raw)
            self._take("word", "in")
            self._take("word", "parents")
            return lambda file: value in file["parents"]
        field = self._take("word")
        if field == "trashed":
            equal = self._take("op") == "="
            wanted = self._take("word").lower()
            if wanted not in ("true", "false"):
                raise _invalid_parameter("q")
            return lambda file: (file["trashed"] == (wanted == "true")) == equal
        if field in _TEXT_FIELDS:
            if self._keyword("contains"):
                needle = _unquote(self._take("string")).lower()
                return lambda file: needle in file[field].lower()
            operator = self._take("op")
            value = _unquote(self._take("string"))
            if operator == "=":
                return lambda file: file[field] == value
            if operator == "!=":
                return lambda file: file[field] != value
        if field in _TIME_FIELDS:
            operator = self._take("op")
            moment = _parse_time(_unquote(self._take("string")))
            compare = _TIME_COMPARISONS[operator]
            return lambda file: compare(_parse_time(file[field]), moment)
        raise _invalid_parameter("q")


_TIME_COMPARISONS: dict[str, Callable[[datetime, datetime], bool]] = {
    "=": eq, "!=": ne, "<": lt, "<=": le, ">": gt, ">=": ge}


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid_parameter("q") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_ORDER_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "createdTime": lambda f: f["createdTime"],
    "folder": lambda f: f["mimeType"] != "application/vnd.google-apps.folder",
    "modifiedTime": lambda f: f["modifiedTime"],
    "recency": lambda f: f["modifiedTime"],
    "name": lambda f: f["name"],
    "name_natural": lambda f: [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", f["name"])],
}


def _order(raw: str | None) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """`orderBy` for the keys that make sense here; without it, files come in creation order."""
    keys = []
    for part in (raw or "").split(","):
        words = part.split()
        if not words:
            continue
        if words[0] not in _ORDER_KEYS or len(words) > 2 or (len(words) == 2 and words[1] != "desc"):
            raise _invalid_parameter("orderBy")
        keys.append((_ORDER_KEYS[words[0]], len(words) == 2))

    def apply(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for key, descending in reversed(keys):
            files = sorted(files, key=key, reverse=descending)
        return files

    return apply


def _page_size(raw: str | None) -> int:
    if raw is None:
        return _DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise _invalid_parameter("pageSize", f"Invalid value '{raw}'. Values must be within the range: [1, 1000]") \
            from None
    if size < 1:
        raise _invalid_parameter("pageSize", f"Invalid value '{size}'. Values must be within the range: [1, 1000]")
    return min(size, _MAX_PAGE_SIZE)


def _page_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fingerprint]).encode()).decode().rstrip("=")


def _read_page_token(raw: str | None, fingerprint: str) -> int:
    """Offset of a files.list page; the token is only good for the query that produced it."""
    if not raw:
        return 0
    try:
        offset, token_fingerprint = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, TypeError):
        raise _invalid_parameter("pageToken") from None
    if token_fingerprint != fingerprint or not isinstance(offset, int) or offset < 0:
        raise _invalid_parameter("pageToken")
    return offset


def _change(workspace: DriveWorkspace, change: Change) -> dict[str, Any]:
    """A Change resource; the file is shown as it is now, as Drive does."""
    file = workspace.files.get(change.file_id)
    resource: dict[str, Any] = {"kind": "drive#change", "changeType": "file", "time": change.time,
                                "removed": change.removed or file is None, "fileId": change.file_id}
    if file is not None and not change.removed:
        resource["file"] = file.resource()
    return resource


def _file_not_found(file_id: str) -> ApiError:
    return ApiError(404, "notFound", f"File not found: {file_id}.", location="fileId")


# -- Docs helpers ----------------------------------------------------------------------------------


def _document(workspace: DriveWorkspace, document_id: str) -> dict[str, Any]:
    document = workspace.documents.get(document_id)
    if document is not None:
        return document
    if document_id in workspace.files:
        raise ApiError(400, "badRequest", "This operation is not supported for this document")
    raise ApiError(404, "notFound", "Requested entity was not found.")


def _check_write_control(control: dict[str, Any], current: str) -> None:
    """Optimistic concurrency, per the WriteControl schema: a stale requiredRevisionId refuses
    the whole batch with 400. Google does not document the message; this one says what happened.
    The sandbox does not merge collaborator changes, so a targetRevisionId must be current too."""
    required, target = control.get("requiredRevisionId"), control.get("targetRevisionId")
    if required and target:
        raise ApiError(400, "badRequest", "Only one of writeControl.requiredRevisionId and "
                                          "writeControl.targetRevisionId may be set.")
    if control.get("writeMode") == "SUGGEST":
        raise ApiError(400, "badRequest", "The copydesk sandbox does not implement writeControl.writeMode SUGGEST.")
    if required and required != current:
        raise ApiError(400, "failedPrecondition", "The document revision does not match the required revision ID "
                       f"(requiredRevisionId {required!r}; the document is at {current!r}).",
                       rpc_status="FAILED_PRECONDITION")
    if target and target != current:
        raise ApiError(400, "failedPrecondition", "The copydesk sandbox does not merge collaborator changes: "
                       "targetRevisionId must be the document's current revision.", rpc_status="FAILED_PRECONDITION")


# -- responses -------------------------------------------------------------------------------------


def _json(payload: dict[str, Any], fields: str | None = None) -> Response:
    if fields:
        try:
            payload = select_fields(payload, parse_fields(fields))
        except ValueError:
            raise ApiError(400, "invalidParameter", f"Invalid field selection {fields}", location="fields") from None
    return Response(json.dumps(payload, ensure_ascii=False), content_type="application/json; charset=UTF-8")



def _body(request: Request) -> dict[str, Any]:
    data = request.get_data()
    if not data:
        return {}
    try:
        body = json.loads(data)
    except ValueError:
        raise ApiError(400, "parseError", "Invalid JSON payload received.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "parseError", "Invalid JSON payload received. Expected an object.")
    return body


FieldMask = dict[str, Any]


def parse_fields(text: str) -> FieldMask:
    """Google's partial-response syntax: `a,b(c,d),e/f`, `*`. A leaf maps to True."""
    compact = re.sub(r"\s+", "", text)
    mask, position = _parse_selection(compact, 0)
    if position != len(compact):
        raise ValueError(f"unexpected {compact[position:]!r}")
    return mask


_FIELD_NAME = re.compile(r"[A-Za-z0-9_*@#.\-]+")


def _parse_selection(text: str, position: int) -> tuple[FieldMask, int]:
    mask: FieldMask = {}
    while True:
        path = []
        while True:
            name = _FIELD_NAME.match(text, position)
            if not name:
                raise ValueError(f"expected a field name at {position}")
            path.append(name.group())
            position = name.end()
            if not text.startswith("/", position):
                break
            position += 1
        sub: Any = True
        if text.startswith("(", position):
            sub, position = _parse_selection(text, position + 1)
            if not text.startswith(")", position):
                raise ValueError("unbalanced parenthesis")
            position += 1
        node = mask
        for part in path[:-1]:
            if node.get(part) is True:
                break
            node = node.setdefault(part, {})
        else:
            node[path[-1]] = _merge_masks(node.get(path[-1]), sub)
        if not text.startswith(",", position):
            return mask, position
        position += 1


def _merge_masks(left: Any, right: Any) -> Any:
    if left is None:
        return right
    if left is True or right is True:
        return True
    return {key: _merge_masks(left.get(key), right.get(key)) for key in {**left, **right}}


def select_fields(value: Any, mask: Any) -> Any:
    """Keep only what `mask` selects; lists apply the mask to each item."""
    if mask is True:
        return value
    if isinstance(value, list):
        return [select_fields(item, mask) for item in value]
    if not isinstance(value, dict) or "*" in mask:
        return value
    return {key: select_fields(item, mask[key]) for key, item in value.items() if key in mask}

