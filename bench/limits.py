"""What a hostile file or remote value costs (not a test): time and peak memory.

- `propose --dry-run` (rules engine) on a store holding one 100,000-character block with no
  sentence end, in three shapes (prose, "a-a-a-…", one long word);
- reading a 1 MB-class .docx bomb (document.xml deflated ~1,000 times) as a brief, in a
  child process so its peak memory is its own.

    .venv/bin/python bench/limits.py
    .venv/bin/python bench/limits.py --inflated-mb 480   # the size from issue 14
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from connectors.document import Block, Document, DocumentRef, Span
from staging.agent import briefs
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "briefs" / "ai-support-engineer.md"
SHAPES = {"prose": "our team answers every question about the product ", "hyphens": "a-", "one word": "x"}


def propose_seconds(filler: str) -> float:
    text = (filler * (100_000 // len(filler)))[:100_000] + " the chatbot for your docs"
    doc = Document(ref=DocumentRef(source="notion", remote_id="long", kind="page", title="Long page"),
                   blocks=(Block(id="title", kind="title", text="Long page"),
                           Block(id="b1", kind="paragraph", text=text, spans=(Span(text=text),))))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        store.record(doc)
        brief, _ = briefs.add(store, read_brief_file(SAMPLE), source=SAMPLE.name, actor="bench")
        started = time.perf_counter()
        run = propose(store, brief, actor="bench", dry_run=True)
        seconds = time.perf_counter() - started
        store.close()
    assert run.skipped, "the long block was not found"
    return seconds


def bounded(seconds: int, measure, *args) -> float | str:
    """`measure(*args)`, or a note when it runs past `seconds` (the rest of the bench still runs)."""
    def stop(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return round(measure(*args), 3)
    except TimeoutError:
        return f"> {seconds} s"
    finally:
        signal.alarm(0)


def docx_bomb(inflated_mb: int) -> bytes:
    """A python-docx document whose document.xml is `inflated_mb` MB of short paragraphs."""
    import docx

    plain = io.BytesIO()
    docx.Document().save(plain)
    paragraph = b"<w:p><w:r><w:t>chatbot</w:t></w:r></w:p>"
    body = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body>' + paragraph * (inflated_mb * 1024 * 1024 // len(paragraph))
            + b"</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, body if entry.filename == "word/document.xml" else source.read(entry))
    return out.getvalue()


def read_in_child(path: Path) -> dict:
    """Read `path` as a brief in a fresh interpreter: seconds, peak RSS (MB) and the outcome."""
    code = ("import sys\nfrom pathlib import Path\nfrom connectors.errors import CopydeskError\n"
            "from staging.agent.brief import read_brief_file\n"
            "try:\n    print('read', len(read_brief_file(Path(sys.argv[1]))), 'characters')\n"
            "except CopydeskError as e:\n    print('refused:', e)\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    outcome = (done.stdout.strip() or done.stderr.strip().splitlines()[-1])[:160]
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak), "outcome": outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inflated-mb", type=int, default=48, help="document.xml size of the bomb (default 48)")
    args = parser.parse_args()
    report: dict = {"propose_dry_run_100k_seconds": {name: bounded(30, propose_seconds, f) for name, f in SHAPES.items()}}
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.docx"
        bomb.write_bytes(docx_bomb(args.inflated_mb))
        report["docx_bomb"] = {"file_kb": bomb.stat().st_size // 1024, "inflated_mb": args.inflated_mb,
                               **read_in_child(bomb)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
