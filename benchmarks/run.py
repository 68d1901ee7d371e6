"""The benchmark suite of issue #7, in one command.

    .venv/bin/python -m benchmarks.run                       # full library (../shared/kb), 1x
    .venv/bin/python -m benchmarks.run --scales 1,2,5,10     # scaling run: perturbed copies of the library

For each scale, three subprocesses (so each peak RSS is one phase's own): build the index, serve (create_app +
POST /api/v1/chat through the Flask test client), and compare this engine with rank-bm25 and bm25s on the same
tokens (latency, parity, overlap). Results go to benchmarks/results/<tag>.json, .md and .png.
Scaled libraries and their indexes live in a scratch folder (deleted at the end unless --keep).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .questions import FALLBACK, load_dev_questions, question_set
from .scale import scaled_library

REPO = Path(__file__).resolve().parent.parent
DEFAULT_KB = REPO.parent / "shared" / "kb"
DEFAULT_QUESTIONS = REPO.parent / "shared" / "eval" / "medquad_cancergov_dev.jsonl"
# Questions in patients' words: the shared development half and this project's own set.
LAY_QUESTION_FILES = (
    REPO.parent / "shared" / "eval" / "lay_dev.jsonl",
    REPO / "tests" / "data" / "eval" / "lay_own.jsonl",
)
RESULTS = Path(__file__).resolve().parent / "results"

# Targets of issue #7 on the full library (1x) and on the 10x library.
TARGET_P50_MS = 0.5
TARGET_RANK_RATIO = 40.0
TARGET_ANSWER_P50_MS = 10.0
TARGET_ANSWER_P50_ISSUE10_MS = 5.0  # issue 10: templates and patients' words, each
TARGET_10X_P50_MS = 5.0
TARGET_10X_SERVE_MB = 3 * 1024


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    versions = {}
    for package in ("numpy", "scipy", "rank-bm25", "bm25s", "flask"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "service"], capture_output=True, text=True
        ).stdout.strip()
        commit += " (service/ modified)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "commit": commit,
        "loadavg_start": os.getloadavg(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "versions": versions,
    }


def run_phase(phase: str, corpus: Path, index: Path, out: Path, extra: list[str]) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        phase,
        "--corpus",
        str(corpus),
        "--index",
        str(index),
        "--out",
        str(out),
        *extra,
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO)
    result = json.loads(out.read_text())
    result["wall_s"] = time.perf_counter() - t0
    return result


def fmt(stats: dict | None) -> str:
    if not stats:
        return "n/a"
    return f"{stats['p50_ms']:.3f} / {stats['p95_ms']:.3f}"


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']} GiB RAM; Python {m['python']}; "
        f"{m['date_utc']} UTC; commit {m['commit']}; load average at start {m['loadavg_start'][0]:.2f}, "
        f"at end {results['loadavg_end'][0]:.2f}.",
        f"Questions: {results['questions']} (dev questions and variants); latency = per-question median over rounds, "
        "then p50 / p95 over questions, in ms. Retrieval is top 10, patient partition.",
        "",
        "| scale | passages (patient) | patient postings | build s | build peak RSS MB | index file MB | load s "
        "| app start s | serving RSS MB (after start / peak) | engine (text) p50/p95 | engine (tokens) p50/p95 "
        "| bm25s p50/p95 | bm25s retrieve p50/p95 | rank-bm25 p50/p95 | rank-bm25 ÷ engine (tokens / text) "
        "| answer path p50/p95 (templates) | answer path p50/p95 (patients' words) | parity (scores, top 10) |",
        "|" + " --- |" * 18,
    ]
    for row in results["scales"]:
        b, s, c = row["build"], row["serve"], row["compare"]
        lat, ratio, par = c["latency"], c["ratios"]["rank_bm25"], c["parity"]
        lines.append(
            f"| {row['scale']}× | {b['passages']:,} ({b['patient_passages']:,}) | {b['patient_postings']:,} "
            f"| {b['build_s']:.1f} | {b['peak_rss_mb']:.0f} | {b['index_file_mb']:.0f} | {c['index_load_s']:.2f} "
            f"| {s['app_startup_s']:.2f} | {s['rss_after_startup_mb']:.0f} / {s['peak_rss_mb']:.0f} "
            f"| {fmt(lat['engine'])} | {fmt(lat['engine_tokens'])} | {fmt(lat.get('bm25s'))} "
            f"| {fmt(lat.get('bm25s_retrieve'))} | {fmt(lat['rank_bm25'])} "
            f"| {ratio['p50_vs_engine_tokens']:.0f}× / {ratio['p50_vs_engine']:.0f}× | {fmt(s['answer_path'])} "
            f"| {fmt(s.get('answer_path_lay'))} "
            f"| {par['full_scores_equal']}/{par['queries']}, {par['top10_equal']}/{par['queries']} |"
        )
    lines += ["", "bm25s (method robertson) agreement with this engine's top 10:", ""]
    for row in results["scales"]:
        o = row["compare"]["bm25s_overlap"]
        if o is None:
            lines.append(f"- {row['scale']}×: bm25s not installed")
            continue
        lines.append(
            f"- {row['scale']}×: mean top-10 overlap {o['mean_top10_overlap']:.3f}, "
            f"same top 1 {o['top1_agreement']:.3f}"
        )
    lines += ["", f"Pyserini: {results['pyserini']}.", "", "Targets:", ""]
    lines += [f"- {t}" for t in results["targets"]]
    return "\n".join(lines) + "\n"


def check_targets(rows: list[dict]) -> list[str]:
    out = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    by_scale = {row["scale"]: row for row in rows}
    if 1 in by_scale:
        c, s = by_scale[1]["compare"], by_scale[1]["serve"]
        lat = c["latency"]
        p50 = lat["engine"]["p50_ms"]
        out.append(f"1×: retrieval p50 {p50:.3f} ms (from text) ≤ {TARGET_P50_MS} ms: {verdict(p50 <= TARGET_P50_MS)}")
        ratio = c["ratios"]["rank_bm25"]["p50_vs_engine"]
        out.append(
            f"1×: rank-bm25 ÷ engine (from text) {ratio:.0f}× ≥ {TARGET_RANK_RATIO:.0f}×: "
            f"{verdict(ratio >= TARGET_RANK_RATIO)}"
        )
        if "bm25s" in lat:
            faster = lat["bm25s"]["p50_ms"] / lat["engine_tokens"]["p50_ms"]
            out.append(
                f"1×: bm25s (get_scores + same top-k) p50 is {faster:.2f}× this engine's on the same tokens "
                f"(target ≥ 1: bm25s no faster): {verdict(faster >= 1)}"
            )
        else:
            out.append("1×: bm25s is not installed: not compared")
        a = s["answer_path"]["p50_ms"]
        out.append(f"1×: answer path p50 {a:.2f} ms ≤ {TARGET_ANSWER_P50_MS} ms: {verdict(a <= TARGET_ANSWER_P50_MS)}")
        limit = TARGET_ANSWER_P50_ISSUE10_MS
        out.append(f"1×: answer path p50 on the templates {a:.2f} ms ≤ {limit} ms "
                   f"({a / limit:.2f} of the target): {verdict(a <= limit)}")
        if "answer_path_lay" in s:
            lay = s["answer_path_lay"]["p50_ms"]
            out.append(f"1×: answer path p50 in patients' words {lay:.2f} ms ≤ {limit} ms "
                       f"({lay / limit:.2f} of the target): {verdict(lay <= limit)}")
    if 10 in by_scale:
        c, s = by_scale[10]["compare"], by_scale[10]["serve"]
        p50 = c["latency"]["engine"]["p50_ms"]
        out.append(f"10×: retrieval p50 {p50:.3f} ms ≤ {TARGET_10X_P50_MS} ms: {verdict(p50 <= TARGET_10X_P50_MS)}")
        peak = s["peak_rss_mb"]
        out.append(
            f"10×: serving peak RSS {peak:.0f} MB ≤ {TARGET_10X_SERVE_MB} MB: {verdict(peak <= TARGET_10X_SERVE_MB)}"
        )
    for row in rows:
        par = row["compare"]["parity"]
        ok = par["full_scores_equal"] == par["top10_equal"] == par["queries"]
        out.append(f"{row['scale']}×: parity with rank-bm25 on {par['queries']} questions: {verdict(ok)}")
    return out


def plot(results: dict, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e .[bench]): no plot")
        return False
    rows = results["scales"]
    x = [row["build"]["passages"] for row in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    series = [
        ("engine", "this engine (from text)", "o-"),
        ("engine_tokens", "this engine (tokens)", "o--"),
        ("bm25s", "bm25s get_scores + top-k", "s-"),
        ("bm25s_retrieve", "bm25s retrieve", "s--"),
        ("rank_bm25", "rank-bm25 get_scores + top-k", "^-"),
    ]
    for key, label, style in series:
        if key not in rows[0]["compare"]["latency"]:
            continue
        left.plot(x, [row["compare"]["latency"][key]["p50_ms"] for row in rows], style, label=f"{label} p50")
    left.plot(x, [row["serve"]["answer_path"]["p50_ms"] for row in rows], "d-", label="POST /api/v1/chat p50")
    left.set_yscale("log")
    left.set_xlabel("passages in the library")
    left.set_ylabel("ms per question (log)")
    left.set_title("Latency, top 10, patient partition")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    right.plot(x, [row["build"]["peak_rss_mb"] for row in rows], "o-", label="build peak RSS")
    right.plot(x, [row["serve"]["peak_rss_mb"] for row in rows], "s-", label="serving peak RSS")
    right.plot(x, [row["serve"]["rss_after_startup_mb"] for row in rows], "s--", label="serving RSS after start-up")
    right.plot(x, [row["build"]["index_file_mb"] for row in rows], "^:", label="index file size")
    right.set_xlabel("passages in the library")
    right.set_ylabel("MB")
    right.set_title("Memory")
    right.grid(True, alpha=0.3)
    right.legend(fontsize=8)
    fig.suptitle(
        f"cancer-answers benchmarks, {results['machine']['date_utc']} UTC, commit {results['machine']['commit']}"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_KB, help="the library (default ../shared/kb)")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="dev questions (.jsonl)")
    parser.add_argument("--scales", default="1", help="comma-separated library sizes, e.g. 1,2,5,10")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds for the fast engines")
    parser.add_argument("--rank-rounds", type=int, default=3, help="timing rounds for rank-bm25 (slow)")
    parser.add_argument("--answer-rounds", type=int, default=3, help="timing rounds for POST /api/v1/chat")
    parser.add_argument("--workdir", type=Path, help="scratch folder for scaled libraries and indexes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder, libraries and indexes")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--tag", help="result file name (default: full, or scaling when several scales)")
    args = parser.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"skipped: no library at {args.corpus} (the benchmarks run over ../shared/kb beside the repository)")
        return 0
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    if not scales or min(scales) < 1:
        parser.error("--scales takes whole numbers >= 1")
    if args.questions.is_file():
        questions = question_set(load_dev_questions(args.questions))
    else:
        print(f"no dev questions at {args.questions}: using {len(FALLBACK)} built-in questions")
        questions = list(FALLBACK)
    tag = args.tag or ("full" if scales == [1] else "scaling")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cqa-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    qfile = workdir / "questions.json"
    qfile.write_text(json.dumps(questions))
    lay = [json.loads(line)["question"] for f in LAY_QUESTION_FILES if f.is_file()
           for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    lay_file = workdir / "lay_questions.json"
    lay_file.write_text(json.dumps(lay))
    pyserini = "installed but not run by this suite" if importlib.util.find_spec("pyserini") else "not installed"
    results: dict = {"machine": machine(), "questions": len(questions), "pyserini": pyserini, "scales": []}
    print(f"{len(questions)} questions; scales {scales}; scratch {workdir}; Pyserini: {pyserini}")
    try:
        for scale in scales:
            corpus = scaled_library(args.corpus, workdir, scale)
            index = workdir / f"index-{scale}x.npz"
            print(f"[{scale}x] build ...", flush=True)
            build = run_phase("build", corpus, index, workdir / f"build-{scale}x.json", [])
            print(
                f"[{scale}x] {build['passages']} passages ({build['patient_passages']} patient), "
                f"build {build['build_s']:.1f} s, peak RSS {build['peak_rss_mb']:.0f} MB; serve ...",
                flush=True,
            )
            serve = run_phase(
                "serve",
                corpus,
                index,
                workdir / f"serve-{scale}x.json",
                ["--questions", str(qfile), "--lay-questions", str(lay_file), "--rounds", str(args.answer_rounds)],
            )
            print(
                f"[{scale}x] answer path p50/p95 {fmt(serve['answer_path'])} ms (templates), "
                f"{fmt(serve.get('answer_path_lay'))} ms ({serve.get('lay_questions', 0)} in patients' words), "
                "serving peak RSS "
                f"{serve['peak_rss_mb']:.0f} MB; compare ...",
                flush=True,
            )
            compare = run_phase(
                "compare",
                corpus,
                index,
                workdir / f"compare-{scale}x.json",
                ["--questions", str(qfile), "--rounds", str(args.rounds), "--rank-rounds", str(args.rank_rounds)],
            )
            lat = compare["latency"]
            for name, stats in lat.items():
                ratio = compare["ratios"][name]
                print(
                    f"[{scale}x]   {name:15s} p50 {stats['p50_ms']:8.4f} ms  p95 {stats['p95_ms']:8.4f} ms  "
                    f"x engine(tokens) {ratio['p50_vs_engine_tokens']:7.2f}  x engine(text) "
                    f"{ratio['p50_vs_engine']:7.2f}"
                )
            par = compare["parity"]
            print(
                f"[{scale}x] parity: scores {par['full_scores_equal']}/{par['queries']}, top 10 "
                f"{par['top10_equal']}/{par['queries']} (max |diff| {par['max_abs_diff']:.1e}); bm25s overlap "
                f"{(compare['bm25s_overlap'] or {}).get('mean_top10_overlap', float('nan')):.3f}",
                flush=True,
            )
            results["scales"].append({"scale": scale, "build": build, "serve": serve, "compare": compare})
            if not args.keep:  # the perturbed copies themselves stay cached in the scratch folder
                if corpus != args.corpus:
                    shutil.rmtree(corpus, ignore_errors=True)
                index.unlink(missing_ok=True)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results["loadavg_end"] = os.getloadavg()
    results["targets"] = check_targets(results["scales"])
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"{tag}.json").write_text(json.dumps(results, indent=2))
    (args.results / f"{tag}.md").write_text(markdown(results))
    plotted = plot(results, args.results / f"{tag}.png")
    print()
    print(markdown(results))
    print(f"written: {args.results / (tag + '.json')}, .md" + (", .png" if plotted else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
