"""Safety routing time per message (a benchmark, not a timed test).

    .venv/bin/python -m benchmarks.routing [--repeat 5]

Routes every message of tests/data/red_flags.jsonl, ../shared/eval/red_flags_dev.jsonl, lay_dev.jsonl and
medquad_cancergov_dev.jsonl (those that exist) through service.answer.safety.route, and prints p50, p95 and
max microseconds per message for each set, with the ratio against the 1 ms target. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from service.answer.safety import default_rules, route

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"
TARGET_US = 1000.0
SETS = {
    "red_flags (own)": REPO / "tests" / "data" / "red_flags.jsonl",
    "red_flags_dev": EVAL / "red_flags_dev.jsonl",
    "lay_dev": EVAL / "lay_dev.jsonl",
    "medquad_dev": EVAL / "medquad_cancergov_dev.jsonl",
}


def messages(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.extend(row.get("messages") or [row["question"]])
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_messages(texts: list[str], repeat: int) -> list[float]:
    """Best of `repeat` runs per message, in microseconds (the least disturbed by other processes)."""
    best = [float("inf")] * len(texts)
    for _ in range(repeat):
        for i, text in enumerate(texts):
            started = time.perf_counter()
            route(text)
            best[i] = min(best[i], (time.perf_counter() - started) * 1e6)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    default_rules()  # loading and compiling the rules is a one-off cost, reported apart
    print(f"rules loaded in {(time.perf_counter() - started) * 1000:.1f} ms")
    print(f"{'set':<18}{'n':>6}{'p50 us':>10}{'p95 us':>10}{'max us':>10}{'p95/1ms':>10}")
    everything: list[float] = []
    for name, path in SETS.items():
        if not path.exists():
            continue
        times = time_messages(messages(path), args.repeat)
        everything += times
        p50, p95, worst = percentile(times, 0.5), percentile(times, 0.95), max(times)
        print(f"{name:<18}{len(times):>6}{p50:>10.0f}{p95:>10.0f}{worst:>10.0f}{p95 / TARGET_US:>10.2f}")
    if everything:
        p95 = percentile(everything, 0.95)
        print(f"{'all':<18}{len(everything):>6}{percentile(everything, 0.5):>10.0f}{p95:>10.0f}"
              f"{max(everything):>10.0f}{p95 / TARGET_US:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
