"""The document model every tool is normalised into.

One small shape for three very different tools, so that diff, history, the agent and the
review queue never need to know where a text came from:

- Notion: one `Block` per block (its id is stable); table rows become one `cell` block per
  cell (`<row id>/<column>`); the page title is a `title` block.
- Google Docs: paragraphs have no ids, so a block id is the paragraph's ordinal (`p12`) and
  the connector re-resolves it against the text at apply time; table cells are `cell` blocks.
- Webflow: CMS fields are `field` blocks (`field:<slug>`, rich-text fields split into
  `field:<slug>:<n>` per HTML element); static pages give DOM text nodes (`node:<nodeId>`).

The native payload is kept in `raw` (per block and per document) so nothing is lost, but
volatile bookkeeping (edit timestamps, request ids) is left out by the connector so that
unchanged content serialises to the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Mention(BaseModel):
    """A reference embedded in text: a page, a user or a date."""

    model_config = ConfigDict(frozen=True)

    type: str
    target: str = ""


class Span(BaseModel):
    """A run of text sharing one set of marks; concatenated spans give the block's text."""

    model_config = ConfigDict(frozen=True)

    text: str
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    underline: bool = False
    code: bool = False
    color: str | None = None
    href: str | None = None
    mention: Mention | None = None


class Block(BaseModel):
    """The unit that is diffed, proposed on and written back.

    `editable` is false where the tool's API cannot write the text or where copy changes must
    never land (code, synced blocks, images, embeds). Such blocks are still kept, shown, diffed
    and swept, and `readonly_reason` says why in words a reviewer can act on ("a synced copy:
    edit the original on 'Company home'"), so stale text copydesk cannot write becomes a manual
    step instead of a silent gap. A read-only block whose text follows another block of the same
    document (an Open Graph title Webflow copies from the SEO title) names it in
    `attrs["copy_of"]`: it changes when that block does, so it is never a step of its own.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    text: str = ""
    spans: tuple[Span, ...] = ()
    editable: bool = True
    readonly_reason: str = ""
    depth: int = 0
    attrs: dict[str, Any] = Field(default_factory=dict)
    raw: dict[str, Any] = Field(default_factory=dict)


class DocumentRef(BaseModel):
    """Where a document lives and which version of it the tool last reported.

    `parent` is the remote id of the containing page, folder or collection; the store turns
    parents into breadcrumbs, so a connector never spends requests walking up a tree.
    `edited_by` is the person (or bot) the tool names as the last to change the document, as
    the tool shows their name; empty where the tool does not say (Webflow), so History can
    name a colleague's edit instead of the pull that saw it.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    remote_id: str
    kind: str
    title: str = ""
    url: str = ""
    parent: str = ""
    remote_version: str = ""
    updated_at: datetime | None = None
    edited_by: str = ""
    archived: bool = False


class NotCaptured(BaseModel):
    """Text the tool returned that is not a block, listed so that nothing is silently missed.

    `element` names the place in the tool's own words ("drawing on tab 'Notes'"), `reason`
    says why copydesk does not track it, and `chars` is how much visible text it holds, so a
    coverage report can weigh it against what is tracked."""

    model_config = ConfigDict(frozen=True)

    element: str
    reason: str
    chars: int


class Document(BaseModel):
    """A ref plus its ordered blocks, the text left out of them, and the native payload."""

    model_config = ConfigDict(frozen=True)

    ref: DocumentRef
    blocks: tuple[Block, ...] = ()
    not_captured: tuple[NotCaptured, ...] = ()
    raw: dict[str, Any] = Field(default_factory=dict)

    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


class Edit(BaseModel):
    """One block's new text, as staging hands it to a connector's `apply`.

    `before` is what the block must still read (compared normalised): the conflict check.
    `target`, when set, is the exact block to write back, taken from a stored revision (revert,
    restore, roll-back), so its formatting returns run for run; otherwise the formatting is
    carried over from the block's current runs word by word (`connectors.text.rewrite`).
    """

    model_config = ConfigDict(frozen=True)

    block_id: str
    before: str
    after: str
    target: Block | None = None
    allow_lossy: bool = False
