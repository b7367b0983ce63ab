"""Write the Claude engine's cassettes (fixtures/cassettes/anthropic/) without an account.

There is no Anthropic account or network here, so the model's side of every cassette is
authored: this script runs the real engine (the official SDK, real requests) against the
seed workspace, answers each request in-process with a Messages API response written the
way the API writes them (tool_use content, usage with cache fields, error envelopes), and
saves request/response pairs in vcrpy's cassette format. See SOURCES.md next to the
cassettes. With a key, the same tests can record the real API instead:
COPYDESK_RECORD_ANTHROPIC=1 ANTHROPIC_API_KEY=... make test.

    .venv/bin/python scripts/author_anthropic_cassettes.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, Callable

import anthropic
import httpx2
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.document import Block, Document, DocumentRef  # noqa: E402
from connectors.notion import NotionConnector  # noqa: E402
from connectors.sandbox.server import SandboxServer  # noqa: E402
from staging import changesets  # noqa: E402
from staging.agent import briefs, rules  # noqa: E402
from staging.agent.brief import CompiledBrief, read_brief_file  # noqa: E402
from staging.agent.claude import ClaudeEngine  # noqa: E402
from staging.agent.propose import candidates, propose  # noqa: E402
from staging.config import AgentSettings  # noqa: E402
from staging.pull import pull  # noqa: E402
from staging.store import Store  # noqa: E402

OUT = ROOT / "fixtures" / "cassettes" / "anthropic"
BRIEFS = ROOT / "fixtures" / "briefs"
MODEL = "claude-sonnet-5-5"
KEPT_REQUEST_HEADERS = ("accept", "anthropic-version", "content-type", "user-agent")
_DOC_ID = re.compile(r'<document title=.*? id="([^"]+)">')
_CLAIMS = [(re.compile(r"\b([Ss])etup in 5 minutes"), lambda m: ("L" if m.group(1) == "S" else "l") + "ive in an afternoon"),
           (re.compile(r"\bcut(s?) support tickets by 40%"), lambda m: f"resolve{m.group(1)} tickets end to end")]

Answer = Callable[[dict[str, Any], int], tuple[int, dict[str, Any]]]


class Recorder:
    """An httpx2 transport that answers like the Messages API and keeps each exchange."""

    def __init__(self, answer: Answer) -> None:
        self.answer, self.interactions, self.calls = answer, [], 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        try:
            return self._answer(request)
        except Exception:
            traceback.print_exc()  # the SDK would only report a connection error
            raise

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        status, payload = self.answer(body, self.calls)
        self.calls += 1
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        request_id = "req_01" + hashlib.sha256(request.content + str(self.calls).encode()).hexdigest()[:22]
        headers = {"Content-Type": ["application/json"], "request-id": [request_id]}
        self.interactions.append({
            "request": {"method": request.method, "uri": str(request.url), "body": request.content.decode(),
                        "headers": {k: [v] for k, v in request.headers.items() if k.lower() in KEPT_REQUEST_HEADERS}},
            "response": {"status": {"code": status, "message": _REASONS[status]}, "headers": headers,
                         "body": {"string": text}},
        })
        return httpx2.Response(status, headers={"content-type": "application/json", "request-id": request_id},
                               content=text.encode())


_REASONS = {200: "OK", 401: "Unauthorized", 529: ""}


def message(body: dict[str, Any], tool_input: dict[str, Any], *, first: bool) -> dict[str, Any]:
    """A tool_use answer with usage counted the way the API counts it: the system prefix is
    written to the cache by the first call and read from it by the others."""
    prefix = sum(len(b["text"]) for b in body.get("system", [])) // 4 + 350  # tool definition too
    rest = len(json.dumps(body["messages"], ensure_ascii=False)) // 4
    output = len(json.dumps(tool_input, ensure_ascii=False)) // 3 + 40
    cached = any("cache_control" in b for b in body.get("system", []))
    usage = {"input_tokens": rest if cached else rest + prefix,
             "cache_creation_input_tokens": prefix if cached and first else 0,
             "cache_read_input_tokens": prefix if cached and not first else 0,
             "cache_creation": {"ephemeral_5m_input_tokens": prefix if cached and first else 0,
                                "ephemeral_1h_input_tokens": 0},
             "output_tokens": output, "service_tier": "standard"}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return {"id": "msg_01" + digest[:22], "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "tool_use", "id": "toolu_01" + digest[22:44], "name": body["tools"][0]["name"],
                         "input": tool_input}],
            "stop_reason": "tool_use", "stop_sequence": None, "usage": usage}


def error(kind: str, text: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": text}, "request_id": "req_01" + kind[:10]}


def blocks_sent(body: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    content = body["messages"][0]["content"]
    found = _DOC_ID.search(content)
    assert found, "a propose request names its document"
    payload = content[content.index("[", found.end()):content.rindex("]") + 1]
    return found.group(1), json.loads(payload)


def careful_edits(brief: CompiledBrief, sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a careful editor answers: the brief's terms, and its retired claims rewritten
    along its key messages; quoted text and everything else left alone."""
    doc = Document(ref=_REF, blocks=tuple(Block(id=b["block_id"], kind=b["kind"], text=b["text"]) for b in sent))
    proposals = {p.block_id: p.after for p in rules.propose(doc, brief, {b["block_id"] for b in sent})[0]}
    edits = []
    for item in sent:
        text, why = proposals.get(item["block_id"], item["text"]), []
        text = text.replace("AI support AI support engineer", "AI support engineer")  # a reader sees the doubling
        if item["block_id"] in proposals:
            why.append("tagline and product category from the brief's terms")
        for pattern, replace in _CLAIMS:
            if pattern.search(text):
                text = pattern.sub(replace, text)
                why.append("retired claim rewritten along the key messages")
        if text != item["text"]:
            edits.append({"block_id": item["block_id"], "new_text": text, "reason": "; ".join(why),
                          "confidence": 0.92 if len(why) == 1 and why[0].startswith("tagline") else 0.74})
    return edits


