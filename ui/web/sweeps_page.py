"""The Sweeps page: the schedule, the last and next runs, a "sweep now" button, and the
last sweep's report (what is stale, where, why; what was staged or closed)."""

from __future__ import annotations

import streamlit as st

from connectors.errors import CopydeskError, NotFound
from staging import dismissals, literal
from staging.agent import briefs
from staging.schedule import next_runs, sweep_alone
from staging.sweep import last, manual_step, retired, summary, sweep, untouched
from ui.web.formatting import ago, tool, when
from ui.web.session import Workspace, flash, reported, require_reviewer, reviewer_box, show_flashes, workspace


def render() -> None:
    ws = workspace()
    reviewer_box()
    show_flashes()
    st.title("Sweeps")
    _schedule(ws)
    try:
        brief = briefs.get(ws.store)
    except NotFound:
        st.info("No active brief: add one on the Brief page. A sweep checks content against it.")
        return
    if st.button("Sweep now", type="primary", key="sweeps.now"):
        actor = require_reviewer()
        if actor:
            _sweep_now(ws, actor)
    run = last(ws.store, brief.id)
    if run is None:
        st.info("No sweep yet for the active brief.")
    else:
        _report(run)
    _dismissed(ws)


def _schedule(ws: Workspace) -> None:
    plan = ws.settings.schedule
    if not plan.cron:
        st.caption("No schedule: set [schedule] cron in copydesk.toml and run `copydesk schedule`, or use your "
                   "system's cron with `copydesk sweep`.")
        return
    try:
        upcoming = next_runs(plan.cron, plan.timezone)
    except CopydeskError as error:
        st.error(literal.markdown(error.in_app))
        return
    st.markdown(f"Schedule {literal.markdown(plan.cron)} ({literal.markdown(plan.timezone)}) · next runs: "
                + ", ".join(f"{r:%a %d %b %H:%M}" for r in upcoming))


def _sweep_now(ws: Workspace, actor: str) -> None:
    status = st.status("Sweeping…", expanded=True)
    connectors = ws.connectors()
    try:
        run = sweep_alone(ws.store, lambda: sweep(ws.store, connectors, actor=actor, engine=ws.settings.engine(),
                                                   progress=lambda message: status.text(literal.visible(message)),
                                                   house=ws.settings.scope))
    except CopydeskError as error:
        status.update(label="Sweep failed", state="error")
        flash("error", f"The sweep failed: {error.in_app}")
    else:
        status.update(label="Swept", state="complete")
        flash("success", summary(run))
    st.rerun()


def _report(run) -> None:  # type: ignore[no-untyped-def]
    st.subheader(f"Last sweep: #{run.id}, {ago(run.started_at)}")
    st.caption(f"{when(run.started_at)} · {run.seconds:.1f} s")
    stale, reread, staged, resolved, waived = st.columns(5)
    stale.metric("Stale documents", len(retired(run)), delta=(len(run.new_stale) or None), delta_color="inverse")
    reread.metric("To re-read", len(untouched(run)), help="On the brief's topics, not edited since it was added")
    staged.metric("Changesets staged", len(run.staged))
    resolved.metric("Fixed by hand", len(run.resolved))
    waived.metric("Left alone: won't fix", len(run.dismissed),
                  help="Blocks this sweep left alone because a reviewer dismissed them (listed below)")
    st.dataframe([{"tool": literal.visible(tool(p["source"])), "requests": p["requests"], "fetched": p["fetched"],
                   "changed": p["changed"], "new": p["new"], "deleted": p["deleted"]} for p in run.pulls],
                 hide_index=True, width="stretch")
    for heading, rows in (("Stale content", retired(run)), ("Not edited since the brief: re-read", untouched(run))):
        if rows:
            st.markdown(f"#### {heading}")
        for row in rows:
            with st.expander(literal.markdown(f"{row['title']} ({tool(row['source'])})")):
                for why in row["why"]:
                    st.markdown(f"**{literal.markdown(', '.join(why['matched'])) or 'retired wording'}**")
                    st.text(literal.visible(why["text"]))
                    if why.get("manual"):
                        st.warning(literal.markdown(manual_step(why)))


def _dismissed(ws: Workspace) -> None:
    """What reviewers said won't fix (drops, dismissed flags, rejections): sweeps leave these
    blocks alone until their text or the brief changes. Undo lets the next sweep propose again."""
    rows = dismissals.listing(ws.store)
    st.markdown("#### Dismissed")
    if not rows:
        st.caption("Nothing dismissed. Dropping an edit, dismissing a flag or rejecting a proposal records it here.")
        return
    titles = {d.id: d.title for d in ws.store.documents()}
    for d in rows:
        text, undo = st.columns([6, 1], vertical_alignment="center")
        text.markdown(f"**{literal.markdown(titles.get(d.document_id, d.document_id[:8]))}** · "
                      f"“{literal.markdown(dismissals.first_words(d.text))}”")
        text.caption(literal.markdown(f"{', '.join(d.rules)} · {d.how} by {d.actor}, ") + when(d.at)
                     + (" · " + literal.markdown(d.reason) if d.reason else ""))
        if undo.button("Undo", key=f"undo-dismissal-{d.id}"):
            actor = require_reviewer()
            if actor:
                with reported():
                    dismissals.undo(ws.store, d.id, actor=actor)
                    flash("success", f"Undid the dismissal of “{dismissals.first_words(d.text)}”: the next sweep "
                                     "looks at it again.")
                st.rerun()
