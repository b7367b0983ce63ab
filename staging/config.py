"""Settings: `copydesk.toml` plus `COPYDESK_*` environment variables (which win).

Tokens are never stored in the file: a source names the environment variable that holds
its token (`token_env`). A sandbox source always sends the sandbox's public token (never one from
the environment, and only to this machine), so the demo runs with no keys and leaks none.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from connectors import registry
from connectors.errors import ConfigError
from connectors.plugin import SourceSettings
from connectors.protocol import Connector
from connectors.sandbox.server import DEFAULT_PORT
from staging import identity
from staging.agent.brief import Scope
from staging.agent.engine import Engine
from staging.review import ReviewPolicy

CONFIG_NAME = "copydesk.toml"
STATE_DIR = ".copydesk"


def _tool_of(source: Any) -> str:
    """A source's tool, which picks its settings model: its `type`, else the default tool."""
    if isinstance(source, dict):
        return str(source.get("type", registry.DEFAULT_TOOL))
    return str(getattr(source, "type", registry.DEFAULT_TOOL))


# One source in copydesk.toml: the settings model of its `type`'s plug-in, so each tool's own
# keys are checked and any other key is refused. Built from the registry at run time; a type
# checker sees the base every tool's model extends.
if TYPE_CHECKING:
    AnySourceSettings = SourceSettings
else:
    AnySourceSettings = Annotated[
        Union[tuple(Annotated[p.settings, Tag(p.tool)] for p in registry.plugins())],  # noqa: UP007  (built at run time)
        Discriminator(_tool_of, custom_error_type="unknown_tool",
                      custom_error_message="type must be one of the tools copydesk connects to: "
                                           f"{', '.join(registry.TOOLS)}"),
    ]


class AgentSettings(BaseModel):
    """The proposal engines. The Anthropic key comes from the environment (`key_env`) only."""

    engine: Literal["rules", "claude"] = "rules"
    model: str = "claude-sonnet-5-5"
    key_env: str = "ANTHROPIC_API_KEY"
    base_url: str = ""  # empty: Anthropic's API
    concurrency: int = Field(default=4, ge=1, le=32)
    token_budget: int = Field(default=300_000, ge=1)  # model tokens (in + out) per propose run
    max_tokens: int = Field(default=4096, ge=256)  # per call: the longest answer for one document
    max_retries: int = Field(default=4, ge=0, le=10)  # the SDK retries 429, 529 and 5xx
    timeout: float = Field(default=120.0, gt=0)
    price_input: float = Field(default=3.0, ge=0)  # USD per million input tokens: set your contract's prices
    price_output: float = Field(default=15.0, ge=0)


class ScheduleSettings(BaseModel):
    """When `copydesk schedule` sweeps: a cron expression (minute hour day month weekday)."""

    cron: str = ""  # e.g. "0 6 * * 1-5": weekdays at 06:00
    timezone: str = "UTC"
    engine: Literal["", "rules", "claude"] = ""  # empty: agent.engine


class HouseScope(Scope):
    """copydesk.toml's [scope]: a misspelt key is an error, not a rule silently not applied."""

    model_config = ConfigDict(extra="forbid")
    skip_archived: bool = False


