"""The review queue: changesets filtered and counted, one page at a time, with bulk approve
and apply, or a brief's proposals grouped by rule; `?changeset=N` opens one changeset
(ui/web/changeset_page.py).

Where the reviewer is lives in the URL (st.query_params): the filters, the page, the view and
the open changeset, so Back, a reload and a shared link all come back to the same screen. The
list is a fragment: ticking a row reruns the list, not the page."""

from __future__ import annotations

from typing import Any

import streamlit as st

from connectors.errors import Conflict, CopydeskError, NotFound
from staging import apply as applying
from staging import by_rule, changesets, literal, opened, queue
from staging.lifecycle import Status
from ui.web import changeset_page, diffs
from ui.web.formatting import ago, badge, status_words, tool
from ui.web.session import Workspace, flash, require_reviewer, reviewer, reviewer_box, show_flashes, workspace

PAGE_SIZE = 25
SAMPLE = 3  # edits shown per rule in the rule view
_ALL = "All"
_LIST, _RULES = "List", "By rule"
_PICK = "pick-"


def render() -> None:
    ws = workspace()
    reviewer_box()
    diffs.style()
    show_flashes()
    wanted = st.query_params.get("changeset")
    if wanted:
        if wanted.isdigit():
            _shown_to_reviewer(ws, int(wanted))
            changeset_page.render(ws, int(wanted))
            return
        st.error(literal.markdown(f"{wanted!r} is not a changeset number."))
    _queue(ws)


def _shown_to_reviewer(ws: Workspace, changeset_id: int) -> None:
    """An opened proposal counts as seen by the reviewer (staging.opened): bulk approval covers it."""
    name = reviewer()
    try:
        changeset = changesets.get(ws.store, changeset_id)
    except NotFound:
        return  # the changeset page says so
    if name and changeset.status == Status.PROPOSED:
        opened.record(ws.store, changeset, name)


# -- the URL ----------------------------------------------------------------------------------


def _from_url(name: str, choices: list[Any], default: Any) -> Any:
    """The query parameter `name` as one of `choices` (compared as text), else `default`."""
    raw = st.query_params.get(name)
    return next((c for c in choices if str(c) == raw), default)


def _to_url(name: str, key: str) -> None:
    """A filter's new value goes into the URL (and the list back to its first page)."""
    value = st.session_state[key]
    if value in (_ALL, _LIST, "", None):
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(value)
    if name != "view":
        st.query_params.pop("page", None)


def _to_page(number: int) -> None:
    if number > 1:
        st.query_params["page"] = str(number)
    else:
        st.query_params.pop("page", None)


def _bound(name: str, key: str, value: Any) -> dict[str, Any]:
    """A widget's state taken from the URL, and its changes written back to it."""
    st.session_state[key] = value
    return {"key": key, "on_change": _to_url, "args": (name, key)}


# -- the queue --------------------------------------------------------------------------------


def _queue(ws: Workspace) -> None:
    st.title("Review queue")
    filters = _filters(ws)
    view = st.radio("View", [_LIST, _RULES], horizontal=True, label_visibility="collapsed",
                    **_bound("view", "queue.view", _from_url("view", [_LIST, _RULES], _LIST)))
    if view == _RULES:
        _rules(ws, filters)
        return
    counts = queue.counts(ws.store, filters)
    if counts:
        st.markdown("  ".join(f"{badge(status)} **{n}**" for status, n in counts.items()))
    if not queue.count(ws.store, filters):
        st.info("No changesets match." if any(vars(filters).values()) else
                "The queue is empty. Add a brief and propose changes on the Brief page, "
                "or stage one with `copydesk stage`.")
        return
    _list(ws, filters)


def _filters(ws: Workspace) -> queue.Filters:
    columns = st.columns([1, 1, 2, 2])
    sources = [_ALL, *queue.sources(ws.store)]
    source = columns[0].selectbox("Tool", sources, format_func=lambda s: s if s == _ALL else tool(s),
                                  **_bound("source", "queue.source", _from_url("source", sources, _ALL)))
    statuses = [_ALL, *(s.value for s in Status)]
    status = columns[1].selectbox("Status", statuses, format_func=lambda s: s if s == _ALL else status_words(s),
                                  **_bound("status", "queue.status", _from_url("status", statuses, _ALL)))
    titles = queue.briefs(ws.store)
    briefs = [_ALL, *titles]
    brief = columns[2].selectbox("Brief", briefs, format_func=lambda b: b if b == _ALL else literal.visible(titles[b]),
                                 **_bound("brief", "queue.brief", _from_url("brief", briefs, _ALL)))
    document = columns[3].text_input("Document title contains",
                                     **_bound("document", "queue.document", st.query_params.get("document", "")))
    return queue.Filters(source=None if source == _ALL else source, status=None if status == _ALL else status,
                         brief_id=None if brief == _ALL else int(brief), document=document)


