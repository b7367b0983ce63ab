"""Agent evaluation (not a test): the rules engine against a hand-labelled set.

Pulls the seed workspace from the sandbox into a temporary store, adds the evaluation brief,
runs `propose`, and compares the blocks it edited with `fixtures/eval/<set>.json`:

- recall: labelled must-change blocks edited (target ≥ 0.95);
- precision: of the labelled blocks it edited, the share that were must-change;
- out-of-scope edits: must-not-change blocks edited (target 0);
- tokens that would go to a model (the matching passages of in-scope candidate blocks)
  against the whole corpus (target ≤ 5 %).

`--set hard-cases` scores single blocks instead (staging.agent.evaluation): other languages,
modifiers, compounds, headings, quotes, a/an, product names. It reports wrong substitutions
(target 0), flags raised where a substitution was expected (safe: a person looks), missed
substitutions or flags, and precision (right text changes among all made; target 1.0).

    .venv/bin/python bench/agent.py
    .venv/bin/python bench/agent.py --set tagline --json
    .venv/bin/python bench/agent.py --set hard-cases
"""

from __future__ import annotations

import argparse
import json
import tempfile
from contextlib import closing
from pathlib import Path

from connectors.notion import NotionConnector
from connectors.sandbox.server import SandboxServer
from staging import changesets
from staging.agent import briefs, evaluation
from staging.agent.brief import read_brief_file
from staging.agent.propose import propose
from staging.pull import pull
from staging.store import Store

EVAL = Path(__file__).resolve().parents[1] / "fixtures" / "eval"


def resolve(store: Store, label: dict) -> tuple[str, str]:
    """(document id, block id) of the one block a label names; fails loudly on a bad label."""
    tracked = [d for d in store.documents() if d.title == label["page"]]
    if len(tracked) != 1:
        raise SystemExit(f"label names page {label['page']!r}, found {len(tracked)}")
    doc = store.load(changesets.revision_of(store, tracked[0].head_revision_id or ""))
    blocks = [b for b in doc.blocks if label["contains"] in b.text and b.kind == label.get("kind", b.kind)]
    if len(blocks) != 1:
        raise SystemExit(f"label {label} matches {len(blocks)} blocks")
    return tracked[0].id, blocks[0].id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="tagline", help="evaluation set in fixtures/eval/: tagline (default, the seed workspace) or hard-cases")
    parser.add_argument("--json", action="store_true", help="print only the JSON report")
    args = parser.parse_args()
    if args.set == "hard-cases":
        hard_cases(args.json)
        return
    labels = json.loads((EVAL / f"{args.set}.json").read_text(encoding="utf-8"))

    with SandboxServer(0, rate_limited=False) as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = server.endpoints()[0]
        store = Store(f"sqlite:///{tmp}/eval.db")
        with closing(NotionConnector(endpoint.token, base_url=endpoint.base_url, rate=None)) as connector:
            pull(store, connector, full=True)
        brief, _ = briefs.add(store, read_brief_file(EVAL / labels["brief"]), source=labels["brief"], actor="bench")
        run = propose(store, brief, actor="bench")
        edited = {(changesets.get(store, c).document_id, e.block_id)
                  for c in run.staged for e in changesets.to_write(store, c)}
        must_by_label = {label["contains"]: resolve(store, label) for label in labels["must_change"]}
        must, must_not = set(must_by_label.values()), {resolve(store, label) for label in labels["must_not_change"]}
        store.close()

    labelled_edits = edited & (must | must_not)
    report = {
        "set": args.set,
        "must_change": len(must),
        "must_not_change": len(must_not),
        "edited_blocks": len(edited),
        "recall": round(len(edited & must) / len(must), 3),
        "precision": round(len(edited & must) / len(labelled_edits), 3) if labelled_edits else None,
        "out_of_scope_edits": len(edited & must_not),
        "unlabelled_edits": len(edited - must - must_not),
        "missed": sorted(text for text, key in must_by_label.items() if key not in edited),
        "candidate_tokens": run.candidate_tokens,
        "corpus_tokens": run.corpus_tokens,
        "candidate_share": round(run.candidate_tokens / run.corpus_tokens, 4) if run.corpus_tokens else None,
        "rejected": len(run.rejected),
        "targets": {"recall": 0.95, "out_of_scope_edits": 0, "candidate_share": 0.05},
    }
    print(json.dumps(report, indent=2))
    if not args.json:
        print(f"\nrecall {report['recall']:.3f} (target ≥ 0.95), precision {report['precision']}, "
              f"out-of-scope edits {report['out_of_scope_edits']} (target 0), "
              f"tokens to a model {report['candidate_share']:.1%} of the corpus (target ≤ 5 %)")


def hard_cases(quiet: bool) -> None:
    brief, cases = evaluation.load(EVAL / "hard-cases.json")
    report = evaluation.report([evaluation.score(brief, case) for case in cases])
    report["targets"] = {"wrong": 0, "precision": 1.0}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if not quiet:
        print(f"\n{report['cases']} hard cases: {report['right']} right, wrong substitutions {report['wrong']} "
              f"(target 0), {report['flagged']} flagged where a substitution was expected (safe), "
              f"{report['missed']} missed; precision {report['precision']} over {report['substitutions_made']} "
              "text changes (target 1.0)")


if __name__ == "__main__":
    main()
