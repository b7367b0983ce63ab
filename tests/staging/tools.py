"""Each tool's sandbox behind one face, for the staging tests that must hold on every tool.

Apply, crash recovery, re-propose and sweep are staging's behaviour, but each runs through a
connector against a sandbox over real HTTP with the real SDK, and the sandboxes differ in
what a test needs from them: which seeded document has editable, formatted text, how a
colleague edits a block behind copydesk's back, which requests are writes (for counting and
for fault injection), and how many writes an apply of n blocks sends. That knowledge is here,
once per tool, so the tests read the same for Notion, Google Docs and Webflow.
"""

from __future__ import annotations

from typing import Any, Callable

from connectors.document import Document, DocumentRef
from connectors.gdocs import GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from connectors.webflow.normalise import parse_remote_id

TOOLS = ("notion", "gdocs", "webflow")
# Retries quick enough for tests; the attempts are what fault counts are measured against.
ToolConnector = NotionConnector | GDocsConnector | WebflowConnector
RETRY_ATTEMPTS = 4
_RETRY = RetryPolicy(attempts=RETRY_ATTEMPTS, backoff=0.01, max_wait=0.2)


def build_connector(tool: str, base_url: str, token: str) -> ToolConnector:
    """A connector of `tool` on its sandbox at `base_url`, unpaced; also what a test's worker
    process builds, so it takes only strings."""
    if tool == "notion":
        return NotionConnector(token, base_url=base_url, rate=None, page_size=100, retry=_RETRY)
    if tool == "gdocs":
        return GDocsConnector(credentials_from(token=token), base_url=base_url, folders=[GDOCS_ROOT_FOLDER_ID],
                              rate=None, retry=_RETRY)
    if tool == "webflow":
        return WebflowConnector(token, base_url=base_url, site_id=WEBFLOW_SITE_ID, rate=None, retry=_RETRY)
    raise ValueError(f"no tool {tool!r}: one of {', '.join(TOOLS)}")


class ToolSandbox(SandboxAdminClient):
    """One tool's sandbox as the tool-independent staging tests use it.

    `document` is the title of a seeded document with several editable paragraphs of more than
    six words, one with formatting (bold or a link) and the words "Setup in 5 minutes".
    `read_route` is the request that reads that document (a fault on its second occurrence
    holds an apply after its writes); `write_match` starts every write request's route.
    """

    tool: str
    document: str
    read_route: str
    write_match: str
    # Tests that fail on this tool because of a known bug: test function name → the bug.
    known_bugs: dict[str, str] = {}

    def connector(self) -> ToolConnector:
        return build_connector(self.tool, self.base_url, self.token)

    def writes(self) -> int:
        """Write requests served so far (faulted ones included)."""
        return sum(n for route, n in self.routes().items() if route.startswith(self.write_match))

    @classmethod
    def writes_for(cls, blocks: int) -> int:
        """How many write requests an apply of `blocks` edited blocks of one document sends."""
        return 1

    def reads(self) -> int:
        return self.routes().get(self.read_route, 0)

    def edit(self, ref: DocumentRef, block_id: str, find: str, replace: str) -> None:
        """A colleague replaces the first `find` in block `block_id` of the document, in the
        tool, behind copydesk's back; checked by reading the block back."""
        document = self._fresh(ref)
        before = _text_of(document, block_id)
        if find not in before:
            raise AssertionError(f"block {block_id} of {ref.remote_id} does not contain {find!r}: {before!r}")
        self._edit(document, block_id, before, find, replace)
        after = _text_of(self._fresh(ref), block_id)
        expected = before.replace(find, replace, 1)
        assert after == expected, f"the outside edit of block {block_id} reads {after!r}, not {expected!r}"

    def edits_alone(self, ref: DocumentRef) -> bool:
        """Whether an outside edit of this document leaves every other document as it was."""
        return True

    def _edit(self, document: Document, block_id: str, text: str, find: str, replace: str) -> None:
        """Send the tool's own outside edit of block `block_id` (reading `text` in `document`)."""
        raise NotImplementedError

    def _fresh(self, ref: DocumentRef) -> Document:
        """The document as the tool has it now, read by a connector of its own (no cache)."""
        connector = self.connector()
        try:
            return connector.fetch(ref.model_copy(update={"remote_version": ""}))
        finally:
            connector.close()