class AppSettings(BaseModel):
    """`[app]`: how the review app knows who is acting. `local` trusts the command line's
    identity and is served on loopback only; beyond loopback a visitor must be authenticated,
    by Streamlit's OIDC login (`oidc`, with an [auth] section in .streamlit/secrets.toml) or by
    a reverse proxy that signs people in and sets `identity_header` (`header`). The proxy is
    pinned by a shared secret it sends in `X-Copydesk-Proxy-Secret` (read from the variable
    `proxy_secret_env`) or by its address (`proxy_addresses`); anything else is refused."""

    model_config = ConfigDict(extra="forbid")
    auth: Literal["local", "oidc", "header"] = "local"
    identity_header: str = "X-Forwarded-Email"
    proxy_secret_env: str = "COPYDESK_PROXY_SECRET"
    proxy_addresses: list[str] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(default_factory=list)  # the names people reach the app by, beyond --host

    def proxy_secret(self) -> str:
        return os.environ.get(self.proxy_secret_env, "")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COPYDESK_", env_nested_delimiter="__", extra="forbid")

    database_url: str = ""
    actor: str = ""
    sources: dict[str, AnySourceSettings] = Field(default_factory=dict)
    agent: AgentSettings = Field(default_factory=AgentSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    # The workspace's own rules, applied with every brief's (whatever either skips is skipped).
    scope: HouseScope = Field(default_factory=HouseScope)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    app: AppSettings = Field(default_factory=AppSettings)

    home: Path = Field(default=Path("."), exclude=True)

    @property
    def state_dir(self) -> Path:
        return self.home / STATE_DIR

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.state_dir / 'copydesk.db').as_posix()}"

    @property
    def actor_name(self) -> str:
        """Who is acting on the command line: COPYDESK_ACTOR, else the config's `actor`, else
        the OS user. Trusted as git trusts user.name: whoever runs copydesk says who they are;
        the review gate then keeps that person from approving their own changes."""
        return identity.checked(self.actor or os.environ.get("USER") or getpass.getuser())

    def source(self, name: str) -> SourceSettings:
        if name not in self.sources:
            known = ", ".join(sorted(self.sources)) or "none"
            raise ConfigError(f"No source named {name!r} in {CONFIG_NAME} (configured: {known}).")
        return self.sources[name]

    def token(self, name: str) -> str:
        """The token to send. A sandbox source always sends the sandbox's public token, whatever
        the environment holds: a real token exported for another source must never travel,
        over plain HTTP, to a local test server. A real source never sends a sandbox token."""
        source = self.source(name)
        check_endpoint(name, source)
        tool = registry.plugin(source.type)
        if source.sandbox:
            return tool.sandbox_token
        token = os.environ.get(source.token_env, "") if source.token_env else ""
        if token in {p.sandbox_token for p in registry.plugins()}:
            raise ConfigError(f"{source.token_env} holds the sandbox's token, but source {name!r} is a real "
                              f"{tool.label} workspace: export your integration token, or set sandbox = true.")
        if token:
            return token
        if not source.token_env:
            raise ConfigError(f"Source {name!r} needs token_env = \"<the variable holding your {tool.label} token>\" "
                              f"in {CONFIG_NAME}.")
        raise ConfigError(
            f"Source {name!r} needs a token: export {source.token_env}=<your {tool.label} integration token> "
            f"(copydesk reads it from the environment and never stores it)."
        )

    def connector(self, name: str) -> Connector:
        """The source's connector, built by its tool's plug-in (which loads the tool's SDK)."""
        source = self.source(name)
        check_endpoint(name, source)
        return registry.plugin(source.type).build(name, source, token=lambda: self.token(name), home=self.home)

    def engine(self, name: str | None = None) -> Engine:
        """The proposal engine to run: `name`, else agent.engine from the settings."""
        from staging.agent.rules import RulesEngine

        agent = self.agent
        name = name or agent.engine
        if name == "rules":
            return RulesEngine()
        if name != "claude":
            raise ConfigError(f"Unknown engine {name!r}: use rules (offline, no key) or claude.")
        from staging.agent.claude import ClaudeEngine  # the SDK (1.5 s to import) loads only when a model is used

        key = os.environ.get(agent.key_env, "")
        if not key:
            raise ConfigError(f"The claude engine needs an Anthropic API key: export {agent.key_env}=<your key> "
                              "(copydesk reads it from the environment and never stores it), "
                              "or use --engine rules, which needs none.",
                              in_app=f"The Claude engine needs an Anthropic API key in ${agent.key_env} where the "
                                     "app runs; choose the Rules engine, which needs none.")
        return ClaudeEngine(agent, api_key=key)


