"""One benchmark phase per process, so that each peak RSS belongs to that phase alone.

    python -m benchmarks.measure build   --corpus DIR --index FILE --out JSON
    python -m benchmarks.measure serve   --corpus DIR --index FILE --questions JSON --out JSON
    python -m benchmarks.measure compare --corpus DIR --index FILE --questions JSON --out JSON

build:   ensure_index(rebuild=True): fingerprint, ingestion, analysis, impact matrices, save. Time and peak RSS.
serve:   create_app over the built index (what a server process holds), then POST /api/v1/chat through the
         Flask test client for every question. Start-up time, answer-path latency, RSS after start-up, peak RSS.
compare: load_index (timed), then per question and interleaved (so all engines see the same machine load):
         this engine from text, this engine on pre-analyzed tokens, rank-bm25 and bm25s on the same tokens;
         parity with rank-bm25 and overlap with bm25s.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

K = 10
# Parity tolerance: the engine adds the same float64 terms as rank-bm25 but in another order.
REL_TOL = 1e-9


def rss_mb() -> dict[str, float]:
    """Current and peak resident set size of this process, in MiB (Linux /proc)."""
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = int(value.split()[0]) / 1024
    # ru_maxrss (KiB on Linux) agrees with VmHWM; kept as a cross-check.
    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def percentiles(ms: list[float] | np.ndarray) -> dict[str, float]:
    a = np.asarray(ms, dtype=np.float64)
    if a.size == 0:
        return {"n": 0}
    return {
        "n": int(a.size),
        "p50_ms": float(np.percentile(a, 50)),
        "p95_ms": float(np.percentile(a, 95)),
        "mean_ms": float(a.mean()),
        "max_ms": float(a.max()),
    }


def timed_ms(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter_ns()
    value = fn()
    return (time.perf_counter_ns() - t0) / 1e6, value


def phase_build(args: argparse.Namespace) -> dict:
    from service.search.store import ensure_index

    t0 = time.perf_counter()
    index, built = ensure_index(Path(args.corpus), Path(args.index), rebuild=True)
    seconds = time.perf_counter() - t0
    parts = index.partitions
    return {
        "build_s": seconds,
        "ingest_and_matrices_s": index.manifest["report"].get("seconds"),
        "passages": len(index.passages),
        "patient_passages": parts["patient"].n_passages,
        "vocabulary": len(index.vocab),
        "patient_postings": int(parts["patient"].matrix.nnz),
        "all_postings": int(parts["all"].matrix.nnz),
        "index_file_mb": Path(args.index).stat().st_size / 2**20,
        **rss_mb(),
    }


def phase_serve(args: argparse.Namespace) -> dict:
    from service import create_app

    questions: list[str] = json.loads(Path(args.questions).read_text())
    t0 = time.perf_counter()
    # One trusted client sending many questions: no rate limit, no access log.
    app = create_app(
        {
            "CORPUS_DIR": args.corpus,
            "INDEX_PATH": args.index,
            "TESTING": True,
            "RATE_LIMIT_ENABLED": False,
            "ACCESS_LOG": False,
        }
    )
    startup_s = time.perf_counter() - t0
    after_start = rss_mb()
    client = app.test_client()
    kinds: Counter[str] = Counter()
    for q in questions[:20]:  # warm-up: first-request set-up, caches
        client.post("/api/v1/chat", json={"message": q})
    gc.collect()
    lay: list[str] = json.loads(Path(args.lay_questions).read_text()) if args.lay_questions else []

    def timed_set(items: list[str]) -> np.ndarray:
        per_round = []
        for _ in range(args.rounds):
            row = []
            for q in items:
                ms, resp = timed_ms(lambda q=q: client.post("/api/v1/chat", json={"message": q}))
                if resp.status_code != 200:
                    raise SystemExit(f"POST /api/v1/chat answered {resp.status_code} for {q!r}")
                kinds[resp.get_json().get("kind", "?")] += 1
                row.append(ms)
            per_round.append(row)
        # Per question, the median over rounds damps other processes' load; then percentiles over questions.
        return np.median(np.array(per_round), axis=0)

    per_question = timed_set(questions)
    # Patients' own words (longer, with context words and letters) in the same run, side by side.
    lay_result = {"answer_path_lay": percentiles(timed_set(lay)), "lay_questions": len(lay)} if lay else {}
    end = rss_mb()
    return {
        "app_startup_s": startup_s,
        "answer_path": percentiles(per_question),
        **lay_result,
        "reply_kinds": dict(kinds),
        "rounds": args.rounds,
        "rss_after_startup_mb": after_start["rss_mb"],
        "peak_rss_after_startup_mb": after_start["peak_rss_mb"],
        **end,
    }


def _top_ids(scores: np.ndarray, k: int) -> np.ndarray:
    from service.search.bm25 import top_k

    return top_k(scores, k)


def parity(ours: np.ndarray, ref: np.ndarray, ours_top: np.ndarray, ref_top: np.ndarray) -> tuple[bool, bool, float]:
    """(full score vectors equal, top-k equal up to ties, max abs difference)."""
    diff = float(np.max(np.abs(ours - ref))) if len(ours) else 0.0
    scale = max(1.0, float(np.max(np.abs(ref))) if len(ref) else 1.0)
    full = diff <= REL_TOL * scale
    a, b = ref[ours_top], ref[ref_top]  # both judged by the reference's scores
    top = len(a) == len(b) and bool(np.allclose(np.sort(a), np.sort(b), rtol=0, atol=REL_TOL * scale))
    if top and set(ours_top.tolist()) != set(ref_top.tolist()):
        # Different members are allowed only among passages tied with the k-th score.
        kth = b.min()
        extra = set(ours_top.tolist()) ^ set(ref_top.tolist())
        top = all(abs(ref[i] - kth) <= REL_TOL * scale for i in extra)
    return full, top, diff


def phase_compare(args: argparse.Namespace) -> dict:
    from rank_bm25 import BM25Okapi

    try:
        import bm25s
    except ImportError:  # the bench extra is not installed: compare with rank-bm25 only
        bm25s = None

    from service.search.index import index_tokens
    from service.search.store import load_index

    questions: list[str] = json.loads(Path(args.questions).read_text())
    t0 = time.perf_counter()
    index = load_index(Path(args.index))
    load_s = time.perf_counter() - t0
    part = index.partitions["patient"]
    analyzer, settings = index.analyzer, index.settings

    t0 = time.perf_counter()
    corpus_tokens = [index_tokens(index.passages[int(c)], analyzer, settings) for c in part.columns]
    tokens_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rank = BM25Okapi(corpus_tokens, k1=settings.k1, b=settings.b, epsilon=settings.epsilon)
    rank_build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = None
    if bm25s is not None:
        # "robertson" is bm25s's idf closest to BM25Okapi's (it lacks rank-bm25's epsilon floor).
        fast = bm25s.BM25(k1=settings.k1, b=settings.b, method="robertson")
        fast.index(corpus_tokens, show_progress=False)
    bm25s_build_s = time.perf_counter() - t0 if fast is not None else None
    del corpus_tokens
    gc.collect()

    query_tokens = [analyzer.tokens(q) for q in questions]
    n_docs = part.n_passages

    def engine_text(q: str) -> list:
        return index.search(q, "patient", K)

    def engine_tokens(toks: list[str]) -> np.ndarray:
        scores, _ = index.scores(Counter(toks), "patient")
        return _top_ids(scores, K)

    def bm25s_scores(toks: list[str]) -> np.ndarray:
        if not toks:  # bm25s.get_scores indexes toks[0]
            return np.zeros(n_docs, dtype=np.float32)
        return fast.get_scores(toks)

    def bm25s_top(toks: list[str]) -> np.ndarray:
        return _top_ids(bm25s_scores(toks), K)

    def bm25s_retrieve(toks: list[str]) -> object:
        # bm25s's own top-k API for one query (its batching, thread pool and result packing included).
        if not toks:
            return None
        return fast.retrieve([toks], k=min(K, n_docs), show_progress=False, n_threads=0)

    for q, toks in list(zip(questions, query_tokens, strict=True))[:20]:  # warm-up
        engine_text(q), engine_tokens(toks)
        if fast is not None:
            bm25s_top(toks), bm25s_retrieve(toks)
    gc.collect()

    # Parity with rank-bm25, checked untimed inside rank-bm25's first pass (so its slow scoring runs once a round).
    full_ok = top_ok = 0
    max_diff = 0.0
    failures: list[str] = []

    def rank_bm25(q: str, toks: list[str], check: bool) -> float:
        nonlocal full_ok, top_ok, max_diff
        t0 = time.perf_counter_ns()
        ref = rank.get_scores(toks)
        ref_top = _top_ids(ref, K)
        ms = (time.perf_counter_ns() - t0) / 1e6
        if check:
            ours, columns = index.scores(Counter(toks), "patient")
            ours_top = _top_ids(ours, K)
            hits = engine_text(q)  # the public search path must agree with the token path
            same_path = [h.index for h in hits] == [int(columns[c]) for c in ours_top]
            full, top, diff = parity(ours, ref, ours_top, ref_top)
            full_ok += full
            top_ok += top and same_path
            max_diff = max(max_diff, diff)
            if not (full and top and same_path) and len(failures) < 5:
                failures.append(q)
        return ms

    # One pass over all questions per engine and round: every engine meets the same cache conditions (its own
    # data hot from the previous question), and alternating passes spread other processes' load over engines.
    names = ("engine", "engine_tokens", "rank_bm25") + (("bm25s", "bm25s_retrieve") if fast is not None else ())
    pairs = list(zip(questions, query_tokens, strict=True))
    times: dict[str, list[list[float]]] = {name: [] for name in names}
    for r in range(args.rounds):
        times["engine"].append([timed_ms(lambda q=q: engine_text(q))[0] for q, _ in pairs])
        times["engine_tokens"].append([timed_ms(lambda t=t: engine_tokens(t))[0] for _, t in pairs])
        if fast is not None:
            times["bm25s"].append([timed_ms(lambda t=t: bm25s_top(t))[0] for _, t in pairs])
            times["bm25s_retrieve"].append([timed_ms(lambda t=t: bm25s_retrieve(t))[0] for _, t in pairs])
        if r < args.rank_rounds:  # rank-bm25 is ~100x slower: fewer rounds keep the run short
            times["rank_bm25"].append([rank_bm25(q, t, check=r == 0) for q, t in pairs])
    latency = {name: percentiles(np.median(np.array(rounds), axis=0)) for name, rounds in times.items()}
    base = latency["engine_tokens"]["p50_ms"]
    text_base = latency["engine"]["p50_ms"]
    ratios = {
        name: {
            "p50_vs_engine_tokens": stats["p50_ms"] / base if base else None,
            "p50_vs_engine": stats["p50_ms"] / text_base if text_base else None,
        }
        for name, stats in latency.items()
    }

    # Overlap with bm25s, for every question (untimed).
    overlaps: list[float] = []
    top1 = 0
    for _, toks in pairs if fast is not None else ():
        ours_top = engine_tokens(toks)
        other = bm25s_top(toks)
        if len(ours_top):
            overlaps.append(len(set(ours_top.tolist()) & set(other.tolist())) / len(ours_top))
            top1 += bool(len(other)) and int(other[0]) == int(ours_top[0])
    return {
        "questions": len(questions),
        "rounds": args.rounds,
        "rank_bm25_rounds": min(args.rank_rounds, args.rounds),
        "index_load_s": load_s,
        "patient_passages": n_docs,
        "corpus_tokens_s": tokens_s,
        "rank_bm25_build_s": rank_build_s,
        "bm25s_build_s": bm25s_build_s,
        "latency": latency,
        "ratios": ratios,
        "parity": {
            "queries": len(questions),
            "full_scores_equal": full_ok,
            "top10_equal": top_ok,
            "max_abs_diff": max_diff,
            "failures": failures,
        },
        "bm25s_overlap": None
        if fast is None
        else {
            "method": "robertson",
            "mean_top10_overlap": float(np.mean(overlaps)) if overlaps else None,
            "top1_agreement": top1 / len(overlaps) if overlaps else None,
            "queries_with_hits": len(overlaps),
        },
        **rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=("build", "serve", "compare"))
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--questions")
    parser.add_argument("--lay-questions", help="JSON list of questions in patients' words (serve phase)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rank-rounds", type=int, default=1, help="at least 1: parity is checked in the first")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    args.rank_rounds = max(1, args.rank_rounds)
    result = {"build": phase_build, "serve": phase_serve, "compare": phase_compare}[args.phase](args)
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
