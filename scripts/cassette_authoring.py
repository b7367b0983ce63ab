"""What the cassette-authoring scripts (Google Docs, Webflow) share: checking the published
example bodies against the checksums their SOURCES.md gives, compact JSON, a journal that
records nothing, the planned answers and the cassette file they become, and the write-or
`--check` command line."""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml


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


@dataclass
class Interaction:
    """One planned answer: its status, body, extra headers and the published source the
    body came from (named in the cassette's header comment); `request` is what the
    connector sent, kept as it is answered."""

    status: int
    body: Any
    source: str
    headers: dict[str, str] = field(default_factory=dict)
    request: dict[str, Any] | None = None

    def response_headers(self, content_type: str) -> dict[str, str]:
        return {"Content-Type": content_type, "Content-Length": str(len(serialise(self.body))), **self.headers}


def cassette_text(answers: Sequence[Interaction], *, about: str, provenance: Sequence[str], host: str,
                  reasons: dict[int, str], content_type: str, source_line: Callable[[str], str],
                  changed_line: Callable[[str], str]) -> str:
    """A vcrpy cassette of the answered interactions, under a comment saying what it shows
    (`about`), how it was built (`provenance`) and, per interaction, where its body comes
    from and what was changed in it."""
    interactions = [{"request": answer.request,
                     "response": {"status": {"code": answer.status, "message": reasons[answer.status]},
                                  "headers": {k: [v] for k, v in answer.response_headers(content_type).items()},
                                  "body": {"string": serialise(answer.body).decode("utf-8")}}}
                    for answer in answers]
    lines = [f"# {about}.", *provenance, "# Interactions:"]
    for number, answer in enumerate(answers):
        request = answer.request or {}
        path = request.get("uri", "").split("?")[0].split(host, 1)[-1]
        lines.append(f"#   [{number}] {request.get('method')} {path}  ->  {answer.status}")
        lines.append(f"#       body: {source_line(answer.source)}")
        lines.append(f"#       changed: {changed_line(answer.source)}")
    text = yaml.safe_dump({"interactions": interactions, "version": 1}, allow_unicode=True, sort_keys=False,
                          width=float("inf"))
    return "\n".join(lines) + "\n" + text


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
