"""Shared by the command-line tests: a sandbox-configured working directory and a runner."""

from __future__ import annotations

import re
import shutil
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from staging.config import config_text, load_settings
from staging.pull import pull
from staging.store import Store
from tests.conftest import reset_sandboxes
from tests.ui.browsing import browser, chromium_path, proposed, review_app  # noqa: F401  (browser fixtures)
from ui.cli import app

runner = CliRunner()


def sandbox_config(base_url: str) -> str:
    """`copydesk init --sandbox`'s config for the sandbox at `base_url`, the client rate limit
    lifted for speed."""
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    return re.sub(r"^rate = [0-9.]+", "rate = 1000.0", config_text(sandbox=True, port=port), flags=re.MULTILINE)


@pytest.fixture
def workdir(tmp_path, sandbox, monkeypatch):
    """A directory initialised for the sandbox."""
    (tmp_path / "copydesk.toml").write_text(sandbox_config(sandbox.base_url))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def cli_as(actor: str, *args: str):
    """A command run by another person: copydesk knows who acts from COPYDESK_ACTOR."""
    return runner.invoke(app, list(args), env={"COPYDESK_ACTOR": actor}, catch_exceptions=False)


@pytest.fixture(scope="session")
def seed_store(sandbox_server, tmp_path_factory) -> Path:
    """A store of every sandbox's seed workspace, pulled once per test process: the pull is
    most of a command or page test's setup, and each test starts from the same seed (its
    `sandbox` fixture resets them), so a copy of this store is what it would pull itself."""
    home = tmp_path_factory.mktemp("seed")
    (home / "copydesk.toml").write_text(sandbox_config(sandbox_server.endpoints()[0].base_url))
    reset_sandboxes(sandbox_server)
    settings = load_settings(home / "copydesk.toml")
    store = Store(settings.store_url)
    for source in settings.sources:
        with closing(settings.connector(source)) as connector:
            pull(store, connector, actor="test")
    store.close()  # the last connection to close checkpoints SQLite's write-ahead log into the file
    return Path(settings.store_url.removeprefix("sqlite:///"))


@pytest.fixture
def pulled_workdir(workdir, seed_store) -> Path:
    """The sandbox-initialised directory after `copydesk pull` of every source."""
    database = Path(load_settings(workdir / "copydesk.toml").store_url.removeprefix("sqlite:///"))
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(seed_store, database)
    return workdir
