"""A judged check of answers (issue 12): question, answer and cited sections, for a reader to grade.

    .venv/bin/python -m benchmarks.judge_sample --corpus ../shared/kb ../shared/eval/lay_dev.jsonl \
        --out benchmarks/results/judge_lay_dev.md
    .venv/bin/python -m benchmarks.judge_sample --corpus ../shared/kb tests/data/eval/lay_own.jsonl \
        --sample 60 --seed 12 --out benchmarks/results/judge_lay_own_60.md

Each question is asked in a fresh conversation (or the line's `messages` in order) through the same
Responder the API uses. The Markdown file lists, per question, the answer exactly as a patient reads it
(the service's own opening line, then the quoted sentences with their source numbers and bullets), the
cited sections, the related reading and the suggestions, and a grade line for the reader:
"Answers the question: yes / partly / no". The reader should not have seen the code. A JSON file with the
same content is written beside it (same name, .json) so that grades can be added and counted.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from service.answer.respond import Responder
from service.search.store import ensure_index

GRADE_LINE = "**Answers the question:** ☐ yes ☐ partly ☐ no — note:"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_lines(reply: dict) -> list[str]:
    """The answer as shown: intro, then sentences (list items as bullets) with their source numbers."""
    lines: list[str] = []
    if reply["kind"] != "answer":
        lines.append(f"> _({reply['kind']})_ {reply['text']}")
    elif reply.get("intro"):
        lines.append(f"> _{reply['intro']}_")
    paragraph: list[str] = []
    for s in reply["sentences"]:
        piece = f"{s['text']} [{s['citation']}]"
        if s.get("item"):
            if paragraph:
                lines.append("> " + " ".join(paragraph))
                paragraph = []
            lines.append(f"> - {piece}")
        else:
            paragraph.append(piece)
    if paragraph:
        lines.append("> " + " ".join(paragraph))
    return lines


def run(corpus: Path, questions: Path, sample: int | None, seed: int) -> list[dict]:
    index, _ = ensure_index(corpus, None, log=lambda m: None)
    responder = Responder(index)
    rows = load(questions)
    if sample and sample < len(rows):
        rows = sorted(random.Random(seed).sample(rows, sample), key=lambda r: r.get("id", ""))
    out = []
    for row in rows:
        messages = row.get("messages") or [row["question"]]
        cid = None
        for m in messages:
            reply = responder.respond(m, cid).to_dict()
            cid = reply["conversation_id"]
        out.append({"id": row.get("id", ""), "messages": messages, "reply": reply, "grade": None, "note": ""})
    return out


def markdown(items: list[dict], title: str, command: str) -> str:
    lines = [f"# Judged answers: {title}", "",
             f"{len(items)} questions. Made with `{command}`.", "",
             "For each question, read the answer as a patient would and tick one: **yes** (it answers what was",
             "asked), **partly** (on topic but misses the point or part of it), **no** (does not answer it, or",
             "answers something else). The cited sections are where each numbered sentence was copied from.", ""]
    for i, item in enumerate(items, 1):
        reply = item["reply"]
        lines.append(f"## {i}. {item['id']}")
        lines.append("")
        for m in item["messages"][:-1]:
            lines.append(f"Earlier in the conversation: “{m}”")
        lines.append(f"**Question:** {item['messages'][-1]}")
        lines.append("")
        lines += answer_lines(reply)
        lines.append("")
        for c in reply["citations"]:
            lines.append(f"- [{c['n']}] {c['title']} › {c['section']} ({c['url'] or 'no address'})")
        if reply.get("related"):
            lines.append("- Related reading: " + "; ".join(f"{r['title']} ({r['reason']})" for r in reply["related"]))
        if reply.get("suggestions"):
            lines.append("- You could also ask: " + " | ".join(reply["suggestions"]))
        lines.append("")
        lines.append(GRADE_LINE)
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("questions", type=Path)
    p.add_argument("--corpus", type=Path, default=Path("../shared/kb"))
    p.add_argument("--sample", type=int, default=None, help="a seeded sample of this many questions")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--out", type=Path, required=True, help="the Markdown file (a .json is written beside it)")
    args = p.parse_args(argv)
    items = run(args.corpus, args.questions, args.sample, args.seed)
    sample = f" --sample {args.sample} --seed {args.seed}" if args.sample else ""
    command = (f".venv/bin/python -m benchmarks.judge_sample --corpus {args.corpus} {args.questions}{sample} "
               f"--out {args.out}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(items, args.questions.stem, command), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    print(f"{len(items)} questions -> {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
