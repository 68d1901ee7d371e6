"""The answer path's latency over questions in patients' words, for an A/B of two commits on one machine.

    .venv/bin/python -m benchmarks.answer_ab                        # this checkout
    git worktree add /tmp/old <commit>                              # the other commit ...
    (cd /tmp/old && /work/main/.venv/bin/python -m benchmarks.answer_ab --corpus /work/shared/kb \\
        --questions /work/shared/eval/lay_dev.jsonl /work/main/tests/data/eval/lay_own.jsonl)

Run each side two or more times, alternating: the machine's speed drifts more than a small change costs. Each
question is answered once to warm the caches, then `--rounds` times; the figure is the median per question, then
the p50 and mean over questions, in ms (`Responder.respond` in one process: no HTTP, no JSON).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from service.answer.respond import Responder
from service.search.store import ensure_index

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = [REPO.parent / "shared" / "eval" / "lay_dev.jsonl",
                     REPO / "tests" / "data" / "eval" / "lay_own.jsonl"]


def questions(paths: list[Path]) -> list[str]:
    """Each line's question (a conversation's last turn, asked on its own)."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(row.get("question") or row["messages"][-1])
    return out


def measure(responder: Responder, asked: list[str], rounds: int) -> dict[str, float]:
    for question in asked:
        responder.respond(question)  # warm
    times: list[list[float]] = [[] for _ in asked]
    for _ in range(rounds):
        for k, question in enumerate(asked):
            start = time.perf_counter()
            responder.respond(question)
            times[k].append((time.perf_counter() - start) * 1000)
    medians = sorted(statistics.median(t) for t in times)
    return {"questions": len(medians), "p50_ms": medians[len(medians) // 2], "mean_ms": statistics.mean(medians)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "kb")
    parser.add_argument("--index-path", type=Path, default=None)
    parser.add_argument("--questions", type=Path, nargs="+", default=DEFAULT_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    index, _ = ensure_index(args.corpus, args.index_path, log=lambda _: None)
    result = measure(Responder(index), questions(args.questions), args.rounds)
    print(f"{REPO.name}: {result['questions']} questions, p50 {result['p50_ms']:.2f} ms, "
          f"mean {result['mean_ms']:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
