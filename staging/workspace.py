"""The workspace: one configuration, its store and its sources' connectors, opened once and
closed once.

The command line, the app, the scheduler and the benchmarks all work through one of these,
so each opens the store the same way (migrations, then the steps in `_on_open`) and none
leaves an HTTP client or a database connection for the garbage collector. A connector is
built on first use and kept: its pacing and its counts span the workspace's life.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from connectors.errors import CopydeskError
from connectors.protocol import Connector
from staging.apply import Outcome, recover
from staging.config import Settings, find_config, load_settings
from staging.sources import Orphan, adopt_renamed_sources
from staging.store import Store


@dataclass
class Opened:
    """What opening the workspace did: documents stored under a source's old name moved to the
    name the config gives it, changesets recovered from a dead process, and the error that kept
    recovery from reaching a tool (the claims then wait for `copydesk recover`)."""

    adopted: list[Orphan] = field(default_factory=list)
    recovered: list[Outcome] = field(default_factory=list)
    recovery_error: CopydeskError | None = None


class Workspace:
    """Settings, store and connectors by source name, closed together.

    Open with `Workspace.open(config)` (or `Workspace.from_settings`); use as a context manager
    or call `close()`. Connectors are shared by the threads using the workspace (the app's
    sessions): building one is guarded, and each connector paces its own requests."""

    def __init__(self, settings: Settings, store: Store, config: Path) -> None:
        self.settings = settings
        self.store = store
        self.config = config
        self.opened = Opened()
        self._connectors: dict[str, Connector] = {}
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, config: Path | None = None) -> Workspace:
        """The workspace of `config` (else $COPYDESK_CONFIG, else ./copydesk.toml)."""
        path = find_config(config).resolve()
        return cls.from_settings(load_settings(path), path)

    @classmethod
    def from_settings(cls, settings: Settings, config: Path) -> Workspace:
        """The workspace of settings already loaded from `config`: its store opened (and
        migrated), then the steps every opening takes."""
        workspace = cls(settings, Store(settings.store_url), config)
        try:
            workspace._on_open()
        except BaseException:
            workspace.close()
            raise
        return workspace

    def _on_open(self) -> None:
        """Steps that run once each time the store is opened, before any command or page uses it.

        Finishing or rolling back the changesets whose applying process died comes here, so
        nothing ever works on a half-applied document; a tool that cannot be reached leaves
        them claimed (reported in `self.opened`) for `copydesk recover`. Adopting renamed
        sources comes first: recovery finds a changeset's connector by its stored source name."""
        configured = {name: source.type for name, source in self.settings.sources.items()}
        self.opened.adopted = adopt_renamed_sources(self.store, configured, actor=self.settings.actor_name).adopted
        try:
            self.opened.recovered, _ = recover(self.store, self.connector, actor=self.settings.actor_name)
        except CopydeskError as error:
            self.opened.recovery_error = error

    def connector(self, name: str) -> Connector:
        """The connector of the source named `name`, built on first use."""
        with self._lock:
            if self._closed:
                raise CopydeskError("This workspace is closed; open it again to reach its sources.")
            if name not in self._connectors:
                self._connectors[name] = self.settings.connector(name)
            return self._connectors[name]

    def connectors(self) -> dict[str, Connector]:
        """Every configured source's connector, by name in name order."""
        return {name: self.connector(name) for name in sorted(self.settings.sources)}

    def close(self) -> None:
        """Close every connector built and the store's engine. Closing twice does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            connectors, self._connectors = list(self._connectors.values()), {}
        with ExitStack() as closing:  # every one is closed even when one of them fails
            closing.callback(self.store.close)
            for connector in connectors:
                closing.callback(connector.close)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
