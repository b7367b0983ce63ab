"""Schema migrations (Alembic) on SQLite and PostgreSQL: a new store is at head, and a store
made before the review app's columns existed is brought up to date with its data kept."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from staging import changesets
from staging.agent import briefs
from staging.agent.brief import parse_term
from staging.changesets import ProposedEdit
from staging.store import Store
from tests.builders import make_document
from tests.conftest import REPO

HEAD = "0009"


def _version(store: Store) -> str:
    with store.engine.connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def test_a_new_store_is_at_head(store):
    assert _version(store) == HEAD
    assert {"sweep_run", "lease", "changeset", "edit"} <= set(sa.inspect(store.engine).get_table_names())


def test_an_older_store_is_migrated_and_keeps_its_data(store):
    tracked = store.record(make_document("One.", "Two.")).document
    staged = changesets.stage(store, tracked, [ProposedEdit("b1", "Uno."), ProposedEdit("b2", "Dos.")], actor="t")
    with store.engine.begin() as connection:  # back to the schema copydesk 0.1 made with create_all
        for table, column in (("edit", "dropped"), ("edit", "revised_by"), ("changeset", "manual_steps"),
                              ("changeset", "published_at")):
            connection.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        connection.execute(sa.text("DROP INDEX ix_event_subject"))
        for table in ("answered", "sweep_run", "lease", "approval", "alembic_version"):
            connection.execute(sa.text(f"DROP TABLE {table}"))
    assert "dropped" not in {c["name"] for c in sa.inspect(store.engine).get_columns("edit")}
    store.close()

    reopened = Store(store.url)
    assert _version(reopened) == HEAD
    assert "ix_event_subject" in {i["name"] for i in sa.inspect(reopened.engine).get_indexes("event")}
    assert {"answered", "sweep_run", "lease", "approval"} <= set(sa.inspect(reopened.engine).get_table_names())
    changesets.approve(reopened, staged.id, actor="priya", dropped=["b2"])
    assert [r.block_id for r in changesets.to_write(reopened, staged.id)] == ["b1"]
    assert changesets.get(reopened, staged.id).manual_steps == []
    reopened.close()


def test_processes_opening_a_store_at_once_migrate_it_once(store):
    url, errors = store.url, []
    store.close()

    def open_it() -> None:
        try:
            Store(url).close()
        except Exception as error:  # noqa: BLE001 — collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    again = Store(url)
    assert _version(again) == HEAD
    again.close()


def test_a_store_from_before_brief_correctors_gets_them_from_the_audit_log(store):
    brief, _ = briefs.add(store, (REPO / "fixtures/briefs/ai-support-engineer.md").read_text(), source="b.md",
                          actor="lead")
    corrected = briefs.compiled(brief).model_copy(update={"terms": [parse_term("widget -> gadget (typo)")]})
    for actor in ("sam", "lee", "Sam"):
        briefs.correct(store, brief.id, corrected, actor=actor)
    with store.engine.begin() as connection:  # back to the schema of revision 0004
        connection.execute(sa.text("ALTER TABLE brief DROP COLUMN corrected_by"))
        connection.execute(sa.text("ALTER TABLE agent_run DROP COLUMN requested_by"))
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0004'"))
    store.close()

    reopened = Store(store.url)
    assert _version(reopened) == HEAD
    assert briefs.get(reopened, brief.id).corrected_by == ["sam", "lee"]
    assert "requested_by" in {c["name"] for c in sa.inspect(reopened.engine).get_columns("agent_run")}
    reopened.close()


def test_a_store_from_before_edit_rules_gets_them_from_the_reasons(store):
    tracked = store.record(make_document("A chatbot.", "We answer 90% of tickets.", "Plain.")).document
    staged = changesets.stage(store, tracked, [
        ProposedEdit("b1", "An AI support engineer.", reason="brief terms: chatbot → AI support engineer"),
        ProposedEdit("b2", "We answer 90% of tickets.", reason="retired claim: 90% (needs a person's rewrite)",
                     flag="90%"),
        ProposedEdit("b3", "Plainer.", reason="tone")], actor="agent:claude")
    by_hand = changesets.stage(store, tracked, [ProposedEdit("b3", "Mine.", reason="typo")], actor="lee")
    with store.engine.begin() as connection:  # back to the schema of revision 0005
        connection.execute(sa.text("ALTER TABLE edit DROP COLUMN rule"))
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))
    store.close()

    reopened = Store(store.url)
    assert _version(reopened) == HEAD
    assert [r.rule for r in changesets.edits(reopened, staged.id)] == [
        "chatbot → AI support engineer", "retired claim: 90%", "other edits"]
    assert [r.rule for r in changesets.edits(reopened, by_hand.id)] == [""]
    reopened.close()


def test_a_store_from_before_document_tools_takes_each_documents_source_for_its_tool(store):
    notion = store.record(make_document("One.")).document
    webflow = store.record(make_document("Two.", remote_id="c:i", source="webflow", kind="item")).document
    with store.engine.begin() as connection:  # back to the schema of revision 0008
        connection.execute(sa.text("ALTER TABLE document DROP COLUMN tool"))
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0008'"))
    store.close()

    reopened = Store(store.url)
    assert _version(reopened) == HEAD
    assert (reopened.document(notion.id).tool, reopened.document(webflow.id).tool) == ("notion", "webflow")
    reopened.close()
