"""One loopback HTTP server that mounts every registered tool's sandbox under `/<tool>`.

Threaded, so a hanging fault on one request does not block the others. Used by
`copydesk sandbox`, by the tests (started on a free port in a background thread) and by
the benchmarks.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Iterable

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from connectors.errors import ConfigError
from connectors.registry import in_words, plugins
from connectors.sandbox.seeds import SEEDS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

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


def _no_tool(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    mounted = in_words([f"/{p.tool}" for p in plugins()])
    answer = Response(f"No sandbox here: tools are mounted under {mounted}.", status=404)
    return answer(environ, start_response)


def _load_sandboxes(workspace: Traversable, rate_limited: bool, rates: Mapping[str, float]) -> dict[str, Any]:
    try:
        return {p.tool: p.sandbox(workspace / p.tool, rate_limited=rate_limited, rate=rates.get(p.tool))
                for p in plugins()}
    except FileNotFoundError as error:
        raise ConfigError(f"The sandbox's seed files are missing from the installation ({error.filename or error}): "
                          "reinstall copydesk.") from error
    except OSError as error:
        raise ConfigError(f"The sandbox's seed files cannot be read ({error}): "
                          "check the installation's file permissions or reinstall copydesk.") from error


class SandboxServer:
    """Serve the sandboxes on 127.0.0.1:`port` (0 picks a free port)."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        *,
        workspace: Traversable | None = None,
        rate_limited: bool = True,
        rates: Mapping[str, float] | None = None,
    ) -> None:
        """`workspace`: the seed folder (default: the one installed with copydesk); `rates`:
        requests per second by tool, for sandboxes limited by one rate (default: the vendor's).

        Seeds load before the port is bound, and a seed that cannot be read is a ConfigError of
        its own: an OSError from here on is the port's."""
        self.sandboxes = _load_sandboxes(SEEDS if workspace is None else workspace, rate_limited, rates or {})
        app = DispatcherMiddleware(_no_tool, {f"/{tool}": sandbox for tool, sandbox in self.sandboxes.items()})
        self._server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True, request_handler=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(p.tool, f"{self.url}/{p.tool}", p.sandbox_token) for p in plugins()]

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="copydesk-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
