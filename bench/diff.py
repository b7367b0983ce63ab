"""Diff benchmark (not a test): a 50-page document (≈25,000 words) with 1 % of its words changed.

Times, as the median of several runs:
1. `diff_documents` aligned by block id (Notion, Webflow)      target < 100 ms
2. `diff_documents` aligned by text (Google Docs paragraphs, no stable ids)
3. `diff_words` over the whole text as one block (the worst case)

    .venv/bin/python bench/diff.py
    .venv/bin/python bench/diff.py --words 50000 --changed 0.02
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from typing import Callable

from connectors.document import Block, Document, DocumentRef
from staging.diff import diff_documents, diff_words, summary

VOCABULARY = (
    "the a our your team support answers docs help center customers tickets faster setup minutes hour "
    "chatbot assistant integration pricing plan starter pro enterprise security uptime onboarding guide "
    "widget script tag knowledge base articles search accurate replies agents escalate handoff analytics "
    "dashboard weekly report trial seats billing invoice annual monthly discount migrate import export"
).split()


def synthetic_document(words: int, per_block: int, rng: random.Random) -> Document:
    blocks = []
    for n in range(0, words, per_block):
        text = " ".join(rng.choice(VOCABULARY) for _ in range(min(per_block, words - n))) + "."
        blocks.append(Block(id=f"b{n // per_block:05d}", kind="paragraph", text=text))
    return Document(ref=DocumentRef(source="notion", remote_id="bench", kind="page", title="Bench"), blocks=tuple(blocks))


def change_words(doc: Document, fraction: float, rng: random.Random) -> Document:
    """Replace, insert or delete `fraction` of the words, spread over random blocks."""
    blocks = [list(b.text.split(" ")) for b in doc.blocks]
    total = sum(len(words) for words in blocks)
    for _ in range(round(total * fraction)):
        words = rng.choice(blocks)
        at = rng.randrange(len(words))
        action = rng.choice(("replace", "insert", "delete"))
        if action == "replace":
            words[at] = rng.choice(VOCABULARY)
        elif action == "insert":
            words.insert(at, rng.choice(VOCABULARY))
        elif len(words) > 1:
            del words[at]
    return doc.model_copy(update={"blocks": tuple(b.model_copy(update={"text": " ".join(w)})
                                                  for b, w in zip(doc.blocks, blocks))})


def median_ms(fn: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=25_000, help="words in the document (default 25,000)")
    parser.add_argument("--per-block", type=int, default=25, help="words per paragraph (default 25)")
    parser.add_argument("--changed", type=float, default=0.01, help="fraction of words changed (default 0.01)")
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement; the median is reported")
    args = parser.parse_args()

    rng = random.Random(7)
    old = synthetic_document(args.words, args.per_block, rng)
    new = change_words(old, args.changed, rng)
    counts = summary(diff_documents(old, new))
    whole_old, whole_new = old.text, new.text
    results = {
        "words": args.words,
        "blocks": len(old.blocks),
        "changed_fraction": args.changed,
        "blocks_changed": counts["changed"],
        "by_id_ms": round(median_ms(lambda: diff_documents(old, new), args.runs), 1),
        "by_text_ms": round(median_ms(lambda: diff_documents(old, new, by="text"), args.runs), 1),
        "one_block_ms": round(median_ms(lambda: diff_words(whole_old, whole_new), max(1, args.runs // 2)), 1),
        "target_by_id_ms": 100,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    results["by_id_within_target"] = results["by_id_ms"] < results["target_by_id_ms"]
    print(json.dumps(results, indent=2))
    print(f"\n{results['words']:,} words in {results['blocks']} blocks, {args.changed:.0%} changed "
          f"({results['blocks_changed']} blocks):")
    print(f"  by block id      {results['by_id_ms']:8.1f} ms   (target < 100 ms)")
    print(f"  by text          {results['by_text_ms']:8.1f} ms")
    print(f"  as one block     {results['one_block_ms']:8.1f} ms")
    print(f"(median of {args.runs} runs, {max(1, args.runs // 2)} as one block; "
          f"Python {results['python']}, {platform.machine()}, {results['cpus']} CPUs)")


if __name__ == "__main__":
    main()
