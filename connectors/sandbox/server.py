"""One loopback HTTP server that mounts every tool's sandbox under `/<tool>`.

Threaded, so a hanging fault on one request does not block the others. Used by
`copydesk sandbox`, by the tests (started on a free port in a background thread) and by
the benchmarks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from connectors.sandbox.gdocs import GDOCS_SANDBOX_TOKEN, GdocsSandbox, google_rate_limits
from connectors.sandbox.harness import RateLimit
from connectors.sandbox.notion import NOTION_RATE, SANDBOX_TOKEN, NotionSandbox
from connectors.sandbox.seeds import SEEDS
from connectors.sandbox.webflow import WEBFLOW_SANDBOX_TOKEN, MinuteLimit, WebflowSandbox

DEFAULT_PORT = 8700


@dataclass(frozen=True)
class Endpoint:
    tool: str
    base_url: str
    token: str


class _QuietHandler(WSGIRequestHandler):
    """No access log: request counts are in `/_sandbox/stats`, and logs would bury the CLI."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def _no_tool(environ: dict, start_response) -> object:
    answer = Response("No sandbox here: tools are mounted under /notion, /gdocs and /webflow.", status=404)
    return answer(environ, start_response)


class SandboxServer:
    """Serve the sandboxes on 127.0.0.1:`port` (0 picks a free port)."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        *,
        workspace: Traversable = SEEDS,
        rate_limited: bool = True,
        notion_rate: float = NOTION_RATE,
    ) -> None:
        limit = RateLimit(notion_rate) if rate_limited else None
        self.notion = NotionSandbox.from_seed_dir(workspace / "notion", rate_limit=limit)
        self.gdocs = GdocsSandbox.from_seed_dir(workspace / "gdocs",
                                                rate_limits=google_rate_limits() if rate_limited else None)
        self.webflow = WebflowSandbox.from_seed_dir(workspace / "webflow",
                                                    rate_limit=MinuteLimit() if rate_limited else None)
        app = DispatcherMiddleware(_no_tool, {"/notion": self.notion, "/gdocs": self.gdocs, "/webflow": self.webflow})
        self._server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True, request_handler=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("notion", f"{self.url}/notion", SANDBOX_TOKEN),
            Endpoint("gdocs", f"{self.url}/gdocs", GDOCS_SANDBOX_TOKEN),
            Endpoint("webflow", f"{self.url}/webflow", WEBFLOW_SANDBOX_TOKEN),
        ]

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def start(self) -> "SandboxServer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="copydesk-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
