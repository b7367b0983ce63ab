"""The memory connector held to the connector contract (tests/connectors/conformance.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.document import Block, Document, DocumentRef, Span
from connectors.memory import MemoryConnector, MemoryPublisher, MemoryWorkspace
from tests.connectors.conformance import ConnectorContract, Sample, ToolUnderTest

TOKEN = "memory-token"


def seed() -> list[Document]:
    """Two documents, one with a paragraph of plain, bold and linked runs."""
    pricing = Document(ref=DocumentRef(source="memory", remote_id="pricing", kind="page", title="Pricing"), blocks=(
        Block(id="title", kind="title", text="Pricing"),
        Block(id="intro", kind="paragraph", text="Answers from your docs in seconds, see the guide.", spans=(
            Span(text="Answers from your docs "), Span(text="in seconds", bold=True), Span(text=", see "),
            Span(text="the guide", href="https://example.com/guide"), Span(text="."))),
    ))
    faq = Document(ref=DocumentRef(source="memory", remote_id="faq", kind="page", title="FAQ"), blocks=(
        Block(id="title", kind="title", text="FAQ"),
        Block(id="q1", kind="paragraph", text="Setup takes five minutes."),
    ))
    return [pricing, faq]


class MemoryTool(ToolUnderTest):
    sample = Sample("pricing", "intro", "Answers", "Replies")
    other = Sample("faq", "q1", "five", "ten")

    def __init__(self, *, drafts: bool = False) -> None:
        super().__init__()
        self.workspace = MemoryWorkspace.of(seed(), token=TOKEN, drafts=drafts)

    def make_connector(self, *, token: str | None = None) -> MemoryConnector:
        kind = MemoryPublisher if self.workspace.drafts else MemoryConnector
        return kind(self.workspace, token=TOKEN if token is None else token)

    def edit_behind(self, remote_id: str, find: str, replace: str) -> None:
        self.workspace.edit(remote_id, find, replace)

    def vanish(self, ref: DocumentRef) -> DocumentRef:
        self.workspace.delete(ref.remote_id)
        return ref

    def writes(self) -> int:
        return self.workspace.writes

    def fail_requests(self, status: int, count: int) -> None:
        self.workspace.fail_next(status, count=count, retry_after=0)

    def is_live(self, ref: DocumentRef) -> bool:
        return self.workspace.is_published(ref.remote_id)


class TestMemoryContract(ConnectorContract):
    @pytest.fixture
    def tool(self) -> Iterator[MemoryTool]:
        tool = MemoryTool()
        yield tool
        tool.close()


class TestMemoryPublisherContract(ConnectorContract):
    """The memory tool with drafts: the same contract, and the Publisher capability's."""

    @pytest.fixture
    def tool(self) -> Iterator[MemoryTool]:
        tool = MemoryTool(drafts=True)
        yield tool
        tool.close()
