"""The Brief page: add a positioning brief (a file or a tracked page), correct its compiled
form, and turn it into proposed changesets with live progress and a summary."""

from __future__ import annotations

import os

import streamlit as st

from connectors.errors import BriefError, CopydeskError
from staging import changesets, literal
from staging.agent import briefs
from staging.agent.brief import MAX_BYTES, CompiledBrief, Scope, parse_term, read_brief_bytes
from staging.agent.propose import propose
from staging.models import AgentRun, Brief
from staging.render import to_markdown
from staging.resolve import resolve_revision
from ui.web.formatting import usd
from ui.web.navigation import open_changeset
from ui.web.session import Workspace, flash, reported, require_reviewer, reviewer_box, show_flashes, workspace

_UPLOAD, _PAGE = "Upload a file", "A tracked page"
_UPLOAD_MB = -(-MAX_BYTES // (1024 * 1024))  # the uploader's own limit and text: the largest brief file read
_LAST_RUN = "brief.last_run"


def render() -> None:
    ws = workspace()
    reviewer_box()
    show_flashes()
    st.title("Brief")
    _add(ws)
    rows = briefs.listing(ws.store)
    if not rows:
        st.info("No brief yet: upload one above. The sample is fixtures/briefs/ai-support-engineer.md.")
        return
    st.divider()
    chosen = _choose(rows)
    _compiled(ws, chosen)
    st.divider()
    _propose(ws, chosen)


def _add(ws: Workspace) -> None:
    with st.expander("Add a brief", expanded=not briefs.listing(ws.store)):
        origin = st.radio("From", [_UPLOAD, _PAGE], horizontal=True, key="brief.origin")
        if origin == _UPLOAD:
            upload = st.file_uploader("Brief file", type=["md", "txt", "docx", "pdf"], key="brief.file",
                                      max_upload_size=_UPLOAD_MB,
                                      help=f"Up to {_UPLOAD_MB} MB. Markdown with ## Terms / ## Retired claims "
                                           "sections is read as is; prose needs Claude to compile it.")
        else:
            documents = {d.id: d.title for d in ws.store.documents(status="live")}
            page = st.selectbox("Tracked page", list(documents), format_func=lambda d: literal.visible(documents[d]),
                                key="brief.page",
                                index=None, placeholder="Choose a page")
        claude_ready = bool(os.environ.get(ws.settings.agent.key_env))
        compiler = st.radio("Read it with", ["Markdown sections", "Claude (prose)"], horizontal=True,
                            key="brief.compiler", disabled=not claude_ready,
                            help=None if claude_ready else f"Claude needs ${ws.settings.agent.key_env} set "
                                                           "where `copydesk ui` runs.")
        activate = st.checkbox("Make it the active brief", value=True, key="brief.activate")
        if not st.button("Add brief", type="primary", key="brief.add"):
            return
        actor = require_reviewer()
        if not actor:
            return
        with reported():
            if origin == _UPLOAD:
                if upload is None:
                    raise BriefError("Choose a brief file first (.md, .txt, .docx or .pdf).")
                text, source = read_brief_bytes(upload.name, upload.getvalue()), upload.name
            else:
                if page is None:
                    raise BriefError("Choose a tracked page first.")
                tracked = ws.store.document(page)
                text = to_markdown(ws.store.load(resolve_revision(ws.store, tracked, "HEAD")))
                source = f"{tracked.source}:{tracked.id}"
            with st.spinner("Compiling the brief…"):
                brief, is_new = briefs.add(ws.store, text, source=source, actor=actor, activate=activate,
                                           compiler=ws.settings.engine("claude") if compiler.startswith("Claude")
                                           else None)
            flash("success", f"{'Added' if is_new else 'Already had'} brief #{brief.id} ({brief.title})"
                  + (", active." if brief.active else "."))
            st.session_state["brief.chosen"] = brief.id
        st.rerun()


def _choose(rows: list[Brief]) -> Brief:
    by_id = {b.id: b for b in rows}
    active = next((b.id for b in rows if b.active), rows[0].id)
    if st.session_state.get("brief.chosen") not in by_id:
        st.session_state["brief.chosen"] = active
    chosen = st.selectbox("Brief", list(by_id), key="brief.chosen",
                          format_func=lambda i: literal.visible(f"#{i} {by_id[i].title}")
                          + (" (active)" if by_id[i].active else ""))
    return by_id[chosen]


def _compiled(ws: Workspace, brief: Brief) -> None:
    """The compiled form, as a form a person corrects before proposing."""
    compiled = briefs.compiled(brief)
    st.subheader("What the agent will act on")
    if compiled.summary:
        st.caption(literal.markdown(compiled.summary))
    with st.form(f"brief.form.{brief.id}"):
        terms = st.text_area("Term changes (one `old -> new (note)` per line)",
                             "\n".join(t.as_line() for t in compiled.terms), height=140)
        claims = st.text_area("Retired claims (one per line; flagged for a person, never rewritten by rules)",
                              "\n".join(compiled.retired_claims), height=100)
        messages = st.text_area("Key messages (one per line; what the copy should say, for Claude and for you)",
                                "\n".join(compiled.key_messages), height=100)
        names = st.text_input("Names kept verbatim (comma-separated)", ", ".join(compiled.names))
        topics = st.text_input("Topics (comma-separated; a sweep lists pages on them not edited since the brief)",
                               ", ".join(compiled.topics))
        left, right = st.columns(2)
        skip_archived = left.checkbox("Skip archived pages", compiled.scope.skip_archived)
        skip_quotes = left.checkbox("Skip customer quotes", compiled.scope.skip_quotes)
        titles = right.text_input("Skip titles matching (globs, comma-separated)", ", ".join(compiled.scope.skip_titles))
        years = right.number_input("Skip pages not edited in N years (0: no limit)", min_value=0.0,
                                   value=float(compiled.scope.not_edited_years or 0), step=0.5)
        if not st.form_submit_button("Save corrections"):
            return
    actor = require_reviewer()
    if not actor:
        return
    with reported():
        corrected = CompiledBrief(
            title=compiled.title, summary=compiled.summary,
            key_messages=[line.strip() for line in messages.splitlines() if line.strip()],
            terms=[parse_term(line.strip()) for line in terms.splitlines() if line.strip()],
            retired_claims=[line.strip() for line in claims.splitlines() if line.strip()],
            names=[n.strip() for n in names.split(",") if n.strip()],
            topics=[t.strip() for t in topics.split(",") if t.strip()],
            scope=Scope(skip_archived=skip_archived, skip_quotes=skip_quotes,
                        skip_titles=[t.strip() for t in titles.split(",") if t.strip()],
                        not_edited_years=years or None))
        briefs.correct(ws.store, brief.id, corrected, actor=actor)
        flash("success", f"Saved the corrected brief #{brief.id}; proposals use it from now on.")
    st.rerun()


def _propose(ws: Workspace, brief: Brief) -> None:
    st.subheader("Propose changes")
    claude_ready = bool(os.environ.get(ws.settings.agent.key_env))
    engines = {"rules": "Rules — offline and deterministic, no key, no cost; retired claims are flagged for you"}
    if claude_ready:
        engines["claude"] = f"Claude ({ws.settings.agent.model}) — rewrites in context; costs tokens"
    else:
        st.caption(f"Claude is available when ${ws.settings.agent.key_env} is set where `copydesk ui` runs.")
    engine = st.radio("Engine", list(engines), format_func=engines.get, key="brief.engine",
                      index=list(engines).index(ws.settings.agent.engine) if ws.settings.agent.engine in engines else 0)
    sources = ["All sources", *sorted(ws.settings.sources)]
    source = st.selectbox("Documents of", sources, key="brief.source")
    dry_run = st.checkbox("Dry run: report what would be staged, stage nothing", key="brief.dry_run")
    if st.button("Propose changes", type="primary", key="brief.propose"):
        actor = require_reviewer()
        if actor:
            _run(ws, brief, actor, engine, None if source == sources[0] else source, dry_run)
    run = st.session_state.get(_LAST_RUN)
    if isinstance(run, AgentRun) and run.brief_id == brief.id:
        _summary(ws, run)


def _run(ws: Workspace, brief: Brief, actor: str, engine: str, source: str | None, dry_run: bool) -> None:
    bar = st.progress(0.0, text="finding candidate blocks…")

    def show(done: int, total: int, title: str) -> None:
        bar.progress(done / total if total else 1.0, text=f"{done} of {total} documents · {literal.markdown(title)}")

    try:
        run = propose(ws.store, brief, actor=actor, engine=ws.settings.engine(engine), source=source,
                      dry_run=dry_run, progress=show, house=ws.settings.scope)
    except CopydeskError as error:
        bar.empty()
        st.error(literal.markdown(error.in_app))
        return
    bar.progress(1.0, text="done")
    st.session_state[_LAST_RUN] = run


def _summary(ws: Workspace, run: AgentRun) -> None:
    st.markdown(f"**{'Dry run' if run.dry_run else 'Run #' + str(run.id)}** · {run.engine}"
                + (f" ({run.model})" if run.model else "") + f" · {run.seconds:.1f} s")
    staged, rejected, flagged, cost = st.columns(4)
    staged.metric("Changesets staged", len(run.staged))
    rejected.metric("Proposals rejected", len(run.rejected))
    flagged.metric("Retired claims flagged", len(run.flagged))
    cost.metric("Model cost", usd(run.cost_usd), help=f"{run.tokens_in:,} tokens sent, {run.tokens_out:,} received")
    if run.stopped:
        st.warning(literal.markdown(run.stopped))
    share = run.candidate_tokens / run.corpus_tokens if run.corpus_tokens else 0.0
    st.caption(f"{run.candidate_blocks} of {run.corpus_blocks} blocks were candidates "
               f"(≈{run.candidate_tokens:,} of {run.corpus_tokens:,} tokens, {share:.1%}).")
    for changeset_id in run.staged:
        with reported():
            changeset = changesets.get(ws.store, changeset_id)
            if st.button(f"Review #{changeset_id} · {literal.markdown(changeset.title)}",
                         key=f"brief.open.{changeset_id}"):
                open_changeset(changeset_id)
    if run.rejected:
        with st.expander(f"Rejected proposals ({len(run.rejected)})"):
            for row in run.rejected:
                st.markdown(f"**{literal.markdown(row['title'])}** · {literal.markdown(row.get('reason', ''))}")
    if run.skipped:
        with st.expander(f"Skipped documents ({len(run.skipped)})"):
            for row in run.skipped:
                st.markdown(f"**{literal.markdown(row['title'])}** · {literal.markdown(row['reason'])}")
