"""The Sources page: each configured tool's connection, its last pull, the share of its text
tracked (what is not captured, what is read-only), a pull button with progress, and the
scope rules proposals follow."""

from __future__ import annotations

import os

import streamlit as st

from connectors.errors import CopydeskError, NotFound
from connectors.registry import label, source_label
from staging import coverage, literal
from staging.agent import briefs
from staging.config import SourceSettings
from staging.pull import PullReport, coverage_note, pull, remote_status
from ui.web.formatting import ago, when
from ui.web.session import Workspace, flash, reported, require_reviewer, reviewer_box, show_flashes, workspace


def render() -> None:
    ws = workspace()
    reviewer_box()
    show_flashes()
    st.title("Sources")
    if not ws.settings.sources:
        st.info(f"No sources in {literal.markdown(str(ws.config))}. Add one, or run `copydesk init --sandbox` to try "
                "the local sandbox.")
    for name in sorted(ws.settings.sources):
        with st.container(border=True):
            _source(ws, name)
    _scope(ws)


def _credential(settings: SourceSettings) -> str:
    """Where the source's token comes from; empty for a tool that reads another credential."""
    if settings.sandbox:
        return "sandbox token"
    if not settings.token_env:
        return ""
    return f"${settings.token_env} {'set' if os.environ.get(settings.token_env) else 'not set'}"


def _source(ws: Workspace, name: str) -> None:
    settings = ws.settings.source(name)
    shown = source_label(name, settings.type)
    st.subheader(literal.markdown(shown))
    where = settings.base_url or f"{label(settings.type)}'s own API"
    st.caption(literal.markdown(" · ".join(filter(None, [where, _credential(settings)]))))
    last = ws.store.last_pull(name, successful=False)
    if last is None:
        st.info("Never pulled.")
    elif last.status == "failed":
        st.error(f"Last pull failed {ago(last.finished_at or last.started_at)}: {literal.markdown(last.error)}")
    else:
        st.markdown(f"Last pull **{ago(last.finished_at)}** ({when(last.finished_at)}): {last.requests} requests, "
                    f"{last.listed} listed, {last.fetched} fetched, {last.changed} changed, {last.new} new, "
                    f"{last.deleted} deleted" + (" · full" if last.full else ""))
    _coverage(ws, name)
    check, go, full = st.columns([1, 1, 2], vertical_alignment="center")
    full_pull = full.checkbox("Full (re-list everything, find deleted pages)", key=f"sources.full.{name}")
    if check.button("Check connection", key=f"sources.check.{name}"):
        with st.spinner(f"Listing {literal.markdown(shown)}…"):
            with reported():
                status = remote_status(ws.store, ws.connector(name))
                note = f" {literal.markdown(status['note'])}" if status["note"] else ""
                st.success(f"Connected. Since the last pull: {len(status['new'])} new, {len(status['changed'])} "
                           f"changed, {len(status['deleted'])} deleted.{note}")
        show_flashes()
    if go.button("Pull now", type="primary", key=f"sources.pull.{name}"):
        actor = require_reviewer()
        if actor:
            _pull(ws, name, shown, actor, full_pull)


def _coverage(ws: Workspace, name: str) -> None:
    """The share of the source's text that is tracked; what is not, and what is read-only, in
    an expander (remote text shown as plain text, never Markdown)."""
    found = coverage.report(ws.store, source=name)
    if not found:
        return
    figures = found[0]
    share = coverage.percent(figures["chars_tracked"], figures["chars_total"])
    missed, readonly = figures["not_captured"], figures["readonly_reasons"]
    st.markdown(f"{share} % of text tracked ({figures['chars_tracked']:,} of {figures['chars_total']:,} "
                f"characters in {figures['documents']} documents; {figures['chars_readonly']:,} read-only)")
    if not (missed or readonly):
        return
    with st.expander(f"{len(missed)} element(s) not captured · {sum(r['blocks'] for r in readonly)} read-only "
                     "block(s)"):
        if missed:
            st.markdown("**Not captured** (not in the history, not swept)")
            st.text("\n".join(literal.visible(f"{row['document']}: {row['element']} ({row['chars']} characters): "
                                               f"{row['reason']}") for row in missed))
        if readonly:
            st.markdown("**Read-only** (tracked and swept; changes are made by hand in the tool)")
            st.text("\n".join(literal.visible(f"{row['blocks']} block(s), {row['chars']} characters: {row['reason']}")
                               for row in readonly))


def _pull(ws: Workspace, name: str, shown: str, actor: str, full: bool) -> None:
    bar = st.progress(0.0, text=f"pulling {literal.markdown(shown)}…")

    def show(report: PullReport) -> None:
        share = report.fetched / report.listed if report.listed else 0.0
        bar.progress(min(share, 1.0), text=f"pulling {literal.markdown(shown)}: listed {report.listed}, fetched {report.fetched}, "
                                           f"{report.requests} requests")

    try:
        report = pull(ws.store, ws.connector(name), full=full, actor=actor, progress=show)
    except CopydeskError as error:
        bar.empty()
        flash("error", f"Pull of {shown} failed: {error.in_app}")
    else:
        flash("success", f"Pulled {shown}: {report.requests} requests, {report.fetched} fetched, {report.changed} "
                         f"changed, {report.new} new, {report.deleted} deleted, {report.seconds:.1f} s."
                         + (f" {note}." if (note := coverage_note(report)) else ""))
    st.rerun()


def _scope(ws: Workspace) -> None:
    st.subheader("Scope rules in effect")
    try:
        brief = briefs.get(ws.store)
    except NotFound:
        st.info("No active brief: add one on the Brief page. Until then no proposal is made.")
        return
    scope = briefs.compiled(brief, ws.settings.scope).scope
    st.markdown(f"From the active brief **#{brief.id} {literal.markdown(brief.title)}** and copydesk.toml's `[scope]`:")
    st.markdown("\n".join([
        f"- archived pages: {'skipped' if scope.skip_archived else 'included'}",
        f"- customer quotes: {'skipped' if scope.skip_quotes else 'included'}",
        f"- titles matching: {', '.join(f'“{literal.markdown(glob)}”' for glob in scope.skip_titles)} (skipped)"
        if scope.skip_titles else "- titles matching: none skipped",
        f"- pages not edited in {scope.not_edited_years:g} years: skipped" if scope.not_edited_years is not None
        else "- pages not edited for years: included",
        "- always: code, URLs, mentions and read-only blocks are never edited",
    ]))
