"""ARCHITECTURE.md cannot go stale silently: every path it names in backticks exists, and its
lifecycle table is `staging.lifecycle.TRANSITIONS`, row for row.

A path is a backticked token made of path characters that holds a `/` or ends in a file
suffix; `<tool>` in one stands for every registered tool, so a template names real files too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from connectors.registry import TOOLS
from staging.lifecycle import TRANSITIONS, Status

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "ARCHITECTURE.md"
_PATH = re.compile(r"[\w.*<>/-]+")
_SUFFIX = re.compile(r"\.(py|md|toml|json|yaml|sh|mako)$")


def named_paths(text: str) -> set[str]:
    """The repository paths `text` names in backticks, templates expanded for each tool."""
    found = set()
    for token in re.findall(r"`([^`\n]+)`", text):
        if not _PATH.fullmatch(token) or not ("/" in token or _SUFFIX.search(token)):
            continue
        if token.startswith("/") or "<" in token.replace("<tool>", ""):
            continue  # a URL path on a sandbox (`/<tool>`, `<base>/_sandbox/`), not a file
        found |= {token.replace("<tool>", tool) for tool in TOOLS} if "<tool>" in token else {token}
    return found


def missing_paths(text: str, root: Path) -> list[str]:
    return sorted(path for path in named_paths(text) if not list(root.glob(path)))


def drawn_transitions(text: str) -> dict[tuple[str, str], set[str]]:
    """(action, from) → the statuses the doc's `| action | from | to |` table says it reaches."""
    table = text.split("| action | from | to |", 1)[1].split("\n\n", 1)[0]
    moves: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in table.splitlines()[2:]:
        action, starts, ends = (cell.strip() for cell in row.strip("|").split("|"))
        for start in starts.split(", "):
            moves[action, start] |= set(ends.split(", "))
    return dict(moves)


def test_every_path_the_doc_names_exists():
    missing = missing_paths(DOC.read_text(encoding="utf-8"), ROOT)
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_the_path_check_finds_a_missing_path_and_expands_tool_templates(tmp_path):
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "store.py").touch()
    text = "`staging/store.py`, `staging/gone.py`, `connectors/<tool>/plugin.py`, `HEAD~1`, `<base>/_sandbox/`"
    assert missing_paths(text, tmp_path) == sorted(["staging/gone.py"] + [f"connectors/{t}/plugin.py" for t in TOOLS])


def test_the_lifecycle_table_is_the_transition_table():
    expected = {(str(action), str(start)): {str(end) for end in ends}
                for action, moves in TRANSITIONS.items() for start, ends in moves.items()}
    assert drawn_transitions(DOC.read_text(encoding="utf-8")) == expected


def test_the_doc_names_every_status():
    text = DOC.read_text(encoding="utf-8")
    assert [s for s in Status if s.value not in text] == []
