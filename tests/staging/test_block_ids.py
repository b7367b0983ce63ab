"""Block ids as a reviewer reads and types them: what staging shows is what it accepts back."""

from __future__ import annotations

import pytest

from staging.block_ids import matching, short_id, short_ids

NOTION = ["1b2c3d4e-0001-4000-8000-000000000001", "1b2c3d4e-0002-4000-8000-000000000002",
          "9f8e7d6c-0001-4000-8000-000000000003"]
WEBFLOW = ["field:name", "field:post-body:1", "field:post-body:2", "field:post-body:12", "field:post-summary"]


def test_uuids_are_shown_by_their_first_eight_characters_until_two_share_them():
    shown = short_ids(NOTION)
    assert shown[NOTION[2]] == "9f8e7d6c"
    assert shown[NOTION[0]] == "1b2c3d4e-0001" and shown[NOTION[1]] == "1b2c3d4e-0002"


def test_webflow_fields_are_told_apart_where_a_fixed_prefix_would_not():
    shown = short_ids(WEBFLOW)
    assert shown == {"field:name": "field:na", "field:post-body:1": "field:post-body:1",
                     "field:post-body:2": "field:post-body:2", "field:post-body:12": "field:post-body:12",
                     "field:post-summary": "field:post-s"}
    assert len({block[:8] for block in WEBFLOW}) < len(WEBFLOW)  # what the fixed 8 characters got wrong


@pytest.mark.parametrize("ids", [NOTION, WEBFLOW, ["p1", "p12", "h.abc"]], ids=["notion", "webflow", "short"])
def test_every_shown_id_names_its_block_and_no_other(ids):
    for block_id in ids:
        assert matching(short_id(block_id, ids), ids) == [block_id]


def test_an_id_that_starts_another_is_named_by_its_whole_self():
    assert short_id("field:post-body:1", WEBFLOW) == "field:post-body:1"
    assert matching("field:post-body:1", WEBFLOW) == ["field:post-body:1"]


def test_a_shared_prefix_names_every_block_that_starts_with_it():
    assert matching("field:po", WEBFLOW) == WEBFLOW[1:]
    assert matching("nope", WEBFLOW) == []


def test_an_id_shorter_than_eight_characters_is_shown_whole():
    assert short_ids(["p1", "p2"]) == {"p1": "p1", "p2": "p2"}
