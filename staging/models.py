"""The store's tables. No secrets in any of them, ever.

Content lives in `Blob` (content-addressed, like git objects); everything else points at
blobs. `Event` is append-only: nothing updates or deletes its rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC one: SQLite hands times back without a zone (they were
    written in UTC), PostgreSQL in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Numbered(Protocol):
    id: int | None


def saved_id(row: _Numbered) -> int:
    """A stored row's number. SQLModel types it `int | None` because a row has none until it
    is inserted; every row copydesk reads back or has flushed has one, so a missing one is a
    bug, said here rather than as a None passed on to a query."""
    if row.id is None:
        raise ValueError(f"This {type(row).__name__} was never saved: it has no id yet.")
    return row.id


class Blob(SQLModel, table=True):
    """A normalised document, canonically serialised and zlib-compressed, keyed by sha256."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class TrackedDocument(SQLModel, table=True):
    """One remote document and its current head (the newest revision copydesk has).

    `source` is the configured source's name, the document's identity with `remote_id` (two
    Notion workspaces may hold the same page id); `tool` is the tool it lives in ("notion"),
    which decides how it is diffed and named."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("source", "remote_id"),)

    id: str = Field(primary_key=True, max_length=32)
    source: str = Field(index=True)
    tool: str = ""
    remote_id: str
    kind: str
    title: str = ""
    url: str = ""
    parent_remote_id: str = ""
    status: str = "live"  # live | archived | deleted
    remote_version: str = ""
    edited_at: datetime | None = None  # when the tool says it last changed (scope rules, sweeps)
    fetched_at: datetime | None = None
    head_revision_id: str | None = Field(default=None, max_length=32)
    first_seen_at: datetime = Field(default_factory=utcnow)


class Revision(SQLModel, table=True):
    """What a document looked like at one moment, and how copydesk came to see it."""

    id: str = Field(primary_key=True, max_length=32)
    document_id: str = Field(foreign_key="document.id", index=True, max_length=32)
    blob_sha256: str = Field(foreign_key="blob.sha256", max_length=64)
    remote_version: str = ""
    edited_by: str = ""  # whom the tool names as its last editor ('' where it does not say)
    observed_at: datetime = Field(default_factory=utcnow)
    origin: str = "pull"  # pull | apply | revert | rollback
    parent_id: str | None = Field(default=None, max_length=32)
    pull_id: int | None = Field(default=None, foreign_key="pull.id")
    changeset_id: int | None = Field(default=None, index=True)  # set when origin is not pull


class Pull(SQLModel, table=True):
    """One pull of one source; `cursor` is where the next incremental pull resumes."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    full: bool = False
    status: str = "running"  # running | ok | failed
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    requests: int = 0
    listed: int = 0
    fetched: int = 0
    changed: int = 0
    new: int = 0
    deleted: int = 0
    cursor: str | None = None
    error: str = ""


