"""Where the time and the memory go, for the README's analysis of missed targets.

    python -m benchmarks.profile memory --index FILE     # RSS after each step that load_index takes
    python -m benchmarks.profile cpu --index FILE        # pyinstrument over index.search for the questions

`memory` replays service.search.store.load_index step by step (same calls, same order) and prints the RSS
after each, so the peak of a serving process can be attributed. `cpu` needs the bench extra (pyinstrument).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

import numpy as np

from .measure import rss_mb
from .questions import FALLBACK, load_dev_questions, question_set
from .run import DEFAULT_QUESTIONS


def memory(index_path: Path) -> None:
    from service.corpus.models import Passage
    from service.search.store import load_index

    def step(label: str) -> None:
        r = rss_mb()
        print(f"{label:58s} RSS {r['rss_mb']:8.0f} MB   peak {r['peak_rss_mb']:8.0f} MB", flush=True)

    step("imports (service, numpy, scipy)")
    with np.load(index_path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    sizes = {name: a.nbytes / 2**20 for name, a in arrays.items()}
    step("all .npz members read (as load_index does)")
    print("   members, MB:", ", ".join(f"{k} {v:.0f}" for k, v in sizes.items() if v >= 1))
    raw = arrays["passages"].tobytes().decode("utf-8")
    step("passages JSON decoded to one str")
    dicts = json.loads(raw)
    step("json.loads: list of passage dicts")
    del raw
    passages = [Passage.from_dict(d) for d in dicts]
    step("Passage objects built (dicts still alive)")
    del dicts
    gc.collect()
    step("dicts freed")
    text = sum(len(p.text) for p in passages) / 2**20
    print(f"   {len(passages)} passages, {text:.0f} M characters of passage text")
    del passages, arrays
    gc.collect()
    step("everything freed (RSS stays: the allocator keeps arenas)")
    index = load_index(index_path)
    gc.collect()
    step(f"load_index itself, {len(index.passages)} passages held")


def cpu(index_path: Path, questions: list[str]) -> None:
    from pyinstrument import Profiler

    from service.search.store import load_index

    index = load_index(index_path)
    for q in questions[:50]:
        index.search(q, "patient", 10)
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for _ in range(3):
        for q in questions:
            index.search(q, "patient", 10)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("memory", "cpu"))
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    args = parser.parse_args(argv)
    if args.what == "memory":
        memory(args.index)
    else:
        qs = question_set(load_dev_questions(args.questions)) if args.questions.is_file() else list(FALLBACK)
        cpu(args.index, qs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
