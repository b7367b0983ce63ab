from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from connectors.errors import ConfigError, CopydeskError
from connectors.notion import NotionConnector
from connectors.registry import DEFAULT_TOOL, TOOLS
from connectors.sandbox.gdocs import GDOCS_SANDBOX_TOKEN
from connectors.sandbox.notion import SANDBOX_TOKEN
from connectors.sandbox.webflow import WEBFLOW_SANDBOX_TOKEN
from staging.config import config_text, find_config, load_settings

SANDBOX_TOKENS_BY_TOOL = {"notion": SANDBOX_TOKEN, "webflow": WEBFLOW_SANDBOX_TOKEN, "gdocs": GDOCS_SANDBOX_TOKEN}


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


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A local server that answers 401 and keeps each request's Authorization header."""

    seen: list[str] = []

    def _answer(self) -> None:
        type(self).seen.append(self.headers.get("Authorization", ""))
        body = b'{"object": "error", "status": 401, "code": "unauthorized", "message": "no"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("tool, token_env", [("notion", "NOTION_TOKEN"), ("webflow", "WEBFLOW_TOKEN"),
                                              ("gdocs", "GOOGLE_TOKEN")])
def test_a_sandbox_source_never_sends_a_real_token_from_the_environment(tmp_path, monkeypatch, recorder, tool,
                                                                         token_env):
    port, seen = recorder
    monkeypatch.setenv(token_env, "real-secret-token")
    extra = {"webflow": 'site_id = "site1"', "gdocs": 'folders = ["root"]'}.get(tool, "")
    settings = load_settings(_write(tmp_path, f'[sources.{tool}]\ntype = "{tool}"\nsandbox = true\n'
                                              f'token_env = "{token_env}"\n{extra}\n'
                                              f'base_url = "http://127.0.0.1:{port}/{tool}"\nrate = 1000.0\n'))
    connector = settings.connector(tool)
    with pytest.raises(CopydeskError):
        list(connector.list_changed(None))
    assert seen and all("real-secret-token" not in header for header in seen)
    assert all(header.endswith(SANDBOX_TOKENS_BY_TOOL[tool]) for header in seen)


def test_a_real_source_refuses_the_sandbox_token_and_a_sandbox_refuses_a_remote_url(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTION_TOKEN", SANDBOX_TOKEN)
    real = load_settings(_write(tmp_path, config_text(sandbox=False)))
    with pytest.raises(ConfigError, match="sandbox's token"):
        real.connector("notion")
    for base_url in ("", "https://api.notion.com", "http://sandbox.example.com/notion"):
        remote = load_settings(_write(tmp_path, f'[sources.notion]\nsandbox = true\nbase_url = "{base_url}"\n'))
        with pytest.raises(ConfigError, match="is not this machine"):
            remote.connector("notion")


def test_a_real_token_never_goes_over_plain_http_beyond_this_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTION_TOKEN", "ntn_real")
    plain = load_settings(_write(tmp_path, '[sources.notion]\nbase_url = "http://proxy.example.com/v1"\n'))
    with pytest.raises(ConfigError, match="unencrypted"):
        plain.connector("notion")
    local = load_settings(_write(tmp_path, '[sources.notion]\nbase_url = "http://localhost:9999/v1"\n'))
    assert isinstance(local.connector("notion"), NotionConnector)


@pytest.mark.parametrize("tool", list(TOOLS))
def test_each_tool_refuses_a_key_it_does_not_have(tmp_path, tool):
    with pytest.raises(ConfigError, match="base_ulr"):
        load_settings(_write(tmp_path, f'[sources.s]\ntype = "{tool}"\nbase_ulr = "http://127.0.0.1:1/x"\n'))


def test_a_key_of_another_tool_is_refused_and_each_tool_gets_its_own_settings(tmp_path):
    with pytest.raises(ConfigError, match="sources.marketing.site_id: not a setting of a Notion source"):
        load_settings(_write(tmp_path, '[sources.marketing]\ntype = "notion"\nsite_id = "s1"\n'))
    with pytest.raises(ConfigError, match="page_size"):
        load_settings(_write(tmp_path, '[sources.site]\ntype = "webflow"\nsite_id = "s1"\npage_size = 50\n'))
    settings = load_settings(_write(tmp_path, config_text(sandbox=True)))
    assert {name: type(source).__name__ for name, source in settings.sources.items()} == {
        "notion": "NotionSettings", "gdocs": "GDocsSettings", "webflow": "WebflowSettings"}
    assert settings.sources["webflow"].token_env == "WEBFLOW_TOKEN"


def test_an_unknown_type_names_the_tools_copydesk_connects_to(tmp_path):
    with pytest.raises(ConfigError, match="notion, gdocs, webflow"):
        load_settings(_write(tmp_path, '[sources.wiki]\ntype = "confluence"\n'))


def test_a_source_without_a_type_is_the_default_tool(tmp_path):
    settings = load_settings(_write(tmp_path, '[sources.marketing]\nbase_url = "https://example.com"\n'))
    assert settings.sources["marketing"].type == DEFAULT_TOOL


def test_init_writes_every_registered_tool(tmp_path):
    sandbox, real = (load_settings(_write(tmp_path, config_text(sandbox=flag))) for flag in (True, False))
    assert sorted(sandbox.sources) == sorted(TOOLS)
    assert list(real.sources) == [DEFAULT_TOOL]
    for tool in TOOLS:
        assert f"# [sources.{tool}]" in config_text(sandbox=False) or tool == DEFAULT_TOOL