def check_endpoint(name: str, source: SourceSettings) -> None:
    """Refuse a source whose credentials would reach the wrong server: a sandbox that is not
    on this machine (its empty base_url would even mean the vendor's real API), or a real
    source sending its token over plain HTTP beyond loopback."""
    url = urlsplit(source.base_url)
    local = url.hostname is not None and _is_loopback(url.hostname)
    if source.sandbox and not (source.base_url and local):
        raise ConfigError(f"Source {name!r} has sandbox = true but base_url {source.base_url or '(the real API)'!r} "
                          f"is not this machine: point it at the local sandbox (http://127.0.0.1:PORT/{source.type}) "
                          "or set sandbox = false.")
    if source.base_url and url.scheme != "https" and not local:
        raise ConfigError(f"Source {name!r} would send its token unencrypted to {source.base_url!r}: use an https:// "
                          "base_url (plain http only for 127.0.0.1 or localhost).")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def find_config(explicit: Path | None = None) -> Path:
    """The config to use: --config, then $COPYDESK_CONFIG, then ./copydesk.toml."""
    path = explicit or (Path(os.environ["COPYDESK_CONFIG"]) if os.environ.get("COPYDESK_CONFIG") else None)
    path = path or Path.cwd() / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"No {CONFIG_NAME} at {path}. Run `copydesk init --sandbox` to try copydesk on the local sandbox, "
            "or `copydesk init` to configure your own workspace."
        )
    return path


def load_settings(path: Path) -> Settings:
    class _FromFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=path)

    try:
        settings = _FromFile(home=path.resolve().parent)
    except ValidationError as error:
        problems = "; ".join(_problem(e["loc"], e["type"], e["msg"]) for e in error.errors())
        raise ConfigError(f"{path} is not valid: {problems}. Fix it or recreate it with `copydesk init`.") from error
    except ValueError as error:
        raise ConfigError(f"{path} is not valid TOML ({error}). Fix it or recreate it with `copydesk init`.") from error
    return settings


def _problem(loc: tuple[int | str, ...], kind: str, message: str) -> str:
    """One validation error as the file's keys say it. A source's errors carry its tool (the
    union's tag) after its name, which is not a key: "sources.marketing.site_id: not a
    setting of a Notion source"."""
    where = [str(part) for part in loc]
    if where[:1] == ["sources"] and len(where) > 2 and where[2] in registry.TOOLS:
        tool = where.pop(2)
        if kind == "extra_forbidden":
            message = f"not a setting of a {registry.label(tool)} source"
    return f"{'.'.join(where)}: {message}"


_HEADER = """# copydesk settings. Environment variables COPYDESK_* override these.
# database_url = "postgresql+psycopg://user@host/db"   # default: SQLite in .copydesk/
# actor = "your name"            # recorded on every action; default: $COPYDESK_ACTOR, else your OS user
"""

_TAIL = """# Never touched, whatever a brief says (a brief's own Scope section adds to these):
# [scope]
# skip_archived = true
# skip_titles = ["Legal:*", "Changelog*"]   # glob patterns on titles, case-insensitive
# skip_quotes = true                         # quotations and customer quotes
# not_edited_years = 3                       # pages nobody has edited for this long

# Who may do what. Everyone may review and publish until roles are listed; nobody approves
# their own changeset or rewrite, nor what their brief or propose staged (self_approval =
# false), whatever the roles.
# [review]
# approvals = 1                  # distinct approvers other than the authors
# self_approval = false
# default_role = "viewer"        # for identities listed nowhere (default: publisher until roles are listed)
# [review.roles]
# reviewer = ["priya@example.com"]
# publisher = ["sam@example.com"]
# viewer = ["intern@example.com"]

# The review app beyond 127.0.0.1 needs authentication (see the README: The review app):
# [app]
# auth = "header"                          # local (loopback only) | oidc (st.login) | header (a reverse proxy)
# identity_header = "X-Forwarded-Email"    # set by the proxy after it signed the person in
# proxy_secret_env = "COPYDESK_PROXY_SECRET"   # the proxy sends its value in X-Copydesk-Proxy-Secret
# allowed_hosts = ["copy.example.com"]
"""


def config_text(*, sandbox: bool, port: int = DEFAULT_PORT) -> str:
    """The copydesk.toml that `copydesk init` writes: every tool on the local sandbox, or the
    default tool set up for a real workspace and the others commented out, ready to enable."""
    if sandbox:
        sources = [p.sandbox_settings(port) for p in registry.plugins()]
    else:
        sources = [p.real_settings if p.tool == registry.DEFAULT_TOOL else _commented(p.real_settings)
                   for p in registry.plugins()]
    return "\n".join([_HEADER, *sources, _TAIL])


def _commented(lines: str) -> str:
    return "".join(f"# {line}" for line in lines.splitlines(keepends=True))
