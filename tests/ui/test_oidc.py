"""The review app behind Streamlit's own OIDC login, for real: a local OpenID Connect provider
(oidc-provider-mock) in this process, `copydesk ui` with [app] auth = "oidc", and Chromium
signing in through the provider's authorization page. Nobody types a name into the app; the
identity is the e-mail the provider vouches for."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.ui.browsing import screenshot_on_failure, visitor
from tests.ui.served import free_port, serving

oidc_provider_mock = pytest.importorskip("oidc_provider_mock", reason="pip install -e '.[test]'")
# The mock provider runs on Authlib's deprecated `jose` module; its warnings are not ours.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(workdir: Path, provider: str) -> Iterator[str]:
    """`copydesk ui` on loopback with [app] auth = "oidc" and an [auth] section naming the provider."""
    port = free_port()
    url = f"http://localhost:{port}"
    with (workdir / "copydesk.toml").open("a") as config:
        config.write('\n[app]\nauth = "oidc"\n')
    (workdir / ".streamlit").mkdir()
    (workdir / ".streamlit" / "secrets.toml").write_text(
        f'[auth]\nredirect_uri = "{url}/oauth2callback"\ncookie_secret = "a-test-cookie-secret-of-some-length"\n'
        f'client_id = "copydesk"\nclient_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    with serving(workdir, "ui-oidc.log", port=port):
        yield url


def test_a_visitor_signs_in_with_the_provider_and_acts_as_that_identity(browser: Browser, oidc_app: str):
    page = visitor(browser, {})
    with screenshot_on_failure(page):
        page.goto(oidc_app)
        expect(page.get_by_text("Sign in to review changesets.")).to_be_visible()
        expect(page.get_by_role("heading", name="Review queue")).to_have_count(0)
        page.get_by_role("button", name="Sign in").click()
        page.locator("input[name=sub]").fill("priya@example.com")
        page.get_by_role("button", name="Authorize").click()
        expect(page.get_by_text("priya@example.com (publisher)")).to_be_visible()
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        expect(page.get_by_role("textbox", name="Your name")).to_have_count(0)
