"""The one exception hierarchy of copydesk: every error it raises on purpose is one of these.

    CopydeskError            anything copydesk reports to a person (CLI: one red line, exit 1)
    ├── ConfigError          missing or bad settings, missing token, bad input (a flag, a file, a text)
    │   └── BriefError       a positioning brief that cannot be read or understood
    ├── StateError           the thing is in the wrong state for the action: "Changeset 12 is applied;
    │                        only a proposed changeset can be approved" (nothing to fix in settings)
    ├── Busy                 another run holds it right now (a pull or sweep lease, a changeset being
    │                        applied or reverted); wait for it, or recover if that process died
    ├── NotFound             no document/revision/source matches what was asked for
    │   ├── Ambiguous        more than one matches; the message lists them
    │   └── RemoteNotFound   the tool says it is gone (also a RemoteError, status 404)
    ├── RemoteError          a tool's API failed; `retryable` says whether trying again may help
    │   ├── AuthError        the tool rejected the token
    │   └── RemoteNotFound   (see above)
    ├── Forbidden            the review policy does not let this person do this (their own change, their role)
    ├── Conflict             the remote no longer reads what copydesk expected
    ├── LossyEdit            an edit would lose formatting (mixed runs, a mention) and was not allowed to
    └── ManualStep           the tool's API cannot write this text; a person must paste it (nothing was written)

Which to raise: ConfigError when the person fixes it by changing settings or what they typed;
StateError when the action does not fit the thing's status (the fix is another action first);
Busy when the same action could succeed once another process finishes; NotFound when the
name or id asked for matches nothing stored, RemoteNotFound when the tool no longer has it.

Errors from SDKs and HTTP libraries are translated into these in exactly one place per
connector (its `map_errors`), with `raise ... from exc` so the cause is kept for debugging.
Messages never contain tokens.
"""

from __future__ import annotations


class CopydeskError(Exception):
    """Base of everything copydesk raises on purpose; the message tells the user what to do.

    The message speaks to the command line when its next step is a command or a flag; then
    `in_app` says the same in the review app's words (its buttons, its pages), which the app
    shows instead. Without one, both say the message."""

    def __init__(self, message: str = "", *, in_app: str = "") -> None:
        super().__init__(message)
        self.in_app = in_app or message


class ConfigError(CopydeskError):
    """Settings or input are missing or wrong; fixing them locally resolves it."""


class BriefError(ConfigError):
    """A brief file is empty, unreadable, of an unsupported type or too large; nothing was stored."""


class StateError(CopydeskError):
    """The action does not fit the current status of what it acts on (approving an applied
    changeset, publishing one not applied); the message names the status and what to do first."""


class Busy(CopydeskError):
    """Another process is doing this right now (it holds the lease, or has the changeset
    claimed); trying again after it finishes may succeed, and a dead holder lapses or is recovered."""


class NotFound(CopydeskError):
    """Nothing matches the id, prefix or title that was asked for."""


class Ambiguous(NotFound):
    """A prefix or title matches several things; the message lists the candidates."""


class Forbidden(CopydeskError):
    """The review policy refuses this person this action: approving their own change, an
    action their role does not allow, or writing content nobody else approved."""


class RemoteError(CopydeskError):
    """A remote tool failed. `retryable` is true for rate limits, 5xx, timeouts and outages."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        status: int | None = None,
        code: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        in_app: str = "",
    ) -> None:
        super().__init__(message, in_app=in_app)
        self.source = source
        self.status = status
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after


class AuthError(RemoteError):
    """The tool rejected the credentials (401/403)."""


class RemoteNotFound(RemoteError, NotFound):
    """The tool answered 404, or the document left what copydesk tracks of it (deleted,
    unshared, unlisted), whichever tool it is.

    Both a `NotFound` (nothing matches what was asked for) and a `RemoteError` with status
    404, which is how staging's pull recognises a document that is gone."""


class Conflict(CopydeskError):
    """The remote content changed since copydesk read it; nothing was written.

    `remote` maps each mismatched block id to its text on the remote now (None: the block is
    gone), so a reviewer can compare base, proposed and remote side by side."""

    def __init__(self, message: str, *, remote: dict[str, str | None] | None = None, in_app: str = "") -> None:
        super().__init__(message, in_app=in_app)
        self.remote = remote or {}


class LossyEdit(CopydeskError):
    """Writing these edits would not keep the blocks' formatting exactly; nothing was written.

    `losses` maps block ids to what would be lost."""

    def __init__(self, message: str, *, losses: dict[str, list[str]], in_app: str = "") -> None:
        super().__init__(message, in_app=in_app)
        self.losses = losses


class ManualStep(CopydeskError):
    """The tool's API cannot write these blocks (Webflow's primary-locale static pages), so a
    person must; nothing was written.

    `steps` holds one entry per block: `block_id`, `where` (page and locale, as a person finds
    it in the tool), `before` and the copy-ready `after`. The next pull verifies the change."""

    def __init__(self, message: str, *, steps: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.steps = steps