class Event(SQLModel, table=True):
    """The audit log: who did what to which subject, when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    action: str
    subject: str = Field(default="", index=True)  # the app's audit trail of one changeset filters on it
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Changeset(SQLModel, table=True):
    """The edits to one document against one base revision: copydesk's pull request.

    `status` only ever changes by compare-and-swap (see staging.lifecycle), and `claim` names
    the process that holds it while applying or reverting, so a crash can be told from a
    process still at work."""

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, max_length=32)
    base_revision_id: str = Field(foreign_key="revision.id", max_length=32)
    source: str = Field(index=True)
    title: str
    rationale: str = ""
    status: str = Field(default="proposed", index=True)
    proposed_by: str
    brief_id: int | None = None  # the agent fills these
    agent_run_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    approved_by: str | None = None
    approved_at: datetime | None = None
    allow_lossy: bool = False
    applied_revision_id: str | None = Field(default=None, max_length=32)
    reverted_revision_id: str | None = Field(default=None, max_length=32)
    claim: str | None = None  # "<pid>@<host>" while applying or reverting
    claimed_at: datetime | None = None
    conflicts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = ""
    # What a person must paste into the tool when its API cannot write (awaiting_manual*).
    manual_steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_at: datetime | None = None  # tools with a separate publish step (Webflow)


class ChangesetEdit(SQLModel, table=True):
    """One block's proposed text. `proposed_after` keeps what was proposed when a reviewer
    changed `after` (`revised_by` names them); a `dropped` edit is never written; `target` is an
    exact block from a stored revision (restore)."""

    __tablename__ = "edit"

    id: int | None = Field(default=None, primary_key=True)
    changeset_id: int = Field(foreign_key="changeset.id", index=True)
    position: int
    block_id: str
    block_kind: str
    before: str
    after: str
    proposed_after: str
    reason: str = ""
    confidence: float | None = None
    flag: str = ""  # what a person must settle in this block (a retired claim, say): rules never invent the text
    # What the edit does, in the brief's words, so a reviewer can take a decision once for every
    # document ("chatbot → AI support engineer", "retired claim: …", "other edits"); "" for edits
    # staged by hand (staging.by_rule).
    rule: str = ""
    dropped: bool = False  # the reviewer left this edit out when approving; it is kept for the record
    flag_dismissed: str = ""  # why a reviewer left the flag as it reads ("the claim is still true here")
    flag_dismissed_by: str = ""
    proposed_by: str
    target: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    revised_by: str = ""  # the reviewer whose rewrite `after` is: an author too, who cannot approve it


class Approval(SQLModel, table=True):
    """One person's approval of a changeset's exact content: `fingerprint` hashes every edit
    (block, before, after, dropped, target) as it read when they approved. An approval whose
    fingerprint no longer matches (someone rewrote or dropped an edit since) counts for
    nothing: it is dismissed, though kept for the record (staging.review)."""

    id: int | None = Field(default=None, primary_key=True)
    changeset_id: int = Field(foreign_key="changeset.id", index=True)
    actor: str
    fingerprint: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)


class JournalEntry(SQLModel, table=True):
    """A remote write, recorded before it is sent (`intent`) and after it is confirmed
    (`done`), with the blocks as they read just before it, for recovery and exact revert."""

    __tablename__ = "journal"

    id: int | None = Field(default=None, primary_key=True)
    changeset_id: int = Field(foreign_key="changeset.id", index=True)
    operation: str  # apply | revert | rollback
    phase: str  # intent | done
    block_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    request: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    previous: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow)


class Brief(SQLModel, table=True):
    """A positioning brief as added, with its compiled form; one is active at a time."""

    id: int | None = Field(default=None, primary_key=True)
    title: str
    source: str  # the file name, or "notion:<document id>" for a tracked page
    text: str
    sha256: str = Field(index=True, max_length=64)
    compiled: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = False
    added_by: str
    added_at: datetime = Field(default_factory=utcnow)
    # Everyone who corrected the compiled form: authors, with added_by, of what it proposes.
    corrected_by: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AgentRun(SQLModel, table=True):
    """One `copydesk propose`: what was searched, what was (or would be) sent to a model,
    what it cost, and what came out (staged, rejected with reasons, flagged)."""

    __tablename__ = "agent_run"

    id: int | None = Field(default=None, primary_key=True)
    brief_id: int = Field(foreign_key="brief.id", index=True)
    engine: str
    model: str = ""
    requested_by: str = ""  # who ran the propose or sweep (a schedule's actor); empty on runs made before 0005
    dry_run: bool = False
    started_at: datetime = Field(default_factory=utcnow)
    seconds: float = 0.0
    corpus_blocks: int = 0
    candidate_blocks: int = 0
    corpus_tokens: int = 0
    candidate_tokens: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    stopped: str = ""  # why the run ended early (token budget, refused key), empty when it ran through
    staged: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rejected: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flagged: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skipped: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Blocks left alone because a reviewer said "won't fix" (staging.dismissals), one row each.
    dismissed: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Answered(SQLModel, table=True):
    """A document an engine has answered for a brief: at which revision, under which compiled
    brief. Asked again only when the page or the brief changed, so an unchanged sweep costs
    no model tokens and a rejected proposal is not filed again."""

    __tablename__ = "answered"

    brief_id: int = Field(foreign_key="brief.id", primary_key=True)
    document_id: str = Field(foreign_key="document.id", primary_key=True, max_length=32)
    engine: str = Field(primary_key=True, max_length=32)
    revision_id: str = Field(max_length=32)
    compiled_sha: str = Field(max_length=64)  # the compiled brief (and workspace scope) it answered
    at: datetime = Field(default_factory=utcnow)


class SweepRun(SQLModel, table=True):
    """One `copydesk sweep`: what each source's pull did, what content is stale and why, what
    was staged or closed, and what changed since the previous sweep."""

    __tablename__ = "sweep_run"

    id: int | None = Field(default=None, primary_key=True)
    brief_id: int = Field(foreign_key="brief.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    seconds: float = 0.0
    agent_run_id: int | None = None
    pulls: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    stale: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    staged: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    resolved: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    new_stale: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fixed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dismissed: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Dismissal(SQLModel, table=True):
    """A reviewer's "won't fix": an edit dropped, a flag dismissed or a proposal rejected, for
    one block as it read (`text`, hashed in `text_sha256`) under one brief as compiled
    (`brief_sha256`). `rules` are the brief's retired terms and claims that text uses. While
    the block reads that text and the brief is unchanged, propose and sweeps leave it alone
    (staging.dismissals); undoing it (`undone_at`) keeps the row for the record."""

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, max_length=32)
    block_id: str
    text: str
    text_sha256: str = Field(max_length=64)
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    brief_id: int = Field(foreign_key="brief.id", index=True)
    brief_sha256: str = Field(max_length=64)
    how: str  # dropped | flag dismissed | rejected
    reason: str = ""
    changeset_id: int | None = None
    actor: str
    at: datetime = Field(default_factory=utcnow)
    undone_by: str = ""
    undone_at: datetime | None = None


class Lease(SQLModel, table=True):
    """A named lock in the database, so that of several processes (two schedulers, a CLI)
    only one does a thing at a time; it expires, so a dead holder cannot keep it."""

    name: str = Field(primary_key=True)
    holder: str = ""
    expires_at: datetime = Field(default_factory=utcnow)

