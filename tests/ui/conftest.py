"""Shared by the command-line tests: a sandbox-configured working directory and a runner."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from staging.config import config_text
from ui.cli import app

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path, sandbox, monkeypatch):
    """A directory initialised for the sandbox, with the client rate limit lifted for speed."""
    port = int(sandbox.base_url.rsplit(":", 1)[1].split("/")[0])
    text = re.sub(r"^rate = [0-9.]+", "rate = 1000.0", config_text(sandbox=True, port=port), flags=re.MULTILINE)
    (tmp_path / "copydesk.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)
