"""The app's pages driven by Streamlit's AppTest, on a store seeded from the sandbox over
real HTTP: pulled, the sample brief added and proposed by the rules engine."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from connectors.document import Document, DocumentRef
from connectors.protocol import Connector
from staging import changesets
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.config import Settings, load_settings
from staging.models import Changeset
from staging.store import Store

REPO = Path(__file__).resolve().parents[3]
SAMPLE_BRIEF = REPO / "fixtures" / "briefs" / "ai-support-engineer.md"
REVIEWER = "priya"
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation


@dataclass
class Workspace:
    """What a test needs around the app: the store it shows, the settings, the sandbox."""

    store: Store
    settings: Settings
    sandbox: object
    connectors: dict[str, Connector] = field(default_factory=dict)

    def connector(self, name: str) -> Connector:
        """The source's connector, built once and closed when the test ends."""
        if name not in self.connectors:
            self.connectors[name] = self.settings.connector(name)
        return self.connectors[name]

    def close(self) -> None:
        for connector in self.connectors.values():
            connector.close()
        self.store.close()

    def changeset_for(self, title: str, status: str = "proposed") -> Changeset:
        document = self.store.find_documents(title=title)[0]
        return next(c for c in changesets.listing(self.store, status=status) if c.document_id == document.id)

    def remote(self, changeset: Changeset) -> Document:
        """The document as its tool serves it now, read over HTTP, not from the store."""
        tracked = self.store.document(changeset.document_id)
        return self.connector(tracked.source).fetch(
            DocumentRef(source=tracked.source, remote_id=tracked.remote_id, kind=tracked.kind, title=tracked.title))


@pytest.fixture
def workspace(pulled_workdir, sandbox, monkeypatch) -> Iterator[Workspace]:
    """A pulled sandbox workspace (Notion, Google Docs, Webflow) with no brief yet. The app
    runs on loopback, so the person acting is the local identity, COPYDESK_ACTOR: priya, who
    did not write the agent's changesets and so may approve them."""
    monkeypatch.setenv("COPYDESK_ACTOR", REVIEWER)
    settings = load_settings(pulled_workdir / "copydesk.toml")
    opened = Workspace(Store(settings.store_url), settings, sandbox)
    yield opened
    opened.close()
    st.cache_resource.clear()


@pytest.fixture
def proposed(workspace) -> Workspace:
    """The workspace with the sample brief proposed: about twenty changesets in the queue."""
    brief, _ = briefs.add(workspace.store, read_brief_file(SAMPLE_BRIEF), source=SAMPLE_BRIEF.name, actor="test")
    propose(workspace.store, brief, actor="rules")
    return workspace


@pytest.fixture
def empty(workdir, monkeypatch) -> Iterator[None]:
    """A configured workspace that has never pulled."""
    monkeypatch.setenv("COPYDESK_ACTOR", REVIEWER)
    yield
    st.cache_resource.clear()


def page(name: str, **query: str) -> AppTest:
    """One page of the app, run once (as a browser opening its URL would)."""
    app = AppTest.from_string(f"from ui.web import {name}\n{name}.render()", default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def texts(app: AppTest, kind: str) -> list[str]:
    """What a reader sees in each element of `kind`: its Markdown's backslash escapes resolved
    and the zero-width word joiners that stop autolinks dropped (the pages escape every title,
    name and message, see staging/literal.py)."""
    return [_MARKDOWN_ESCAPE.sub(r"\1", element.value).replace("\u2060", "") for element in getattr(app, kind)]


def sources(app: AppTest, kind: str) -> list[str]:
    """The Markdown source each element of `kind` hands the browser, escapes and all."""
    return [element.value for element in getattr(app, kind)]


def still_true(store: Store, changeset_id: int) -> dict[str, str]:
    """A reviewer's dismissal of every flag of the changeset nobody settled yet."""
    return {r.block_id: "the claim is still true here" for r in changesets.edits(store, changeset_id)
            if changesets.unresolved(r)}


def approve_settled(store: Store, changeset_id: int) -> None:
    """Approved by "someone", who read it and dismissed every flag still open as still true."""
    changesets.approve(store, changeset_id, actor="someone", dismissed=still_true(store, changeset_id))


def settle_flags(app: AppTest, store: Store, changeset_id: int) -> AppTest:
    """Dismiss, on the opened changeset's page, every flag nobody settled yet, with a reason."""
    for block_id, reason in still_true(store, changeset_id).items():
        app.radio(key=f"choice-{changeset_id}-{block_id}").set_value("Dismiss flag").run()
        app.text_input(key=f"dismiss-{changeset_id}-{block_id}").set_value(reason).run()
    return app


def no_traceback(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app