class NotionTool(ToolSandbox):
    """Notion writes block by block, one PATCH each; its sandbox edits a block by its id."""

    tool = "notion"
    document = "Product overview"
    read_route = "GET /v1/pages/{id}"
    write_match = "PATCH"

    @classmethod
    def writes_for(cls, blocks: int) -> int:
        return blocks

    def _edit(self, document: Document, block_id: str, text: str, find: str, replace: str) -> None:
        """A row's property is edited on its page, a caption on the block it captions."""
        if block_id.startswith("property:"):
            target = document.ref.remote_id
        else:
            target = block_id.removesuffix("/caption")
        self.post("edit", {"id": target, "find": find, "replace": replace})


class GdocsTool(ToolSandbox):
    """Google Docs writes a document in one atomic batchUpdate. Its sandbox edits the first
    paragraph of the document containing the text given, so an edit is sent with enough of
    the block's words around `find` to occur in that block only."""

    tool = "gdocs"
    document = "Case study: Acme Corp"
    read_route = "GET /v1/documents/{id}"
    write_match = "POST /v1/documents/{id}:batchUpdate"

    def _edit(self, document: Document, block_id: str, text: str, find: str, replace: str) -> None:
        wider = _unique_around(text, find, lambda candidate: sum(b.text.count(candidate) for b in document.blocks))
        self.post("edit", {"id": document.ref.remote_id, "find": wider, "replace": wider.replace(find, replace, 1)})


class WebflowTool(ToolSandbox):
    """Webflow writes a CMS item in one PATCH, staged (publishing is a separate step that
    these tests do not need: the connector reads the staged item). Its sandbox edits the first
    occurrence in one field's HTML, or in one node of a static page."""

    tool = "webflow"
    document = "Setup in 5 minutes: connecting Zendesk Guide"
    read_route = "GET /v2/collections/{id}/items/{id}"
    write_match = "PATCH /v2/collections"
    def edits_alone(self, ref: DocumentRef) -> bool:
        """A static page is one document per locale, and a locale shows the primary text of every
        node it has not translated: a Designer edit of that text changes each of them."""
        return parse_remote_id(ref.remote_id)[0] == "item"

    def _edit(self, document: Document, block_id: str, text: str, find: str, replace: str) -> None:
        kind, first, second = parse_remote_id(document.ref.remote_id)
        if kind == "page":  # block "node:<node id>" or "node:<node id>:<property id>"
            node = block_id.split(":")[1]
            self.post("edit", {"page": first, "node": node, "locale": second or None, "find": find,
                               "replace": replace})
            return
        field = block_id.split(":")[1]  # block "field:<slug>" or "field:<slug>:<n>" (rich text)
        source = str(self._item(first, second)["fieldData"].get(field) or "")
        wider = _unique_around(text, find, source.count)
        self.post("edit", {"item": second, "field": field, "find": wider, "replace": wider.replace(find, replace, 1)})

    def _item(self, collection_id: str, item_id: str) -> dict[str, Any]:
        response = self.http.get(f"{self.base_url}/v2/collections/{collection_id}/items/{item_id}",
                                 headers={"Authorization": f"Bearer {self.token}"})
        response.raise_for_status()
        return response.json()


def _text_of(document: Document, block_id: str) -> str:
    block = document.block(block_id)
    if block is None:
        raise AssertionError(f"{document.ref.remote_id} has no block {block_id}")
    return block.text


def _unique_around(text: str, find: str, occurrences: Callable[[str], int]) -> str:
    """The shortest stretch of `text` around its first `find` that occurs once where the
    sandbox searches (`occurrences` counts it there)."""
    start = text.index(find)
    for margin in range(len(text) + 1):
        candidate = text[max(0, start - margin):start + len(find) + margin]
        if occurrences(candidate) == 1:
            return candidate
    raise AssertionError(f"no stretch of {text!r} around {find!r} is unique in its document")


SANDBOXES: dict[str, type[ToolSandbox]] = {s.tool: s for s in (NotionTool, GdocsTool, WebflowTool)}


def open_sandbox(tool: str, base_url: str, token: str) -> ToolSandbox:
    """`tool`'s sandbox reset to its seed, with no rate limit and no faults."""
    sandbox = SANDBOXES[tool](base_url, token)
    sandbox.post("reset")
    sandbox.post("rate_limit", {"enabled": False})
    return sandbox