@st.fragment
def _list(ws: Workspace, filters: queue.Filters) -> None:
    """One page of rows; ticking a row or turning the page reruns only this."""
    pages = max(1, -(-queue.count(ws.store, filters) // PAGE_SIZE))
    number = _from_url("page", list(range(1, pages + 1)), 1)
    shown = queue.page(ws.store, filters, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    briefs = queue.briefs(ws.store)
    ids = [row.id for row in shown.rows]
    st.checkbox(f"Select all on this page ({len(ids)})", key=f"queue.all.{number}", on_change=_select_all,
                args=(ids, f"queue.all.{number}"))
    brief_shown: int | None = -1
    for row in shown.rows:
        if filters.brief_id is None and row.brief_id != brief_shown:
            brief_shown = row.brief_id
            st.markdown(f"**{literal.markdown(briefs[row.brief_id])}**" if row.brief_id in briefs
                        else "**Staged by hand**")
        _row(row)
    _pager(shown, number, pages)
    _bulk(ws, [i for i in ids if st.session_state.get(f"{_PICK}{i}")])


def _select_all(ids: list[int], key: str) -> None:
    for changeset_id in ids:
        st.session_state[f"{_PICK}{changeset_id}"] = st.session_state[key]


def _row(row: queue.Row) -> None:
    """One queue line: the document, what changes, where, who and when."""
    pick, number, status, what, action = st.columns([0.4, 0.6, 1.2, 6, 0.8], vertical_alignment="center")
    pick.checkbox("select", key=f"{_PICK}{row.id}", label_visibility="collapsed")
    number.markdown(f"**#{row.id}**")
    status.markdown(badge(row.status))
    own_title = "" if row.brief_id is not None or row.title == f"Edit {row.document_title}" else f" · {row.title}"
    what.markdown(f"**{literal.markdown(row.document_title)}**{literal.markdown(own_title)}  \n"
                  f":gray[{literal.markdown(row.tool)} · {row.size} · by {literal.markdown(row.proposed_by)} · "
                  f"{ago(row.updated_at)}]")
    if action.button("Open", key=f"open-{row.id}"):
        st.query_params["changeset"] = str(row.id)
        st.rerun()


def _pager(shown: queue.Page, number: int, pages: int) -> None:
    back, where, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button("← Previous", key="queue.previous", disabled=number <= 1, on_click=_to_page, args=(number - 1,))
    where.caption(f"Page {number} of {pages} · changesets {shown.offset + 1}–{shown.offset + len(shown.rows)} "
                  f"of {shown.total}, newest first.")
    forward.button("Next →", key="queue.next", disabled=number >= pages, on_click=_to_page, args=(number + 1,))


def _bulk(ws: Workspace, picked: list[int]) -> None:
    st.divider()
    st.caption(f"{len(picked)} selected on this page. Approving covers only the changesets you have opened.")
    left, right, _ = st.columns([1, 1, 3])
    approve = left.button(f"Approve selected ({len(picked)})", disabled=not picked, key="bulk-approve")
    apply = right.button(f"Apply selected ({len(picked)})", disabled=not picked, key="bulk-apply")
    if not (approve or apply):
        return
    name = require_reviewer("approve" if approve else "apply")
    if not name:
        return
    unseen = opened.unopened(ws.store, picked, name) if approve else []
    todo = [i for i in picked if i not in unseen]
    bar = st.progress(0.0, text="starting…")
    results: dict[str, list[str]] = {}
    for done, changeset_id in enumerate(todo, start=1):
        bar.progress(done / len(todo), text=f"{'approving' if approve else 'applying'} #{changeset_id} "
                                            f"({done} of {len(todo)})")
        results.setdefault(_bulk_one(ws, changeset_id, name, approve), []).append(f"#{changeset_id}")
    for outcome, ids in results.items():
        flash("success" if outcome in (Status.APPROVED, Status.APPLIED) else "error",
              f"{outcome[:1].upper()}{outcome[1:]} {len(ids)}: {', '.join(ids)}")
    if unseen:
        flash("warning", f"{len(unseen)} not approved because you have not opened them: "
                         f"{', '.join(f'#{i}' for i in unseen)}. Open each to read it, then approve.")
    st.rerun()


def _bulk_one(ws: Workspace, changeset_id: int, reviewer_name: str, approve: bool) -> str:
    try:
        if approve:
            return changesets.approve(ws.store, changeset_id, actor=reviewer_name, policy=ws.settings.review).status
        changeset = changesets.get(ws.store, changeset_id)
        return applying.apply(ws.store, ws.connector(changeset.source), changeset_id, actor=reviewer_name,
                              policy=ws.settings.review).changeset.status
    except Conflict:
        return Status.CONFLICT
    except CopydeskError as error:  # one changeset's refusal or failure must not stop the batch
        return f"not {'approved' if approve else 'applied'} ({error.in_app})"


# -- review by rule ---------------------------------------------------------------------------


def _rules(ws: Workspace, filters: queue.Filters) -> None:
    """A brief's proposals grouped by rule, a sample of each, accepted or dropped at once."""
    titles = queue.briefs(ws.store)
    brief_id = filters.brief_id if filters.brief_id is not None else (next(iter(titles)) if len(titles) == 1 else None)
    if brief_id is None:
        st.info("Choose a brief above to review its proposals rule by rule.")
        return
    groups = by_rule.groups(ws.store, brief_id, sample=SAMPLE)
    if not groups:
        st.info("This brief has no open proposals.")
        return
    accepted: set[str] = st.session_state.setdefault(f"queue.accepted.{brief_id}", set())
    st.caption(f"The proposed changesets of “{literal.visible(titles.get(brief_id, ''))}”, by rule. Accepting a rule "
               "approves each changeset once every rule in it is accepted; dropping one leaves its edits out.")
    for number, group in enumerate(groups):
        _group(ws, brief_id, group, accepted, number)


def _group(ws: Workspace, brief_id: int, group: by_rule.Group, accepted: set[str], number: int) -> None:
    with st.container(border=True, key=f"rule-group-{number}"):
        state = " · :green[accepted by you]" if group.rule in accepted else ""
        st.markdown(f"**{literal.markdown(group.rule)}**: {group.edits} edit{'s' if group.edits != 1 else ''} in "
                    f"{group.documents} document{'s' if group.documents != 1 else ''}{state}")
        for sample in group.sample:
            st.caption(f"#{sample.changeset_id} · {literal.markdown(sample.document_title)} · "
                       f"{literal.markdown(sample.block_kind)}")
            diffs.inline(sample.before, sample.after)
        if group.edits > len(group.sample):
            st.caption(f"Showing {len(group.sample)} of {group.edits} edits; open a changeset to read all of its edits.")
        key = f"rule-{brief_id}-{group.rule}"
        left, right, _ = st.columns([1, 1, 3])
        accept = left.button("Accept rule", key=f"accept-{key}", disabled=group.claim,
                             help="Retired claims need a person's rewrite: open each changeset." if group.claim else None)
        drop = right.button("Drop rule", key=f"drop-{key}")
    if not (accept or drop):
        return
    name = require_reviewer("approve" if accept else "reject")
    if not name:
        return
    if accept:
        outcome = by_rule.accept(ws.store, brief_id, group.rule, actor=name, accepted=accepted,
                                 policy=ws.settings.review)
        accepted.add(group.rule)
        flash("success", f"Accepted “{group.rule}”: approved {len(outcome.approved)} changeset(s), "
                         f"{outcome.edits_approved} edit(s); {len(group.sample)} of the rule's {group.edits} edit(s) "
                         "were shown to you here.")
        if outcome.waiting:
            flash("info", f"{len(outcome.waiting)} changeset(s) also hold edits of rules you have not accepted, and "
                          "wait for them: " + "; ".join(f"#{i} ({', '.join(rules)})" for i, rules in outcome.waiting.items()))
    else:
        outcome = by_rule.drop(ws.store, brief_id, group.rule, actor=name, policy=ws.settings.review)
        flash("success", f"Dropped “{group.rule}”: left out of {len(outcome.dropped)} changeset(s); "
                         f"{len(outcome.rejected)} changeset(s) had nothing else and were rejected.")
    for changeset_id, why in outcome.refused.items():
        flash("error", f"#{changeset_id} not changed: {why}")
    st.rerun()
