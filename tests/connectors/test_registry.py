"""The tool registry and the plug-ins it lists (connectors.registry, connectors/<tool>/plugin.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from connectors import registry
from connectors.errors import ConfigError


def test_an_unknown_tool_is_a_configuration_error_naming_the_known_ones():
    with pytest.raises(ConfigError, match="notion, gdocs, webflow"):
        registry.plugin("confluence")


def test_every_plugin_is_keyed_by_its_tool_and_its_settings_say_so():
    for tool, plugin in zip(registry.TOOLS, registry.plugins()):
        assert plugin.tool == tool
        assert plugin.settings().type == tool
        assert plugin.label and plugin.document_kinds and plugin.sandbox_token


def test_reading_the_registry_loads_no_vendor_sdk():
    """The plug-ins are what the CLI and the app read to name a tool: Google's and Webflow's
    SDKs take a second to import and must load only when a connector is built."""
    code = ("import sys; from connectors import registry; registry.plugins(); "
            "print(sorted(m for m in ('googleapiclient', 'webflow', 'notion_client') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_names_as_people_read_them():
    assert registry.labels() == "Notion, Google Docs and Webflow"
    assert registry.source_label("notion", "notion") == "Notion"
    assert registry.source_label("marketing", "notion") == "Notion (marketing)"
    assert registry.document_kind("webflow", "item") == "Webflow CMS item"
    assert registry.document_kind("gdocs", "document") == "Google Doc"
    assert registry.label("retired-tool") == "retired-tool"  # a stored record of an unregistered tool still reads


def test_capabilities_answer_what_staging_used_to_decide_by_name():
    notion, gdocs, webflow = (registry.capabilities(tool) for tool in ("notion", "gdocs", "webflow"))
    assert (notion.alignment, gdocs.alignment, webflow.alignment) == ("id", "text", "id")
    assert notion.edit_time_precision == timedelta(minutes=1) > gdocs.edit_time_precision
    assert (webflow.publishable, webflow.hand_written) == (True, True)
    assert not any(c.publishable or c.hand_written for c in (notion, gdocs))
    assert not any(c.can_suggest for c in (notion, gdocs, webflow))


def test_an_edit_time_is_floored_to_the_tools_precision():
    moment = datetime(2026, 3, 1, 12, 34, 56, 789123, tzinfo=UTC)
    assert registry.capabilities("notion").edit_time_floor(moment) == datetime(2026, 3, 1, 12, 34, tzinfo=UTC)
    assert registry.capabilities("gdocs").edit_time_floor(moment) == moment.replace(microsecond=789000)
    assert registry.capabilities("memory").edit_time_floor(moment) == moment, "exact times, not a division by zero"


def test_a_typed_id_is_tried_in_each_tools_stored_form():
    assert registry.remote_id_forms("3f1e2d3c000040008000000000000001") == {
        "3f1e2d3c000040008000000000000001", "3f1e2d3c-0000-4000-8000-000000000001"}
    assert registry.remote_id_forms("item:c1:i1") == {"item:c1:i1"}


def test_a_webflow_locale_page_declares_its_language_and_other_documents_do_not():
    from connectors.document import Document, DocumentRef

    page = Document(ref=DocumentRef(source="webflow", remote_id="page:p@l", kind="page"),
                    raw={"locale": {"tag": "fr-FR", "primary": False}})
    assert registry.capabilities("webflow").declared_language(page) == "fr"
    assert registry.capabilities("notion").declared_language(page) is None
    assert registry.capabilities("webflow").declared_language(page.model_copy(update={"raw": {}})) is None
