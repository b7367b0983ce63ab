"""The memory connector held to the connector contract (tests/connectors/conformance.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.document import Block, Document, DocumentRef, NotCaptured, Span
from connectors.memory import MemoryConnector, MemoryPublisher, MemoryWorkspace
from tests.connectors.conformance import ConnectorContract, Sample, ToolUnderTest, coverage_problems

TOKEN = "memory-token"


def seed() -> list[Document]:
    """Two documents, one with a paragraph of plain, bold and linked runs, the other with a
    read-only block and an element left out (each saying why)."""
    pricing = Document(ref=DocumentRef(source="memory", remote_id="pricing", kind="page", title="Pricing"), blocks=(
        Block(id="title", kind="title", text="Pricing"),
        Block(id="intro", kind="paragraph", text="Answers from your docs in seconds, see the guide.", spans=(
            Span(text="Answers from your docs "), Span(text="in seconds", bold=True), Span(text=", see "),
            Span(text="the guide", href="https://example.com/guide"), Span(text="."))),
    ))
    faq = Document(ref=DocumentRef(source="memory", remote_id="faq", kind="page", title="FAQ"), blocks=(
        Block(id="title", kind="title", text="FAQ"),
        Block(id="q1", kind="paragraph", text="Setup takes five minutes."),
        Block(id="rule", kind="divider", editable=False),
        Block(id="code", kind="code", text="pip install helphive", editable=False,
              readonly_reason="Code: copy changes never land in code; edit it in the tool if it must change"),
    ), not_captured=(NotCaptured(element="drawing 'Setup flow'", reason="drawings hold no text copydesk can read",
                                 chars=42),))
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


@pytest.mark.parametrize("broken", [
    Block(id="code", kind="code", text="pip install helphive", editable=False),
    NotCaptured(element="drawing", reason="", chars=3),
    NotCaptured(element="drawing", reason="no text", chars=0),
])
def test_the_contract_finds_a_silent_read_only_block_or_an_unexplained_gap(broken: Block | NotCaptured) -> None:
    faq = seed()[1]
    if isinstance(broken, Block):
        faq = faq.model_copy(update={"blocks": (*faq.blocks[:-1], broken)})
    else:
        faq = faq.model_copy(update={"not_captured": (broken,)})
    assert coverage_problems(seed()[1]) == []
    [problem] = coverage_problems(faq)
    assert problem.startswith("FAQ: ")
