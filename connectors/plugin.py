"""What a tool's package tells the rest of copydesk about the tool, without loading its SDK.

Each tool package has a light `plugin.py` whose `PLUGIN` is a `Plugin`: its names, its
settings in copydesk.toml, what it can and cannot do (`Capabilities`), how its connector is
built and how `copydesk init --sandbox` points it at the local sandbox. `connectors.registry`
lists the plug-ins; `staging` and `ui` ask the registry and never name a tool, so a new tool
is its package plus one registry line.

A plug-in module imports no SDK (Google's and Webflow's take a second to import): its `build`
imports the connector when a connector is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from connectors.document import Document

if TYPE_CHECKING:
    from connectors.protocol import Connector

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SourceSettings(BaseModel):
    """What every source in copydesk.toml may say, whatever its tool. Each tool's settings
    model extends it with a `type` literal (the registry's key) and its own keys; a key no
    model declares is refused, so a misspelt or misplaced key is an error, not a setting
    silently ignored."""

    model_config = ConfigDict(extra="forbid")

    type: str
    base_url: str = ""  # empty: the vendor's real API
    sandbox: bool = False  # the local sandbox: its public token is sent, never one from the environment
    token_env: str = ""  # the environment variable holding the token, for tools that authenticate with one
    rate: float | None = Field(default=None, gt=0)  # requests per second; empty: the tool's documented rate
    timeout: float = Field(default=30.0, gt=0)


class PagedSourceSettings(SourceSettings):
    """For tools whose list endpoints take a page size (up to 100 results a request)."""

    page_size: int = Field(default=100, ge=1, le=100)


def no_other_id_form(text: str) -> str | None:
    """For tools whose ids are stored as people type them."""
    return None


def no_declared_language(document: Document) -> str | None:
    """For tools whose documents do not say their language (it is read from the text)."""
    return None


@dataclass(frozen=True)
class Capabilities:
    """What staging must know about a tool to handle its documents right; each field is a
    question staging used to answer by the tool's name."""

    # How to pair a document's blocks across revisions (diff, history): by block id when the
    # tool's ids are stable, by text when they are ordinals copydesk made up (one inserted
    # paragraph would renumber every one after it).
    alignment: Literal["id", "text"]
    # The precision of the edit times the tool reports. A document fetched less than this
    # (plus a margin) after its stamped edit time may have missed a later edit in the same
    # interval (the store refetches it), and a sweep counts an edit within the brief's own
    # interval as after the brief.
    edit_time_precision: timedelta
    # A user-typed id in the form the store keeps (a Notion id without its dashes), or None
    # when the text is not such an id; `copydesk show <id>` tries every tool's form.
    remote_id_form: Callable[[str], str | None] = no_other_id_form
    # The language a document declares (a Webflow locale page's tag), or None: the agent
    # then reads the language from the text. Never pastes English into a French page.
    declared_language: Callable[[Document], str | None] = no_declared_language
    # Applied text lands as a draft that someone publishes (a separate, explicit step).
    publishable: bool = False
    # Some of the tool's text cannot be written through its API: apply hands a person steps.
    hand_written: bool = False
    # A full listing names every live document (Drive's files and changes, Webflow's lists), so
    # a stored document it leaves out is gone. False where the listing may leave documents out
    # (Notion's search is documented as not guaranteed complete): a full pull then asks `fetch`
    # about each one, and only the tool's confirmation (archived, or not found) marks it deleted.
    complete_listing: bool = True
    # Changes can be proposed to the tool as suggestions rather than written. No registered tool
    # declares it and nothing in staging reads it.
    can_suggest: bool = False

    def edit_time_floor(self, moment: datetime) -> datetime:
        """The start of the edit-time interval holding `moment` (a timezone-aware time): what the
        tool would stamp an edit made at `moment` with; `moment` itself for a tool with exact
        edit times (a zero precision: an unregistered tool, such as the tests' memory tool)."""
        if not self.edit_time_precision:
            return moment
        return moment - (moment - _EPOCH) % self.edit_time_precision


class Build(Protocol):
    """Makes a source's connector. `token` reads the source's token only when the tool needs
    one (staging's settings read the environment; connectors never do); `home` is the
    directory of copydesk.toml, which relative paths in the settings are read against."""

    def __call__(self, name: str, settings: Any, *, token: Callable[[], str], home: Path) -> Connector: ...


class SandboxFactory(Protocol):
    """Makes the tool's local sandbox: a WSGI app seeded from `seeds` (its folder under
    connectors/sandbox/seeds/), with the vendor's rate limits unless `rate_limited` is false, at
    `rate` requests per second where the tool limits by one rate (None: the vendor's)."""

    def __call__(self, seeds: Traversable, *, rate_limited: bool, rate: float | None) -> Any: ...


@dataclass(frozen=True)
class Plugin:
    """One tool, as the rest of copydesk sees it."""

    tool: str  # the registry key and a source's `type` in copydesk.toml ("gdocs")
    label: str  # the tool's own name, as people read it ("Google Docs")
    document_kinds: Mapping[str, str]  # what a reviewer calls one document of each kind ("Google Doc")
    settings: type[SourceSettings]  # its source settings, `type` a literal of `tool`
    build: Build
    sandbox: SandboxFactory  # mounted under /<tool> by `copydesk sandbox` (connectors.sandbox.server)
    sandbox_token: str  # the sandbox's public token: sent to the sandbox only, refused for a real source
    sandbox_settings: Callable[[int], str]  # its copydesk.toml lines for the sandbox on this port
    real_settings: str  # its copydesk.toml lines for a real workspace, as `copydesk init` writes them
    capabilities: Capabilities
