"""What the cassette-authoring scripts (Google Docs, Webflow) share: checking the published
example bodies against the checksums their SOURCES.md gives, compact JSON, a journal that
records nothing, and the write-or `--check` command line."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Sequence


def sha16(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def checked_sources(table: dict[str, tuple[str, str]], examples: Path) -> dict[str, Any]:
    """name → the parsed body of `examples/<relative>`, refusing a file whose sha256[:16]
    is not the one recorded, so a changed example is looked at before it is used."""
    bodies: dict[str, Any] = {}
    for name, (relative, expected) in table.items():
        path = examples / relative
        actual = sha16(path)
        if actual != expected:
            raise SystemExit(f"{path} changed (sha256[:16] {actual}, SOURCES.md says {expected}); check it first.")
        bodies[name] = json.loads(path.read_text(encoding="utf-8"))
    return bodies


def serialise(body: Any) -> bytes:
    """Compact JSON in the source's key order (the published examples are pretty-printed)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class NullJournal:
    """The connectors' write journal, for scripts that only want the requests sent."""

    def intent(self, block_ids: Any, request: Any, previous: Any) -> None:
        pass

    def done(self, block_ids: Any) -> None:
        pass


def expect(error: type[Exception], call: Callable[[], Any]) -> None:
    try:
        call()
    except error:
        return
    raise AssertionError(f"expected {error.__name__}")


def main(doc: str, *, names: Sequence[str], render: Callable[[int, Any], str],
         bodies: Callable[[Path], Any], out: Path, root: Path, default_examples: Path) -> None:
    """Write every cassette (`render(index, bodies)`), or with `--check` compare them with
    the files on disk and exit 1 when one differs."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=Path, default=default_examples, help="the api-examples folder")
    parser.add_argument("--check", action="store_true", help="compare with the cassettes on disk, write nothing")
    args = parser.parse_args()
    sources = bodies(args.examples)
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    for index, name in enumerate(names):
        text = render(index, sources)
        path = out / f"{name}.yaml"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(root)} ({len(text.encode()):,} bytes)")
    if args.check:
        if stale:
            raise SystemExit(f"cassettes differ from what the script builds: {', '.join(stale)}")
        print(f"{len(names)} cassettes are what the script builds")
