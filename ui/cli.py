"""The `copydesk` command line: the terminal face of copydesk, beside the Streamlit app.

Each command is a thin function over `staging`; its docstring is its `--help`. Every
command that reports something takes `--json` for scripting. A `CopydeskError` becomes one
red line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import webbrowser
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.progress import Progress
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from connectors.errors import ConfigError, CopydeskError
from connectors.registry import labels
from connectors.sandbox.server import DEFAULT_PORT, SandboxServer
from staging import history
from staging.agent.brief import MAX_BYTES
from staging.config import CONFIG_NAME, STATE_DIR, config_text, load_settings
from staging.diff import alignment, diff_documents, summary
from staging.models import Revision, TrackedDocument
from staging.pull import PullReport, coverage_note, pull, remote_status
from staging.render import to_markdown
from staging.resolve import resolve_document, resolve_revision
from staging.sources import orphans
from staging.store import Store
from ui import brief_commands, changeset_commands, coverage_commands, dismissal_commands, exposure, sweep_commands
from ui.arguments import limit_option, port_option
from ui.terminal import (
    JSON_OPTION,
    Context,
    context,
    emit_json,
    err,
    out,
    plain,
    progress,
    shown,
    use_color,
    word_diff_text,
)


class _ReportingGroup(TyperGroup):
    """Turns a CopydeskError from any command into one red line and exit code 1, and refuses
    an argument that is not text before any command sees it."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        for position, arg in enumerate(args, start=1):
            if not _is_utf8(arg):
                shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
                raise typer.BadParameter(f"'{shown}' holds bytes that are not UTF-8; set a UTF-8 locale "
                                         "(LANG=C.UTF-8) or retype it.", ctx=ctx, param_hint=f"argument {position}")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CopydeskError as error:
            err.print(plain(f"error: {error}", style="bold red"))
            raise typer.Exit(1) from error
        except KeyboardInterrupt:
            err.print(Text("interrupted: nothing half-written; what was stored before is kept.", style="yellow"))
            raise typer.Exit(130) from None


def _is_utf8(arg: str) -> bool:
    """False for what Python makes of undecodable argv bytes (lone surrogates), which no
    database, file or terminal encoding downstream accepts."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


app = typer.Typer(
    cls=_ReportingGroup,
    help=f"copydesk: git-like history, diffs and review for {labels()} copy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

@app.callback()
def _main(
    ctx: typer.Context,
    config: Path | None = typer.Option(
        None, "--config", "-c", help=f"Path to {CONFIG_NAME} (default: $COPYDESK_CONFIG, then ./{CONFIG_NAME})."
    ),
) -> None:
    ctx.obj = Context(config)
    ctx.call_on_close(ctx.obj.close)


@app.command()
def init(
    sandbox: bool = typer.Option(False, "--sandbox", help="Point every source at the local sandbox (no accounts)."),
    port: int = port_option(DEFAULT_PORT, "The sandbox port the config should use.", lowest=1),
    directory: Path = typer.Option(Path("."), "--dir", help="Where to create copydesk.toml and .copydesk/."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing copydesk.toml."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create copydesk.toml and the .copydesk/ store in a directory.

    Example: copydesk init --sandbox   (then: copydesk sandbox, and in another terminal: copydesk pull)
    """
    config = directory / CONFIG_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if config.exists() and not force:
            raise ConfigError(f"{config} already exists; use --force to overwrite it.")
        config.write_text(config_text(sandbox=sandbox, port=port), encoding="utf-8")
    except OSError as error:  # --dir names a file, a path under a file, a read-only place…
        raise ConfigError(f"Cannot write {config} ({error.strerror or error}); give --dir a directory you can "
                          "write to.") from error
    settings = load_settings(config)
    Store(settings.store_url).close()
    result = {"config": str(config), "store": settings.store_url, "sandbox": sandbox,
              "sources": sorted(settings.sources)}
    if as_json:
        emit_json(result)
        return
    out.print(f"Wrote {config} and {directory / STATE_DIR}/")
    if sandbox:
        out.print(f"Next: `copydesk sandbox --port {port}` in one terminal, `copydesk pull` in another.")
    else:
        tokens = [source.token_env for source in settings.sources.values() if source.token_env]
        out.print(f"Next: export {tokens[0] if tokens else 'your token'}=<your integration secret>, "
                  "then `copydesk pull`.")