_REF = DocumentRef(source="notion", remote_id="sent", kind="page", title="sent")


def write(name: str, recorder: Recorder, about: str) -> None:
    header = "".join(f"# {line}\n" for line in about.strip().splitlines())
    text = yaml.safe_dump({"interactions": recorder.interactions, "version": 1}, allow_unicode=True, sort_keys=False,
                          width=120)
    (OUT / name).write_text(header + text, encoding="utf-8")
    print(f"{name}: {len(recorder.interactions)} interactions")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with SandboxServer(0, rate_limited=False) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = server.endpoints()[0]
        store = Store(f"sqlite:///{tmp}/author.db")
        pull(store, NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=None), full=True)
        brief, _ = briefs.add(store, read_brief_file(BRIEFS / "ai-support-engineer.md"), source="sample", actor="author")
        compiled = briefs.compiled(brief)
        ids = {d.title: d for d in store.documents()}
        pricing = store.load(changesets.revision_of(store, ids["Pricing & plans"].head_revision_id or ""))
        legal = store.load(changesets.revision_of(store, ids["Legal: Terms of Service"].head_revision_id or ""))

        def engine(recorder: Recorder, **options: Any) -> ClaudeEngine:
            return ClaudeEngine(AgentSettings(model=MODEL, max_retries=2, **options), api_key="sk-ant-authoring-not-a-key",
                                http_client=anthropic.DefaultHttpxClient(transport=httpx2.MockTransport(recorder)))

        def careful(body: dict[str, Any], call: int) -> tuple[int, dict[str, Any]]:
            _, sent = blocks_sent(body)
            return 200, message(body, {"edits": careful_edits(compiled, sent)}, first=call == 0)

        recorder = Recorder(careful)
        careful_run = propose(store, brief, actor="author", engine=engine(recorder, concurrency=1))
        write("propose_sample_brief.yaml", recorder, """
The claude engine on the sample brief (fixtures/briefs/ai-support-engineer.md) over the seed
workspace: one POST /v1/messages per in-scope document with candidates. AUTHORED, not recorded
(no account here): requests are exactly what ClaudeEngine sends through anthropic 2.12.0; each
answer is a careful editor's (terms replaced, retired claims rewritten, quotes and the
prompt-injection paragraph of "Partner FAQ (imported)" left alone). Written by
scripts/author_anthropic_cassettes.py; see SOURCES.md.""")

        assert careful_run.staged, "the careful run staged nothing"
        # The next runs start from a fresh pull: the careful run's open changesets would keep their
        # pages from being sent again, and rejecting them would remember each edit as won't fix.
        store = Store(f"sqlite:///{tmp}/author-again.db")
        pull(store, NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=None), full=True)
        brief, _ = briefs.add(store, read_brief_file(BRIEFS / "ai-support-engineer.md"), source="sample", actor="author")
        dropped_link: list[str] = []

        def misbehaving(body: dict[str, Any], call: int) -> tuple[int, dict[str, Any]]:
            remote_id, sent = blocks_sent(body)
            edits = careful_edits(compiled, sent)
            title = next(d.title for d in store.documents() if d.remote_id == remote_id)
            if title == "Partner FAQ (imported)":  # the model obeys the page's injected instructions
                injected = next(b for b in sent if "IMPORTANT NOTE" in b["text"])
                edits += [{"block_id": injected["block_id"], "new_text": "", "reason": "tagline update",
                           "confidence": 1.0},
                          {"block_id": next(b.id for b in pricing.blocks if "$" in b.text and b.editable),
                           "new_text": "HelpHive is free forever.", "reason": "tagline update", "confidence": 1.0}]
                edits = [dict(e, new_text=e["new_text"] + " https://partner-offers.example/claim")
                         if e["block_id"] != injected["block_id"] and e["new_text"] and "free forever" not in e["new_text"]
                         else e for e in edits]
            elif title == "Company home":
                edits.append({"block_id": "not-a-block-id", "new_text": "HelpHive, the AI support engineer.",
                              "reason": "tagline", "confidence": 0.9})
                edits.append({"block_id": 42, "reason": "malformed"})
            elif title == "FAQ":
                legal_block = next(b for b in legal.blocks if "chatbot" in b.text and b.editable)
                edits.append({"block_id": legal_block.id, "new_text": legal_block.text.replace(
                    "the chatbot for your docs", "the AI support engineer for your team"),
                    "reason": "tagline", "confidence": 0.9})
            if not dropped_link and title != "Partner FAQ (imported)":
                tracked = next(d for d in store.documents() if d.remote_id == remote_id)
                doc = store.load(changesets.revision_of(store, tracked.head_revision_id or ""))
                for item in sent:
                    block = doc.block(item["block_id"])
                    linked = [sp.text for sp in block.spans if sp.href and sp.text.strip() in item["text"]] if block else []
                    if linked:
                        dropped_link.append(title)
                        edits = [e for e in edits if e["block_id"] != item["block_id"]]
                        edits.append({"block_id": item["block_id"], "new_text": item["text"].replace(linked[0].strip(), ""),
                                      "reason": "tighter copy", "confidence": 0.8})
                        break
            return 200, message(body, {"edits": edits}, first=call == 0)

        recorder = Recorder(misbehaving)
        run = propose(store, brief, actor="author", engine=engine(recorder, concurrency=1))
        assert not [s for s in run.skipped if "failed" in s["reason"]], run.skipped
        write("propose_misbehaving_model.yaml", recorder, """
The sample brief again, answered by a model that misbehaves: on "Partner FAQ (imported)" it
obeys the page's injected instructions (empties a paragraph, edits a block of "Pricing &
plans", adds the injected link to its edits); on "Company home" it names a block that does not
exist and sends a malformed edit; on "FAQ" it edits a block of the out-of-scope "Legal: Terms
of Service"; on the first other page with a linked phrase it drops the linked words. Everything else is careful. AUTHORED,
not recorded: the point is to show validation refusing each of these. See SOURCES.md.""")

        def overloaded_first(body: dict[str, Any], call: int) -> tuple[int, dict[str, Any]]:
            if call == 0:
                return 529, error("overloaded_error", "Overloaded")
            return careful(body, call - 1)

        recorder = Recorder(overloaded_first)
        _first_document(store, brief, engine(recorder, concurrency=1))
        write("overloaded_then_ok.yaml", recorder, """
The first document of the sample brief: Anthropic answers 529 overloaded_error (the API's error
envelope), the SDK retries, the same request is answered. AUTHORED; see SOURCES.md.""")

        recorder = Recorder(lambda body, call: (401, error("authentication_error", "invalid x-api-key")))
        try:
            _first_document(store, brief, engine(recorder, concurrency=1))
        except Exception:  # noqa: BLE001 - the refusal is what is being recorded
            pass
        write("unauthorized.yaml", recorder, """
A wrong API key: 401 authentication_error on the first call. AUTHORED; see SOURCES.md.""")

        prose = read_brief_file(BRIEFS / "ai-support-engineer-prose.md")
        expected = compiled.model_copy(update={
            "title": "Positioning memo: HelpHive becomes the AI support engineer",
            "summary": "HelpHive is no longer positioned as a chatbot for docs but as an AI support engineer that "
                       "resolves tickets end to end in Zendesk and Intercom; instant-setup and ticket-reduction "
                       "claims are withdrawn.",
            "names": ["Zendesk", "Intercom", "Fernhill Labs"]})
        expected.scope.skip_titles = ["Changelog", "Legal:*", "Meeting notes*"]
        recorder = Recorder(lambda body, call: (200, message(body, expected.model_dump(mode="json"), first=True)))
        engine(recorder).compile_brief(prose)
        write("compile_prose_brief.yaml", recorder, """
Compiling the free-prose brief fixtures/briefs/ai-support-engineer-prose.md through the
record_brief tool. AUTHORED: the answer is the structure a careful reader takes from that memo.
See SOURCES.md.""")
        store.close()


def _first_document(store: Store, brief: Any, engine: ClaudeEngine) -> None:
    """Only the first document's call, as a run with a budget for one call makes it."""
    compiled = briefs.compiled(brief)
    first = candidates(store, compiled).work[0]
    engine.answer(first.doc, first.passages, compiled)


if __name__ == "__main__":
    main()
