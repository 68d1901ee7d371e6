"""The abstention trade-off: in-scope questions answered against off-library questions answered.

    .venv/bin/python -m benchmarks.abstention [--corpus ../shared/kb]

For each coverage threshold (the share of the focus the best page must hold, `ResponderSettings.min_coverage`)
it answers the questions in patients' words (shared lay_dev and the project's own lay set) and the questions the
library does not cover (shared off_library_dev and the own off-library set), each in a fresh conversation, and
prints one Markdown row: in-scope answered, in-scope with the right page first, off-library answered. The other
abstention rules (unknown words, cancer context, a focus concept naming the page) stay on, as served.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IN_SCOPE = (SHARED / "eval" / "lay_dev.jsonl", REPO / "tests" / "data" / "eval" / "lay_own.jsonl")
OFF_LIBRARY = (SHARED / "eval" / "off_library_dev.jsonl", REPO / "tests" / "data" / "eval" / "off_library_own.jsonl")
THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def read(paths: tuple[Path, ...]) -> list[dict]:
    return [json.loads(line) for p in paths if p.is_file()
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "kb")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: no library at {args.corpus}")
        return 0
    from service.answer.respond import Responder, ResponderSettings
    from service.search.store import ensure_index

    index, _ = ensure_index(args.corpus)
    in_scope, off = read(IN_SCOPE), read(OFF_LIBRARY)
    chosen = ResponderSettings().min_coverage
    print(f"{len(in_scope)} in-scope questions, {len(off)} off-library questions; served threshold {chosen}")
    print("| coverage threshold | in-scope answered | in-scope, right page first | off-library answered |")
    print("| --- | --- | --- | --- |")
    for threshold in THRESHOLDS:
        responder = Responder(index, replace(ResponderSettings(), min_coverage=threshold))
        answered = right = 0
        for q in in_scope:
            reply = responder.respond(q["question"])
            urls = [(c.url or "").rstrip("/") for c in reply.citations]
            expected = {u.rstrip("/") for u in [q["expected_url"], *q.get("alt_urls", [])]}
            answered += bool(urls)
            right += bool(urls) and urls[0] in expected
        wrong = sum(1 for q in off if responder.respond(q["question"]).citations)
        mark = " (served)" if threshold == chosen else ""
        print(f"| {threshold}{mark} | {answered / len(in_scope):.3f} | {right / len(in_scope):.3f} "
              f"| {wrong} of {len(off)} ({wrong / len(off):.3f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
