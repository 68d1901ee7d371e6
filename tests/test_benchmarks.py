"""Smoke test: the benchmark suite runs end to end on the seed library (tiny sizes; no timing assertions).

Without the bench extra (bm25s, matplotlib) the suite still runs: it compares with rank-bm25 only, draws no plot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.run import main
from benchmarks.scale import scaled_library
from service.search.store import ensure_index


def test_benchmark_suite_runs_on_the_seed_library(seed_corpus: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    args = ["--corpus", str(seed_corpus), "--questions", str(tmp_path / "none.jsonl"), "--scales", "2"]
    args += ["--rounds", "1", "--answer-rounds", "1", "--workdir", str(tmp_path / "work"), "--results", str(results)]
    assert main(args) == 0
    data = json.loads((results / "scaling.json").read_text())
    row = data["scales"][0]
    assert row["scale"] == 2 and row["build"]["passages"] > 0
    assert row["compare"]["parity"]["full_scores_equal"] == row["compare"]["parity"]["queries"]
    assert (results / "scaling.md").read_text().startswith("Machine:")


def test_scaled_library_keeps_audience_and_grows(seed_corpus: Path, tmp_path: Path) -> None:
    one, _ = ensure_index(seed_corpus, tmp_path / "one.npz")
    lib = scaled_library(seed_corpus, tmp_path / "work", 3, log=lambda _: None)
    three, _ = ensure_index(lib, tmp_path / "three.npz")
    count = len(one.passages)
    assert len(three.passages) == pytest.approx(3 * count, rel=0.2)
    patient = sum(p.audience == "patient" for p in one.passages)
    assert sum(p.audience == "patient" for p in three.passages) == pytest.approx(3 * patient, rel=0.2)
    assert len(three.vocab) > len(one.vocab)  # perturbed copies add new terms


def test_missing_library_is_skipped_with_a_message(tmp_path: Path, capsys) -> None:
    assert main(["--corpus", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_answer_ab_measures_the_answer_path_on_the_seed_library(seed_corpus: Path, tmp_path: Path, capsys) -> None:
    from benchmarks.answer_ab import main as answer_ab

    asked = tmp_path / "q.jsonl"
    asked.write_text(json.dumps({"question": "what is chemotherapy?"}) + "\n"
                     + json.dumps({"messages": ["I have breast cancer", "how is it treated?"]}) + "\n")
    assert answer_ab(["--corpus", str(seed_corpus), "--index-path", str(tmp_path / "i.npz"),
                      "--questions", str(asked), "--rounds", "1"]) == 0
    assert "2 questions, p50" in capsys.readouterr().out
