"""A document a tool no longer has is one error class whichever tool says so: each sandbox
over real HTTP, through the real SDK, answers 404 for an id it never had."""

from __future__ import annotations

from typing import Iterator

import pytest

from connectors import errors
from connectors.document import DocumentRef
from connectors.gdocs import GDocsConnector, credentials_from
from connectors.notion import NotionConnector
from connectors.pacing import RetryPolicy
from connectors.protocol import Connector
from connectors.sandbox.gdocs import GDOCS_ROOT_FOLDER_ID
from connectors.sandbox.webflow import WEBFLOW_SITE_ID
from connectors.webflow import WebflowConnector
from tests.conftest import reset_sandboxes

NEVER_HAD = {
    "notion": DocumentRef(source="notion", remote_id="00000000-0000-4000-8000-000000000000", kind="page"),
    "gdocs": DocumentRef(source="gdocs", remote_id="1NoSuchDocumentNoSuchDocumentNoSuchDoc0", kind="document"),
    "webflow": DocumentRef(source="webflow", remote_id="item:63fe95809593bd04cf658cda:deadbeefdeadbeefdeadbeef",
                           kind="item"),
}


@pytest.fixture(params=sorted(NEVER_HAD))
def connector(request: pytest.FixtureRequest, sandbox_server) -> Iterator[Connector]:
    reset_sandboxes(sandbox_server)
    endpoint = next(e for e in sandbox_server.endpoints() if e.tool == request.param)
    retry = RetryPolicy(attempts=2, backoff=0.01, max_wait=0.1)
    built: Connector
    if request.param == "notion":
        built = NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=None, retry=retry)
    elif request.param == "gdocs":
        built = GDocsConnector(credentials_from(token=endpoint.token), base_url=endpoint.base_url,
                               folders=[GDOCS_ROOT_FOLDER_ID], rate=None, retry=retry)
    else:
        built = WebflowConnector(endpoint.token, base_url=endpoint.base_url, site_id=WEBFLOW_SITE_ID, rate=None,
                                 retry=retry)
    yield built
    built.close()


def test_a_document_the_tool_never_had_is_the_one_remote_not_found(connector):
    with pytest.raises(errors.CopydeskError) as caught:
        connector.fetch(NEVER_HAD[connector.source])
    error = caught.value
    assert type(error) is errors.RemoteNotFound
    assert isinstance(error, errors.NotFound) and isinstance(error, errors.RemoteError)
    assert error.status == 404 and not error.retryable and error.source == connector.source
