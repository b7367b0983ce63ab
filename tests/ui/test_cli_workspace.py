"""A command closes the workspace it opened when it ends: no connector outlives the command,
and each source's connector is built once per command."""

from __future__ import annotations

import json

from connectors.protocol import Connector
from staging.config import Settings
from tests.closing import is_closed
from tests.ui.conftest import cli


def test_a_command_closes_every_connector_it_built_once(pulled_workdir, monkeypatch):
    built: list[tuple[str, Connector]] = []
    build = Settings.connector

    def recorded(settings: Settings, name: str) -> Connector:
        built.append((name, build(settings, name)))
        return built[-1][1]

    monkeypatch.setattr(Settings, "connector", recorded)
    statuses = json.loads(cli("status", "--json").stdout)
    assert sorted(s["source"] for s in statuses) == ["gdocs", "notion", "webflow"]
    assert sorted(name for name, _ in built) == ["gdocs", "notion", "webflow"]
    assert all(is_closed(connector) for _, connector in built)
