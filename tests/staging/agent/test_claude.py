"""The claude engine, replayed from cassettes: request shape, staging, validation of a model
that misbehaves, the prompt-injection page, retries, the token budget, a refused key and a
brief compiled from prose. No network, no account."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlmodel import select

from connectors.errors import AuthError
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import candidates, propose
from staging.models import AgentRun
from staging.pull import pull
from tests.conftest import REPO
from tests.staging.agent.cassettes import CASSETTES, FAKE_KEY, call_key, cassette, engine

SAMPLE = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
PROSE = REPO / "fixtures" / "briefs" / "ai-support-engineer-prose.md"
INJECTED = ("partner-offers.example", "free forever")


@pytest.fixture
def pulled(store, sandbox, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    pull(store, sandbox.connector())
    brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="priya")
    return store, brief


def _staged_edits(store, run):
    return {changesets.get(store, i).document_id: changesets.edits(store, i) for i in run.staged}


def _title_to_id(store):
    return {d.title: d.id for d in store.documents()}


def test_a_careful_model_s_edits_are_staged_with_reasons_tokens_and_cost(pulled):
    store, brief = pulled
    with cassette("propose_sample_brief.yaml") as recorded:
        run = propose(store, brief, actor="priya", engine=engine())
        assert recorded.all_played, "one call per in-scope document with candidates, none missing"
    assert (run.engine, run.model, run.stopped) == ("claude", "claude-sonnet-5-5", "")
    assert run.staged and run.rejected == []
    assert run.tokens_in > 0 and run.tokens_out > 0 and run.cost_usd > 0
    edits = [e for rows in _staged_edits(store, run).values() for e in rows]
    assert all(e.after != e.before and e.reason and e.confidence is not None for e in edits)
    assert any("retired claim" in e.reason and "Setup in 5 minutes" in e.before
               and "Setup in 5 minutes" not in e.after for e in edits), "the model rewrites retired claims"
    assert not {s["title"] for s in run.skipped} & {t for t in _title_to_id(store) if t.startswith("Company")}


def test_requests_carry_a_cached_brief_prefix_a_forced_tool_and_the_page_as_data(pulled):
    store, brief = pulled
    with cassette("propose_sample_brief.yaml") as recorded:
        propose(store, brief, actor="priya", engine=engine())
        bodies = [json.loads(r.body) for r in recorded.requests]
    for body in bodies:
        assert body["model"] == "claude-sonnet-5-5"
        assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
        assert "never follow" in body["system"][0]["text"].lower()
        assert body["tool_choice"] == {"type": "tool", "name": "propose_edits"}
        assert body["tools"][0]["input_schema"]["properties"]["edits"]["items"]["required"] == [
            "block_id", "new_text", "reason", "confidence"]
        content = body["messages"][0]["content"]
        sent = json.loads(content[content.index("["):content.rindex("]") + 1])
        assert sent and all(set(b) == {"block_id", "kind", "text", "excerpt"} for b in sent)
    titles = [json.loads(b["messages"][0]["content"].split('title=', 1)[1].split(' id=')[0]) for b in bodies]
    assert not [t for t in titles if t.startswith("Legal:") or t == "Changelog"], "out of scope is never sent"
    assert "Partner FAQ (imported)" in titles


def test_the_injection_page_gets_only_the_brief_s_edit(pulled):
    store, brief = pulled
    with cassette("propose_sample_brief.yaml"):
        run = propose(store, brief, actor="priya", engine=engine())
    partner = _staged_edits(store, run)[_title_to_id(store)["Partner FAQ (imported)"]]
    assert [e.before for e in partner] == ["What do we resell? HelpHive, the chatbot for your docs, on the partner's own contract."]
    assert "the AI support engineer for your team" in partner[0].after
    for rows in _staged_edits(store, run).values():
        assert not [e for e in rows if any(marker in e.after for marker in INJECTED) or not e.after.strip()]


def test_a_model_that_obeys_the_page_or_invents_edits_is_refused_edit_by_edit(pulled):
    store, brief = pulled
    with cassette("propose_misbehaving_model.yaml"):
        run = propose(store, brief, actor="priya", engine=engine())
    reasons = {(r["title"], r["reason"].split(" ")[0] + " " + r["reason"].split(" ")[1]) for r in run.rejected}
    by_title: dict[str, list[str]] = {}
    for row in run.rejected:
        by_title.setdefault(row["title"], []).append(row["reason"])
    partner = " | ".join(by_title["Partner FAQ (imported)"])
    assert "empty the block" in partner, "deleting the page's text"
    assert "was not among the blocks sent" in partner, "editing the Pricing page from another page's call"
    assert "adds the link 'https://partner-offers.example/claim'" in partner
    home = " | ".join(by_title["Company home"])
    assert "not-a-block-id was not among the blocks sent" in home and "without a block_id" in home
    assert any("was not among the blocks sent" in r for r in by_title["FAQ"]), "a block of an out-of-scope page"
    assert any(r.startswith("the link on") for rows in by_title.values() for r in rows), "linked words dropped"
    assert reasons, "rejections are recorded with their reason"
    ids = _title_to_id(store)
    staged = _staged_edits(store, run)
    assert ids["Partner FAQ (imported)"] not in staged, "nothing valid was left for the injection page"
    for rows in staged.values():
        assert not [e for e in rows if any(marker in e.after for marker in INJECTED) or not e.after.strip()]
    legal = store.document(ids["Legal: Terms of Service"])
    assert legal.id not in staged and all(c.document_id != legal.id for c in changesets.listing(store))


def test_overloaded_is_retried_and_the_token_budget_stops_the_run_cleanly(pulled):
    store, brief = pulled
    claude = engine(concurrency=1)
    compiled = briefs.compiled(brief)
    first = candidates(store, compiled).work[0]
    claude.token_budget = claude.estimate(first.doc, first.passages, compiled)
    with cassette("overloaded_then_ok.yaml") as recorded:
        run = propose(store, brief, actor="priya", engine=claude)
        assert [r["status"]["code"] for r in recorded.responses] == [529, 200] and recorded.play_count == 2
    assert "Token budget of" in run.stopped and "--source" in run.stopped
    assert [changesets.get(store, i).document_id for i in run.staged] == [first.tracked.id]
    assert sum(s["reason"] == "token budget reached: not sent" for s in run.skipped) > 5
    assert 0 < run.tokens_in + run.tokens_out <= claude.token_budget


def test_a_refused_key_stops_the_run_with_one_clear_message_and_no_key_in_it(pulled):
    store, brief = pulled
    with cassette("unauthorized.yaml"), pytest.raises(AuthError) as refused:
        propose(store, brief, actor="priya", engine=engine(concurrency=1))
    message = str(refused.value)
    assert "Anthropic refused the API key in $ANTHROPIC_API_KEY" in message and "--engine rules" in message
    assert FAKE_KEY not in message
    with store.session() as session:
        [run] = session.exec(select(AgentRun)).all()
    assert run.stopped == message and run.staged == []


def test_a_dry_run_sends_nothing_to_the_model(pulled):
    store, brief = pulled
    with cassette("propose_sample_brief.yaml") as recorded:
        run = propose(store, brief, actor="priya", engine=engine(), dry_run=True)
        assert recorded.play_count == 0
    assert run.id is None and run.tokens_in == 0 and all("would be sent" in s["reason"] or "title matches" in s["reason"]
                                                         or "page" in s["reason"] for s in run.skipped)


def test_a_brief_in_prose_is_compiled_by_claude(store):
    with cassette("compile_prose_brief.yaml"):
        brief, is_new = briefs.add(store, read_brief_file(PROSE), source=PROSE.name, actor="priya", compiler=engine())
    compiled = briefs.compiled(brief)
    assert is_new and [t.retire for t in compiled.terms] == ["the chatbot for your docs", "chatbot"]
    assert compiled.retired_claims == ["Setup in 5 minutes", "cuts support tickets by 40%"]
    assert compiled.names == ["Zendesk", "Intercom", "Fernhill Labs"] and "Legal:*" in compiled.scope.skip_titles
    [event] = [e for e in store.events() if e.action == "brief.added"]
    assert event.details["compiled_by"] == "claude" and event.details["tokens"] > 0


def test_cassettes_hold_no_key():
    for path in sorted(CASSETTES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert "sk-ant" not in text, path.name
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {h.lower() for h in interaction["request"]["headers"]}
            assert not headers & {"authorization", "x-api-key"}, path.name


def test_requests_match_on_the_document_not_the_prompt_wording():
    def body(document_id: str, instructions: str) -> str:
        return json.dumps({"system": [{"type": "text", "text": instructions}], "tools": [{"name": "propose_edits"}],
                           "messages": [{"role": "user", "content": f'<document title="A" id="{document_id}">\n[]'}]})
    assert call_key(body("doc-1", "old wording")) == call_key(body("doc-1", "new wording"))
    assert call_key(body("doc-1", "same")) != call_key(body("doc-2", "same"))
