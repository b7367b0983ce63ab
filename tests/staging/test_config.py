from __future__ import annotations

from pathlib import Path

import pytest

from connectors.errors import ConfigError
from connectors.notion import NotionConnector
from connectors.sandbox.notion import SANDBOX_TOKEN
from staging.config import config_text, find_config, load_settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "copydesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sandbox_config_needs_no_token(tmp_path):
    settings = load_settings(_write(tmp_path, config_text(sandbox=True, port=8765)))
    assert settings.sources["notion"].base_url == "http://127.0.0.1:8765/notion"
    assert settings.token("notion") == SANDBOX_TOKEN
    assert isinstance(settings.connector("notion"), NotionConnector)
    assert settings.store_url == f"sqlite:///{(tmp_path / '.copydesk' / 'copydesk.db').as_posix()}"


def test_real_source_reads_its_token_from_the_named_variable(tmp_path, monkeypatch):
    settings = load_settings(_write(tmp_path, config_text(sandbox=False)))
    with pytest.raises(ConfigError, match="export NOTION_TOKEN="):
        settings.token("notion")
    monkeypatch.setenv("NOTION_TOKEN", "ntn_from_env")
    assert settings.token("notion") == "ntn_from_env"


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("COPYDESK_ACTOR", "Maya")
    settings = load_settings(_write(tmp_path, config_text(sandbox=True)))
    assert settings.store_url == "sqlite:////tmp/elsewhere.db"
    assert settings.actor_name == "Maya"


def test_bad_config_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="page_size"):
        load_settings(_write(tmp_path, "[sources.notion]\npage_size = 500\n"))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(_write(tmp_path, "[sources.notion\n"))
    with pytest.raises(ConfigError, match="unknown_key"):
        load_settings(_write(tmp_path, "unknown_key = 1\n"))


def test_unknown_source_lists_the_configured_ones(tmp_path):
    settings = load_settings(_write(tmp_path, config_text(sandbox=True)))
    with pytest.raises(ConfigError, match="configured: gdocs, notion, webflow"):
        settings.source("confluence")


def test_missing_config_says_how_to_create_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="copydesk init --sandbox"):
        find_config()


def test_the_workspace_scope_is_read_and_a_misspelt_rule_is_refused(tmp_path):
    settings = load_settings(_write(tmp_path, '[scope]\nskip_titles = ["Legal:*"]\nnot_edited_years = 3\n'))
    assert (settings.scope.skip_titles, settings.scope.not_edited_years, settings.scope.skip_archived) == (
        ["Legal:*"], 3, False)
    with pytest.raises(ConfigError, match="scope.skip_title"):
        load_settings(_write(tmp_path, '[scope]\nskip_title = ["Legal:*"]\n'))


def test_the_written_configs_document_the_workspace_scope(tmp_path):
    for sandbox in (True, False):
        text = config_text(sandbox=sandbox)
        assert "# [scope]" in text
        uncommented = text.replace("# [scope]", "[scope]").replace("# skip_titles", "skip_titles")
        assert load_settings(_write(tmp_path, uncommented)).scope.skip_titles == ["Legal:*", "Changelog*"]
