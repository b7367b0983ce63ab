"""The command line, driven through Typer's runner against the sandbox over HTTP."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import httpx

from connectors.sandbox import server as sandbox_server
from staging.config import config_text
from tests.ui.conftest import cli, runner
from ui.cli import app

REPO = Path(__file__).resolve().parents[2]


def _page_id(sandbox, title: str) -> str:
    found = httpx.post(f"{sandbox.base_url}/v1/search", json={"query": title},
                       headers={"Authorization": f"Bearer {sandbox.token}", "Notion-Version": "2025-09-03"})
    return found.json()["results"][0]["id"]


def test_every_command_has_help_and_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = sorted(app.registered_commands, key=lambda c: c.name or c.callback.__name__)
    assert len(commands) >= 7
    for command in commands:
        name = command.name or command.callback.__name__
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert "Example: copydesk" in result.stdout, f"{name} --help has no example"
        assert f"copydesk {name}" in readme, f"README does not mention `copydesk {name}`"


def test_init_writes_config_and_store_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--sandbox", "--port", "8799", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["sources"] == ["gdocs", "notion", "webflow"]
    assert {"127.0.0.1:8799/notion", "127.0.0.1:8799/gdocs", "127.0.0.1:8799/webflow"} <= set(
        re.findall(r"127\.0\.0\.1:8799/\w+", (tmp_path / "copydesk.toml").read_text()))
    assert (tmp_path / ".copydesk" / "copydesk.db").is_file()
    again = cli("init", "--sandbox")
    assert again.exit_code == 1
    assert "already exists" in again.stderr and "Traceback" not in again.stderr


def test_pull_log_show_diff_after_an_outside_edit(workdir, sandbox):
    first = cli("pull", "--json")
    assert first.exit_code == 0, first.stderr
    reports = {r["source"]: r for r in json.loads(first.stdout)}
    report = reports["notion"]
    assert report["new"] > 20 and report["requests"] >= report["new"] and reports["gdocs"]["new"] == 9
    assert reports["webflow"]["new"] > 10

    log = json.loads(cli("log", "--json", "--limit", "500").stdout)
    assert len(log) == sum(r["new"] for r in reports.values()) and {e["origin"] for e in log} == {"pull"}

    shown = cli("show", "Product overview")
    assert shown.exit_code == 0 and shown.stdout.startswith("# Product overview")
    assert "Setup in 5 minutes" in shown.stdout

    sandbox.post("edit", {"id": _page_id(sandbox, "Product overview"), "find": "Setup in 5 minutes",
                          "replace": "Setup in one afternoon"})
    status = {r["source"]: r for r in json.loads(cli("status", "--json").stdout)}
    assert status["notion"]["changed"] == ["Product overview"] and status["gdocs"]["changed"] == []
    second = {r["source"]: r for r in json.loads(cli("pull", "--json").stdout)}["notion"]
    assert (second["changed"], second["fetched"]) == (1, 1)

    diff = cli("diff", "Product overview")
    assert diff.exit_code == 0
    assert re.search(r"\[-[^\]]*5[^\]]*-\]\{\+[^}]*one afternoon[^}]*\+\}", diff.stdout), diff.stdout
    as_json = json.loads(cli("diff", "Product overview", "--json").stdout)
    assert as_json["summary"]["changed"] == 1
    assert "Setup in one afternoon" in as_json["blocks"][0]["after"]

    older = cli("show", "Product overview@HEAD~1")
    assert "Setup in 5 minutes" in older.stdout
    history = json.loads(cli("log", "Product overview", "--json").stdout)
    assert len(history) == 2 and history[0]["parent"] == history[1]["revision"]


def test_errors_are_one_red_line_and_exit_code_1(workdir, sandbox, tmp_path):
    cli("pull")
    for args, expected in [
        (("show", "no such page"), "No document matches"),
        (("diff", "Product overview"), "one revision so far"),
        (("show", "Product overview@HEAD~5"), "goes back too far"),
    ]:
        result = cli(*args)
        assert result.exit_code == 1, args
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.strip().startswith("error:")


def test_remote_down_and_missing_config_explain_the_next_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = cli("log")
    assert missing.exit_code == 1 and "copydesk init --sandbox" in missing.stderr
    (tmp_path / "copydesk.toml").write_text(config_text(sandbox=True, port=9))
    down = cli("pull")
    assert down.exit_code == 1 and "copydesk sandbox" in down.stderr
    assert cli("log", "--json").stdout.strip() == "[]"


def test_ui_without_a_config_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["ui"])
    assert result.exit_code == 1 and "copydesk init --sandbox" in result.stderr


HUGE = "99999999999999999999"  # beyond SQLite's and PostgreSQL's 64-bit INTEGER


def _refused(result, *expected: str) -> None:
    """A usage error (exit 2) that names the valid range, never a traceback."""
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.replace("│", " ").split())
    assert all(text in said for text in expected), said
    assert "Traceback" not in result.stderr


def test_ids_out_of_range_are_refused_in_one_message(workdir):
    for args in (("changeset", "show", HUGE), ("approve", HUGE), ("reject", "0"), ("apply", "--", "-1"),
                 ("publish", HUGE), ("revert", HUGE)):
        _refused(cli(*args), "No changeset", "ids are 1..9223372036854775807", "copydesk changesets")
    _refused(cli("events", "--changeset", HUGE), "No changeset")
    for args in (("brief", "show", HUGE), ("propose", "--brief", HUGE, "--dry-run"), ("brief", "show", "0")):
        _refused(cli(*args), "No brief", "copydesk brief list")
    in_range = cli("changeset", "show", str(2**63 - 1))
    assert in_range.exit_code == 1 and "No changeset" in in_range.stderr


def test_counts_must_be_one_or_more_and_fit_the_database(pulled_workdir):
    everything = json.loads(cli("log", "--json", "--limit", "500").stdout)
    assert len(everything) > 3
    for count in ("-1", "0"):
        _refused(cli("log", "-n", count), "greater than or equal to 1")
        _refused(cli("events", "-n", count), "greater than or equal to 1")
    _refused(cli("log", "-n", HUGE), "less than or equal to 9223372036854775807")
    assert len(json.loads(cli("log", "--json", "-n", "3").stdout)) == 3


def test_ports_outside_0_to_65535_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused(cli("init", "--sandbox", "--port", "99999"), "less than or equal to 65535")
    assert not (tmp_path / "copydesk.toml").exists()
    _refused(cli("sandbox", "--port", "-1"), "greater than or equal to 0")


def test_sandbox_with_its_seeds_missing_says_to_reinstall_not_to_pick_another_port(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox_server, "SEEDS", tmp_path / "seeds-not-installed")
    result = cli("sandbox", "--port", "0")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    said = " ".join(result.stderr.split())
    assert "seed files are missing from the installation" in said and "reinstall copydesk" in said
    assert "--port" not in said


def test_sandbox_on_a_port_in_use_says_so_and_not_that_seeds_are_missing(tmp_path):
    """Werkzeug refuses a port in use itself (its own message, exit code 1)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("sandbox", "--port", str(port))
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and f"Port {port} is in use" in said and "seed" not in said


def test_an_argument_of_undecodable_argv_bytes_is_refused_before_any_command(pulled_workdir):
    before = len(json.loads(cli("changesets", "--json").stdout))
    for args in (("log", "\udcff"),  # what Python makes of the byte 0xff in argv
                 ("stage", "Product overview", "--block", "title", "--text", "Setup \udc80 now")):
        _refused(cli(*args), "not UTF-8", "LANG=C.UTF-8")
    assert len(json.loads(cli("changesets", "--json").stdout)) == before


def test_a_title_query_with_wildcards_matches_literally(pulled_workdir):
    percent = cli("show", "%", "--json")  # one seed title holds a "%": "… support tickets by 46%"
    assert percent.exit_code == 0, percent.stderr
    assert json.loads(percent.stdout)["content"]["ref"]["title"].endswith("46%")
    underscore = cli("show", "_")
    assert underscore.exit_code == 1 and "No document matches '_'" in underscore.stderr


def test_init_into_a_file_or_under_one_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("not a directory")
    for where in ("notes.md", "notes.md/inner"):
        result = cli("init", "--sandbox", "--dir", where)
        assert result.exit_code == 1, result.output
        assert "give --dir a directory" in result.stderr and "Traceback" not in result.stderr
