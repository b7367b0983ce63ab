"""Shared fixtures: a real sandbox over loopback HTTP, and the store on SQLite and PostgreSQL.

The PostgreSQL half runs when COPYDESK_TEST_POSTGRES_URL names a server (`make test` starts one
when PostgreSQL is installed: scripts/with-postgres.sh); under CI=true a missing server is an
error, not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Iterator, TypeVar

import httpx
import pytest
from sqlalchemy import create_engine, text

from connectors.gdocs import GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.protocol import Connector
from connectors.sandbox.admin import SandboxAdminClient
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.server import SandboxServer
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from staging.store import Store

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("COPYDESK_TEST_POSTGRES_URL", "")
C = TypeVar("C", bound=Connector)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may depend on a token or setting from the developer's shell."""
    for name in list(os.environ):
        if name.startswith("COPYDESK_") or name in {"NOTION_TOKEN"}:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(0, rate_limited=False) as server:
        yield server


def reset_sandboxes(server: SandboxServer) -> None:
    """Every tool's sandbox back to its seed workspace, with no rate limit."""
    for endpoint in server.endpoints():
        httpx.post(f"{endpoint.base_url}/_sandbox/reset", json={}, timeout=30).raise_for_status()
        httpx.post(f"{endpoint.base_url}/_sandbox/rate_limit", json={"enabled": False}, timeout=30).raise_for_status()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[SandboxAdmin]:
    """The Notion sandbox's admin, with every tool's sandbox reset to its seed workspace, no
    rate limit and no faults (a configured working directory pulls them all)."""
    reset_sandboxes(sandbox_server)
    endpoints = sandbox_server.endpoints()
    admin = SandboxAdmin(endpoints[0].base_url, endpoints[0].token)
    yield admin
    for endpoint in endpoints:
        httpx.post(f"{endpoint.base_url}/_sandbox/faults", json={"clear": True}, timeout=30)
    admin.close()


class ClosingAdmin(SandboxAdminClient):
    """A sandbox's admin client that closes, when its fixture ends, every connector a test
    had it build (a test uses them freely, as many as it likes)."""

    def __init__(self, base_url: str, token: str = "", timeout: float = 30) -> None:
        super().__init__(base_url, token, timeout)
        self._built: list[Connector] = []

    def built(self, connector: C) -> C:
        self._built.append(connector)
        return connector

    def close(self) -> None:
        for connector in self._built:
            connector.close()
        self._built.clear()
        super().close()


class SandboxAdmin(ClosingAdmin):
    """Drives the Notion sandbox's admin API over HTTP, as a test or a demo would."""

    def connector(self, **overrides) -> NotionConnector:
        options = {"base_url": self.base_url, "rate": None, "page_size": 100,
                   "retry": RetryPolicy(attempts=4, backoff=0.01, max_wait=0.5)} | overrides
        return self.built(NotionConnector(self.token, **options))


# The modules whose claims are about the database itself (the store's contract, migrations,
# search's SQL, leases, claims and compare-and-swap between processes): their tests take the
# `store` on SQLite and on PostgreSQL. Every other test's store is SQLite, since running it
# again on PostgreSQL would prove nothing more and double the PostgreSQL half's time.
BOTH_DATABASES = {
    "tests.staging.test_store", "tests.staging.test_migrations", "tests.staging.test_search",
    "tests.staging.test_pull", "tests.staging.test_lifecycle", "tests.staging.test_refusals",
    "tests.staging.test_schedule", "tests.staging.test_sources", "tests.staging.test_source_identity",
    "tests.staging.test_workspace", "tests.staging.test_crash_safety",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store" in metafunc.fixturenames and metafunc.module.__name__ in BOTH_DATABASES:
        metafunc.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                             indirect=True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store at the migrations' head, made once per test process: a test's
    store starts as a copy of it instead of running every migration again."""
    database = tmp_path_factory.mktemp("migrated") / "copydesk.db"
    Store(f"sqlite:///{database}").close()
    return database


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path) -> Iterator[Store]:
    """A new, empty store: SQLite, or the one a test's module is parametrised with
    (BOTH_DATABASES; team mode's PostgreSQL)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        database = tmp_path / "copydesk.db"
        shutil.copyfile(migrated_sqlite, database)
        store = Store(f"sqlite:///{database}")
        yield store
        store.close()
        return
    yield from _postgres_store()


def _postgres_store() -> Iterator[Store]:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI=true but COPYDESK_TEST_POSTGRES_URL is not set: run the tests with `make test`.")
        pytest.skip("COPYDESK_TEST_POSTGRES_URL not set (`make test` sets it when PostgreSQL is installed)")
    database = f"copydesk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}"
    store = Store(url)
    try:
        yield store
    finally:
        store.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


BATCH_UPDATE = "POST /v1/documents/{id}:batchUpdate"


class GdocsSandbox(ClosingAdmin):
    """The gdocs sandbox's admin API, its raw Docs API, and connectors pointed at it."""

    def writes(self) -> int:
        return self.routes().get(BATCH_UPDATE, 0)

    def document(self, document_id: str) -> dict:
        """documents.get as Google answers it, less the revision id (new after every write)."""
        response = self.http.get(f"{self.base_url}/v1/documents/{document_id}",
                                 headers={"Authorization": f"Bearer {self.token}"})
        response.raise_for_status()
        return {k: v for k, v in response.json().items() if k != "revisionId"}

    def connector(self, **overrides) -> GDocsConnector:
        options = {"base_url": self.base_url, "folders": [GDOCS_ROOT_FOLDER_ID], "rate": None,
                   "retry": RetryPolicy(attempts=4, backoff=0.01, max_wait=0.2)} | overrides
        return self.built(GDocsConnector(credentials_from(token=options.pop("token", self.token)), **options))


@pytest.fixture
def gdocs(sandbox_server) -> Iterator[GdocsSandbox]:
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "gdocs")
    sandbox = GdocsSandbox(endpoint.base_url, endpoint.token)
    sandbox.post("reset")
    yield sandbox
    sandbox.post("faults", {"clear": True})
    sandbox.close()


class WebflowAdmin(ClosingAdmin):
    """The webflow sandbox's admin API, its raw Data API, and connectors pointed at it."""

    def response(self, path: str) -> httpx.Response:
        """GET /v2`path` as Webflow answers it, whatever the status."""
        return self.http.get(f"{self.base_url}/v2{path}", headers={"Authorization": f"Bearer {self.token}"})

    def get(self, path: str) -> dict:
        response = self.response(path)
        response.raise_for_status()
        return response.json()

    def connector(self, **overrides) -> WebflowConnector:
        options = {"base_url": self.base_url, "site_id": WEBFLOW_SITE_ID, "rate": None,
                   "retry": RetryPolicy(attempts=3, backoff=0.01, max_wait=0.2)} | overrides
        return self.built(WebflowConnector(options.pop("token", self.token), **options))


@pytest.fixture
def webflow(sandbox_server) -> Iterator[WebflowAdmin]:
    """The webflow sandbox, reset to its seed with no rate limit; its faults cleared afterwards."""
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == "webflow")
    admin = WebflowAdmin(endpoint.base_url, endpoint.token)
    admin.post("reset")
    admin.post("rate_limit", {"enabled": False})
    yield admin
    admin.post("faults", {"clear": True})
    admin.close()