@app.command()
def sandbox(
    port: int = port_option(DEFAULT_PORT, "Port on 127.0.0.1 (0 picks a free one)."),
    no_rate_limit: bool = typer.Option(False, "--no-rate-limit", help="Serve without the vendors' rate limits."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Serve local sandboxes of the tools' APIs on 127.0.0.1 until Ctrl-C.

    Each tool is mounted under its own base URL; `<base>/_sandbox/stats`, `/reset`, `/edit`,
    `/faults`, `/rate_limit` and `/generate` are the admin API for demos and tests.
    Example: copydesk sandbox --port 8700
    """
    try:
        server = SandboxServer(port, rate_limited=not no_rate_limit)
    except OSError as error:
        raise ConfigError(f"Cannot listen on 127.0.0.1:{port} ({error.strerror}); pick another --port.") from error
    endpoints = [{"tool": e.tool, "base_url": e.base_url, "token": e.token} for e in server.endpoints()]
    if as_json:
        emit_json({"endpoints": endpoints})
    else:
        for e in endpoints:
            out.print(f"{e['tool']:8} {e['base_url']}   token: {e['token']}")
        out.print("Rate limits " + ("off" if no_rate_limit else "on (like the vendors')") + ". Ctrl-C stops.")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


# Apply, Publish and Submit are filled in this blue; Revert and Reject are outlined in red
# (ui/web/destructive.py), which Streamlit's default red primary would blur.
PRIMARY_COLOR = "#1f5fbf"


@app.command("ui")
def ui_command(
    ctx: typer.Context,
    port: int = port_option(8501, "Port to serve the app on.", lowest=1),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind. Keep 127.0.0.1 unless a reverse proxy "
                             "with authentication stands in front (see the README)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the app in your browser once it is up."),
) -> None:
    """Open the review app: queue, brief, history, activity, sweeps and sources, in the browser.

    Serves the Streamlit app on http://HOST:PORT until Ctrl-C. On 127.0.0.1 you act as
    yourself (COPYDESK_ACTOR, actor in copydesk.toml, else your OS user); any other address
    needs \\[app] auth = "oidc" or "header" (see the README), or the app refuses to start.
    Example: copydesk ui --open
    """
    c = context(ctx)
    settings = load_settings(c.config_path)  # a broken config is reported here, in one line, not in the browser
    hosts = exposure.allowed_hosts(host, settings.app)
    command = [sys.executable, "-m", "streamlit", "run", str(Path(__file__).with_name("app.py")),
               "--server.address", host, "--server.port", str(port), "--server.headless", "true",
               "--server.enableXsrfProtection", "true", "--server.enableCORS", "true",
               *(arg for name in hosts for arg in ("--server.allowedHosts", name)),
               "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "none",
               "--client.toolbarMode", "minimal", "--server.fileWatcherType", "none", "--theme.base", "light",
               "--theme.primaryColor", PRIMARY_COLOR]
    command += ["--server.maxUploadSize", str(-(-MAX_BYTES // (1024 * 1024)))]  # MB: the largest brief file, no more
    url = f"http://{host}:{port}"
    err.print(f"copydesk review app on {url} (Ctrl-C stops it)")
    server = subprocess.Popen(command, env=os.environ | {"COPYDESK_CONFIG": str(c.config_path)})
    try:
        if open_browser and _serving(url, server):
            webbrowser.open(url)
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=10)
        code = 0
    raise typer.Exit(code)


def _serving(url: str, server: subprocess.Popen) -> bool:
    """Whether the app answers its health check within 30 s (False if it exited)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


@app.command("pull")
def pull_command(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", "-s", help="Pull only this source (default: all)."),
    full: bool = typer.Option(False, "--full", help="Re-list everything and detect deleted pages."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Snapshot the sources into the store: only what changed since the last pull.

    Reports per source: requests made, documents listed, fetched, changed, new and deleted,
    and a line when the fetched documents hold text copydesk does not capture.
    Example: copydesk pull --source notion --full
    """
    c = context(ctx)
    names = [source] if source else sorted(c.settings.sources)
    if not names:
        raise ConfigError(f"No sources in {CONFIG_NAME}; add one or run `copydesk init --sandbox`.")
    reports: list[PullReport] = []
    for name in names:
        connector = c.workspace.connector(name)
        with progress(enabled=not as_json) as bar:
            task = bar.add_task(f"pulling {name}", total=None)

            def show(report: PullReport, task: Any = task, bar: Progress = bar, name: str = name) -> None:
                bar.update(task, description=f"pulling {name}: listed {report.listed}, fetched {report.fetched}, "
                                             f"{report.requests} requests")

            reports.append(pull(c.store, connector, full=full, actor=c.settings.actor_name, progress=show))
    if as_json:
        emit_json([r.as_dict() for r in reports])
        return
    table = Table("source", "requests", "listed", "fetched", "changed", "new", "deleted", "seconds")
    for r in reports:
        counts = (r.requests, r.listed, r.fetched, r.changed, r.new, r.deleted)
        table.add_row(plain(r.source), *(str(v) for v in counts),
                      f"{r.seconds:.1f}")
    out.print(table)
    for r in reports:
        for row in r.not_captured:  # remote text: printed as Text, never as markup
            out.print(plain(f"not captured: {row['title'] or row['remote_id']} ({r.source} {row['remote_id']}): "
                            f"{row['reason']}; the next pull retries it", style="yellow"))
        if note := coverage_note(r):
            out.print(plain(note, style="yellow"))


@app.command()
def status(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", "-s", help="Check only this source."),
    full: bool = typer.Option(False, "--full", help="List everything, so deletions show too."),
    as_json: bool = JSON_OPTION,
) -> None:
    """What changed remotely since the last pull, from listings only. Writes nothing.

    Example: copydesk status
    """
    c = context(ctx)
    results = [remote_status(c.store, c.workspace.connector(n), full=full)
               for n in ([source] if source else sorted(c.settings.sources))]
    if as_json:
        emit_json(results)
        return
    for r in results:
        when = r["last_pull"] or "never"
        out.print(f"[bold]{shown(r['source'])}[/bold] (last pull: {when})")
        if r["note"]:
            out.print(f"  {shown(r['note'])}")
        for label, style in (("new", "green"), ("changed", "yellow"), ("deleted", "red")):
            for title in r[label]:
                out.print(f"  [{style}]{label:8}[/{style}] {shown(title)}")
        if not (r["new"] or r["changed"] or r["deleted"]):
            out.print("  up to date")
    configured = {name: s.type for name, s in c.settings.sources.items()}
    for orphan in orphans(c.store, configured):  # what opening the store could not move to a configured source
        why = orphan.why or f"they move to {orphan.adopter!r} once its running pull has finished."
        out.print(f"[yellow]not adopted:[/yellow] {orphan.documents} document(s) stored under {shown(orphan.name)!r}: "
                  f"{shown(why)}")


@app.command()
def log(
    ctx: typer.Context,
    document: str | None = typer.Argument(None, help="Id prefix, remote id or title (default: all documents)."),
    limit: int = limit_option("revisions"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Revision history, newest first, like `git log`.

    Example: copydesk log "Pricing"
    """
    c = context(ctx)
    store = c.store
    docs = {d.id: d for d in store.documents()}
    if document:
        target = resolve_document(store, document)
        revisions = store.revisions(target.id, limit=limit)
    else:
        revisions = store.revisions(limit=limit)
    said = {e.revision_id: e for e in history.entries(store, revisions)}
    if as_json:
        emit_json([_revision_json(r, docs[r.document_id], said[r.id]) for r in revisions])
        return
    if not revisions:
        out.print("No revisions yet: run `copydesk pull`.")
        return
    for r in revisions:
        doc = docs[r.document_id]
        flag = "" if doc.status == "live" else f" [red]({doc.status})[/red]"
        out.print(f"[yellow]{r.id[:12]}[/yellow]  {r.observed_at:%Y-%m-%d %H:%M:%S}  {r.origin:7} "
                  f"[cyan]{doc.id[:8]}[/cyan]  {shown(doc.title)}{flag}  [dim]{shown(said[r.id].summary)}[/dim]")


def _revision_json(r: Revision, doc: TrackedDocument, entry: history.Entry) -> dict[str, Any]:
    return {"revision": r.id, "document": doc.id, "title": doc.title, "source": doc.source, "origin": r.origin,
            "observed_at": r.observed_at.isoformat(), "remote_version": r.remote_version, "parent": r.parent_id,
            "status": doc.status, "edited_by": r.edited_by, "changeset": r.changeset_id, "actor": entry.actor,
            "summary": entry.summary}


@app.command()
def show(
    ctx: typer.Context,
    target: str = typer.Argument(..., metavar="DOC[@REV]", help="A document, optionally @ a revision (id prefix or HEAD~N)."),
    blocks: bool = typer.Option(False, "--blocks", help="List block ids, kinds and texts (for `copydesk stage`)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print a document as readable Markdown, at its newest or any older revision.

    Example: copydesk show "Pricing@HEAD~1"
    """
    c = context(ctx)
    doc_query, _, rev_query = target.rpartition("@") if "@" in target else (target, "", "HEAD")
    tracked = resolve_document(c.store, doc_query)
    revision = resolve_revision(c.store, tracked, rev_query or "HEAD")
    doc = c.store.load(revision)
    if as_json:
        emit_json({"document": tracked.id, "revision": revision.id, "observed_at": revision.observed_at.isoformat(),
                    "content": doc.model_dump(mode="json")})
        return
    if blocks:
        for block in doc.blocks:
            mark = "" if block.editable else " [dim](read-only)[/dim]"
            out.print(f"[cyan]{shown(block.id)}[/cyan]  {shown(block.kind)}{mark}  {shown(block.text[:80])}")
        return
    trail = " / ".join([*c.store.breadcrumb(tracked), tracked.title])
    said = history.entries(c.store, [revision])[0].summary
    err.print(f"[dim]{shown(trail)} · {shown(tracked.url)}\nrevision {revision.id[:12]} · {shown(said)} · "
              f"{revision.observed_at:%Y-%m-%d %H:%M:%S} UTC[/dim]")
    out.print(plain(to_markdown(doc)))


@app.command()
def diff(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="Id prefix, remote id or title."),
    rev_a: str | None = typer.Argument(None, help="Older revision (default: HEAD~1)."),
    rev_b: str | None = typer.Argument(None, help="Newer revision (default: HEAD)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Word-level diff between two revisions of a document (default: the last two).

    In a terminal, deleted words are red and struck through, inserted words green; when
    piped, they read [-deleted-] and {+inserted+} like `git diff --word-diff`.
    Example: copydesk diff "Pricing" HEAD~2
    """
    c = context(ctx)
    tracked = resolve_document(c.store, document)
    if rev_a is None and len(c.store.revisions(tracked.id, limit=2)) < 2:
        raise ConfigError(f"{tracked.title!r} has one revision so far: nothing to compare until it changes and is pulled again.")
    old_rev = resolve_revision(c.store, tracked, rev_a or "HEAD~1")
    new_rev = resolve_revision(c.store, tracked, rev_b or "HEAD")
    blocks = diff_documents(c.store.load(old_rev), c.store.load(new_rev), by=alignment(tracked.tool))
    changed = [b for b in blocks if b.status != "equal"]
    if as_json:
        emit_json({"document": tracked.id, "title": tracked.title, "from": old_rev.id, "to": new_rev.id,
                    "summary": summary(blocks), "blocks": [b.as_dict() for b in changed]})
        return
    out.print(f"[bold]{shown(tracked.title)}[/bold]  {old_rev.id[:12]} → {new_rev.id[:12]}")
    if not changed:
        out.print("No differences.")
        return
    for block in changed:
        out.print(plain(f"@@ {block.status} {block.kind} {block.block_id[:13]}", style="cyan"))
        out.print(word_diff_text(block.ops, color=use_color()))
    counts = summary(blocks)
    out.print(f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed blocks; "
              f"+{counts['words_inserted']} −{counts['words_deleted']} words")


changeset_commands.register(app)
brief_commands.register(app)
sweep_commands.register(app)
coverage_commands.register(app)
dismissal_commands.register(app)
