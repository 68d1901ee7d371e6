"""The evaluation harness, run on a small labelled file made for the embedded library."""

import json
from pathlib import Path

import pytest

from service.cli import main
from service.evaluation import answer_precision, evaluate, meets_expectation, read_questions
from service.search.analyzer import Analyzer

QUESTIONS = Path(__file__).parent / "data" / "seed_questions.jsonl"


def test_bad_lines_are_reported_and_skipped():
    questions, problems = read_questions(QUESTIONS)
    assert len(questions) == 7 and problems == ["line 7: Expecting value: line 1 column 1 (char 0)"]
    assert questions[2].messages == ["What is Reblozyl?", "what is it used for?"]


def test_metrics_on_the_seed_questions(app):
    questions, _ = read_questions(QUESTIONS)
    result = evaluate(app, questions)
    s = result["summary"]
    assert s["questions"] == 7 and s["ranked_questions"] == 3
    assert s["hit@1"] == 1.0 and s["mrr@10"] == 1.0
    assert s["kind_accuracy"] == 1.0 and s["kind_labelled"] == 4
    assert s["audience_leaks"] == 0
    assert s["kinds"] == {"answer": 3, "urgent": 1, "no_answer": 2, "scope": 1}
    assert s["abstention_rate"] == pytest.approx(2 / 7)
    assert 0.5 < s["precision_mean"] <= 1.0
    row = result["questions"][0]
    assert set(row) >= {"id", "kind", "text", "latency_ms", "citations"}
    assert set(row["citations"][0]) == {"n", "passage_id", "url", "title", "section", "audience"}


def test_clinician_mode_allows_clinician_citations(app):
    questions, _ = read_questions(QUESTIONS)
    result = evaluate(app, [q for q in questions if q.id == "s7"], mode="clinician")
    row = result["questions"][0]
    assert row["kind"] == "answer" and any(c["audience"] == "clinician" for c in row["citations"])
    assert result["summary"]["audience_leaks"] == 0


def test_a_leak_is_counted(app, monkeypatch):
    questions, _ = read_questions(QUESTIONS)
    # Pretend the patient API returned a clinician passage: the harness must notice.
    original = app.extensions["responder"].respond

    def leaky(message, conversation_id=None, audience="patient"):
        return original(message, conversation_id, audience="all")

    monkeypatch.setattr(app.extensions["responder"], "respond", leaky)
    result = evaluate(app, [q for q in questions if q.id == "s7"])
    assert result["summary"]["audience_leaks"] >= 1


def test_answer_precision_uses_the_index_analyzer():
    a = Analyzer()
    assert answer_precision("Fatigue is common.", "Patients often feel fatigued; fatigue is common.", a) == 1.0
    assert answer_precision("Nausea happens.", "Fatigue is common.", a) == 0.0


def test_eval_command_writes_json(seed_corpus, tmp_path, capsys):
    out = tmp_path / "eval.json"
    code = main(["eval", "--corpus", str(seed_corpus), "--index-path", str(tmp_path / "i.npz"),
                 str(QUESTIONS), "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "hit@1" in printed and "worst questions" in printed
    data = json.loads(out.read_text())
    assert data["summary"]["questions"] == 7 and len(data["questions"]) == 7


def test_red_flag_labels_are_scored(app, tmp_path):
    path = tmp_path / "flags.jsonl"
    rows = [{"id": "u", "question": "I can't breathe right now", "expect": "urgent"},
            {"id": "c", "question": "I want to kill myself", "expect": "crisis"},
            {"id": "o", "question": "I took all my pills on purpose an hour ago", "expect": "crisis"},
            {"id": "n", "question": "what are the signs of a stroke?", "expect": "not_urgent"},
            {"id": "m", "question": "what is Reblozyl used for?", "expect": "urgent"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    questions, _ = read_questions(path)
    rf = evaluate(app, questions)["summary"]["red_flags"]
    assert rf == {"need": 4, "recognised": 3, "missed": ["m"], "look_alikes": 1, "false_alarms": []}


def test_answer_and_not_answer_expectations():
    """"answer": library text cited (a question the library covers, however it is told); "not_answer": none."""
    assert meets_expectation("answer", "answer", cited=True)
    assert meets_expectation("answer", "advice", cited=True)  # advice that also gives cited general information
    assert not meets_expectation("answer", "no_answer", cited=False)
    assert not meets_expectation("answer", "answer", cited=False)
    assert meets_expectation("not_answer", "no_answer", cited=False)
    assert not meets_expectation("not_answer", "answer", cited=True)
