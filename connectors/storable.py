"""Remote text the store can hold: what no encoder or database accepts is replaced, visibly.

A Notion block (or a Webflow field, or a Google Doc) can hand over a lone surrogate
(`"\\ud800"` in its JSON) or a NUL. Neither can be encoded as UTF-8 nor kept in a PostgreSQL
text column, so storing the page failed, and failed again on every later pull. Such
characters are replaced with U+FFFD at the normaliser boundary, and the block that held
them becomes read-only, its `readonly_reason` (and `attrs["unstorable"]`) saying why: its stored text is no
longer the remote's exact text, so copydesk must never write it back (an edit would
overwrite the original characters with U+FFFD). Storing with `surrogatepass` instead would
keep bytes that are not UTF-8 in the store, the search index and every screen; a person
gains nothing from them. Other odd but valid characters (U+FFFF, bidi marks, very long
lines) are kept as they are: they encode, and showing them safely is the renderers' job.
"""

from __future__ import annotations

import json
import re
from typing import Any

from connectors.document import Block, Document

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
_ESCAPED_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")  # JSON writes NUL as \u0000 (after an even run of backslashes)
REASON = ("Held characters that cannot be stored (a lone surrogate or NUL), shown as \ufffd: "
          "copydesk will not write it back; edit it in the tool")


def is_storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def cleaned(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text)


def storable(doc: Document) -> Document:
    """`doc` with every unstorable character replaced; blocks that held one are read-only."""
    if _is_storable_json(_dumped(doc.model_dump(mode="json"))):
        return doc
    blocks = tuple(_block(block) for block in doc.blocks)
    ref = doc.ref.model_copy(update={"title": cleaned(doc.ref.title), "url": cleaned(doc.ref.url),
                                     "parent": cleaned(doc.ref.parent), "edited_by": cleaned(doc.ref.edited_by)})
    return doc.model_copy(update={"ref": ref, "blocks": blocks, "raw": _cleaned_json(doc.raw)})


def _block(block: Block) -> Block:
    if _is_storable_json(_dumped(block.model_dump(mode="json"))):
        return block
    return Block.model_validate(_cleaned_json(block.model_dump(mode="json"))
                                | {"editable": False, "readonly_reason": REASON,
                                   "attrs": {**_cleaned_json(block.attrs), "unstorable": REASON}})


def _dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _is_storable_json(dumped: str) -> bool:
    return is_storable(dumped) and _ESCAPED_NUL.search(dumped) is None


def _cleaned_json(value: Any) -> Any:
    """`value` (JSON data) with its strings, keys included, cleaned: one pass over its text."""
    return json.loads(_ESCAPED_NUL.sub(r"\1" + REPLACEMENT, cleaned(_dumped(value))))
