"""Evaluation harness: run labelled questions through the chat API and measure the answers.

Every question goes through POST /api/v1/chat with the Flask test client (the same code
path patients use), in a fresh conversation, or through its `messages` in order.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .search.analyzer import Analyzer

ALLOWED_AUDIENCES = {"patient": {"patient"}, "clinician": {"patient", "clinician"}}
EXPECTATIONS = ("not_answer", "answer", "urgent", "crisis", "not_urgent")


def meets_expectation(expect: str, kind: str, cited: bool, crisis_line: bool = True) -> bool:
    """Whether a reply is what the line's `expect` asks for (as ../shared/eval/score.py scores it)."""
    answered = cited and kind in ("answer", "advice", "urgent")  # library text cited
    if expect == "not_answer":
        return not answered
    if expect == "answer":  # (the question is one the library covers)
        return answered
    if expect == "urgent":
        return kind == "urgent"
    if expect == "crisis":  # an urgent reply counts when it also gives the crisis line
        return kind == "crisis" or (kind == "urgent" and crisis_line)
    return kind not in ("urgent", "crisis")  # not_urgent


@dataclass
class Question:
    id: str
    messages: list[str]
    qtype: str
    expected_url: str | None
    expected_kind: str | None
    reference_answer: str | None
    alt_urls: tuple[str, ...] = ()  # other pages that are an equally right answer
    expect: str | None = None  # "not_answer" | "answer" | "urgent" | "crisis" | "not_urgent"


def read_questions(path: Path) -> tuple[list[Question], list[str]]:
    """Questions from a JSON-lines file; bad lines are reported, not fatal."""
    questions: list[Question] = []
    problems: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not an object")
            messages = row.get("messages") or [row["question"]]
            if not isinstance(messages, list) or not all(isinstance(m, str) and m.strip() for m in messages):
                raise ValueError("'messages' must be a list of non-empty strings")
        except (ValueError, KeyError) as exc:
            problems.append(f"line {n}: {exc}")
            continue
        questions.append(
            Question(
                id=str(row.get("id", f"line-{n}")),
                messages=messages,
                qtype=str(row.get("qtype") or "unlabelled"),
                expected_url=row.get("expected_url"),
                expected_kind=row.get("expected_kind"),
                reference_answer=row.get("reference_answer"),
                alt_urls=tuple(u for u in row.get("alt_urls") or () if isinstance(u, str)),
                expect=row.get("expect") if row.get("expect") in EXPECTATIONS else None,
            )
        )
    return questions, problems


def cited_urls(citations: list[dict]) -> list[str]:
    """Distinct cited page URLs in the order shown."""
    seen: list[str] = []
    for c in citations:
        if c.get("url") and c["url"] not in seen:
            seen.append(c["url"])
    return seen


def answer_precision(answer: str, reference: str, analyzer: Analyzer) -> float:
    """Share of the answer's content words (index terms) that occur in the reference answer."""
    terms = analyzer.tokens(answer)
    if not terms:
        return 0.0
    reference_terms = set(analyzer.tokens(reference))
    return sum(t in reference_terms for t in terms) / len(terms)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(rows: list[dict], mode: str) -> dict:
    allowed = ALLOWED_AUDIENCES[mode]
    ranked = [r for r in rows if r.get("expected_url")]
    kinds = Counter(r["kind"] for r in rows)
    out: dict = {"questions": len(rows), "kinds": dict(kinds)}
    if ranked:
        ranks = [r["rank"] for r in ranked]
        out.update(
            {
                "ranked_questions": len(ranked),
                "hit@1": sum(r == 1 for r in ranks if r) / len(ranked),
                "hit@3": sum(1 for r in ranks if r and r <= 3) / len(ranked),
                "hit@5": sum(1 for r in ranks if r and r <= 5) / len(ranked),
                "mrr@10": sum(1 / r for r in ranks if r and r <= 10) / len(ranked),
            }
        )
    out["abstention_rate"] = kinds.get("no_answer", 0) / len(rows) if rows else 0.0
    # not answered: nothing cited from the library (no_answer, scope, clarify...), as the shared scorer counts
    out["not_answered"] = sum(1 for r in rows if not r["citations"]) / len(rows) if rows else 0.0
    expecting = [r for r in rows if r.get("expect")]
    if expecting:
        out["expect_accuracy"] = sum(bool(r["met"]) for r in expecting) / len(expecting)
        out["expect"] = {
            e: {"n": sum(r["expect"] == e for r in expecting),
                "met": sum(bool(r["met"]) for r in expecting if r["expect"] == e)}
            for e in EXPECTATIONS if any(r["expect"] == e for r in expecting)
        }
    labelled = [r for r in rows if r.get("expected_kind")]
    if labelled:
        out["kind_accuracy"] = sum(r["kind"] == r["expected_kind"] for r in labelled) / len(labelled)
        out["kind_labelled"] = len(labelled)
    flagged = [r for r in rows if r.get("expect") in ("urgent", "crisis", "not_urgent")]
    if flagged:
        out["red_flags"] = red_flag_summary(flagged)
    out["audience_leaks"] = sum(1 for r in rows for c in r["citations"] if c["audience"] not in allowed)
    precisions = [r["precision"] for r in rows if r.get("precision") is not None]
    if precisions:
        out["precision_mean"] = statistics.fmean(precisions)
        out["precision_median"] = statistics.median(precisions)
    latencies = [r["latency_ms"] for r in rows]
    out["latency_ms"] = {
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies) if latencies else 0.0,
    }
    return out


def red_flag_summary(rows: list[dict]) -> dict:
    """Emergencies answered `urgent`; crises answered `crisis` or `urgent` with the crisis line; false alarms
    (each row's `met` is `meets_expectation`)."""
    missed = [r["id"] for r in rows if r["expect"] != "not_urgent" and not r["met"]]
    false_alarms = [r["id"] for r in rows if r["expect"] == "not_urgent" and not r["met"]]
    need = sum(r["expect"] != "not_urgent" for r in rows)
    return {"need": need, "recognised": need - len(missed), "missed": missed,
            "look_alikes": len(rows) - need, "false_alarms": false_alarms}


def evaluate(app, questions: list[Question], mode: str = "patient") -> dict:
    """Run every question; return {"summary", "by_qtype", "questions"}."""
    if mode not in ALLOWED_AUDIENCES:
        raise ValueError(f"unknown mode {mode!r}")
    analyzer: Analyzer = app.extensions["index"].analyzer
    client = app.test_client()
    responder = app.extensions["responder"]
    crisis_line = getattr(getattr(responder, "settings", None), "crisis_line", "")
    rows: list[dict] = []
    for q in questions:
        conversation_id = None
        started = time.perf_counter()
        for message in q.messages:
            if mode == "patient":
                resp = client.post("/api/v1/chat", json={"message": message, "conversation_id": conversation_id})
                body = resp.get_json()
                if resp.status_code != 200:
                    body = {"kind": f"error_{resp.status_code}", "text": "", "citations": [], "conversation_id": None}
            else:  # staff mode: the same responder, with clinician material allowed
                body = responder.respond(message, conversation_id, audience="all").to_dict()
            conversation_id = body.get("conversation_id")
        latency = (time.perf_counter() - started) * 1000 / len(q.messages)
        urls = [u.rstrip("/") for u in cited_urls(body["citations"] + body.get("related", []))]
        right = {u.rstrip("/") for u in (q.expected_url, *q.alt_urls) if u}
        rank = next((i + 1 for i, u in enumerate(urls) if u in right), None)
        answer_text = " ".join(s["text"] for s in body.get("sentences", []) if s.get("citation"))
        gives_crisis_line = bool(crisis_line) and crisis_line in body.get("text", "")
        rows.append(
            {
                "id": q.id,
                "qtype": q.qtype,
                "question": q.messages[-1],
                "kind": body["kind"],
                "expected_kind": q.expected_kind,
                "expect": q.expect,
                "met": meets_expectation(q.expect, body["kind"], bool(body["citations"]), gives_crisis_line)
                if q.expect else None,
                "crisis_line": gives_crisis_line,
                "expected_url": q.expected_url,
                "rank": rank,
                "text": body.get("text", ""),
                "latency_ms": round(latency, 3),
                "precision": answer_precision(answer_text, q.reference_answer, analyzer)
                if q.reference_answer
                else None,
                "citations": [
                    {k: c[k] for k in ("n", "passage_id", "url", "title", "section", "audience")}
                    for c in body["citations"]
                ],
            }
        )
    by_qtype: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_qtype[r["qtype"]].append(r)
    return {
        "mode": mode,
        "summary": summarize(rows, mode),
        "by_qtype": {k: summarize(v, mode) for k, v in sorted(by_qtype.items())},
        "questions": rows,
    }


def worst(rows: list[dict], n: int = 20) -> list[dict]:
    def badness(r: dict) -> tuple:
        rank = r["rank"] if r["rank"] else 99
        return (-(rank if r.get("expected_url") else 0), r["precision"] if r["precision"] is not None else 1.0)

    return sorted(rows, key=badness)[:n]


def format_report(result: dict) -> str:
    lines: list[str] = []
    cols = ("questions", "hit@1", "hit@3", "hit@5", "mrr@10", "abstention_rate", "precision_mean", "precision_median")
    heads = ("n", "hit@1", "hit@3", "hit@5", "mrr@10", "no_answer", "prec", "prec_med")

    def row(name: str, s: dict) -> str:
        cells = []
        for c in cols:
            v = s.get(c)
            cells.append(f"{v:>10}" if isinstance(v, int) else (f"{v:10.3f}" if isinstance(v, float) else f"{'-':>10}"))
        return f"{name:<18}" + "".join(cells)

    lines.append(f"mode: {result['mode']}")
    lines.append(f"{'qtype':<18}" + "".join(f"{h:>10}" for h in heads))
    lines.append(row("ALL", result["summary"]))
    for qtype, s in result["by_qtype"].items():
        lines.append(row(qtype[:18], s))
    s = result["summary"]
    lines.append("")
    lines.append("kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(s["kinds"].items())))
    if "kind_accuracy" in s:
        lines.append(f"expected_kind accuracy: {s['kind_accuracy']:.3f} over {s['kind_labelled']} labelled")
    if "expect" in s:
        lines.append(f"expect accuracy: {s['expect_accuracy']:.3f} (" + ", ".join(
            f"{e}: {v['met']}/{v['n']}" for e, v in s["expect"].items()) + ")")
    lines.append(f"not answered (nothing cited): {s['not_answered']:.3f}")
    if "red_flags" in s:
        rf = s["red_flags"]
        lines.append(f"red flags recognised {rf['recognised']}/{rf['need']}"
                     + (f" (missed: {' '.join(rf['missed'])})" if rf["missed"] else ""))
        lines.append(f"false alarms {len(rf['false_alarms'])}/{rf['look_alikes']}"
                     + (f" ({' '.join(rf['false_alarms'])})" if rf["false_alarms"] else ""))
    lines.append(f"audience leaks: {s['audience_leaks']}")
    lat = s["latency_ms"]
    lines.append(f"latency ms: p50 {lat['p50']:.2f}  p95 {lat['p95']:.2f}  max {lat['max']:.2f}")
    lines.append("")
    lines.append("worst questions:")
    for r in [r for r in result["questions"] if r.get("met") is False][:20]:
        lines.append(f"- {r['id']} expected {r['expect']}, got [{r['kind']}]: {r['question'][:100]}")
    for r in worst([r for r in result["questions"] if r.get("expected_url")]):
        prec = f"{r['precision']:.2f}" if r["precision"] is not None else "-"
        lines.append(f"- {r['id']} [{r['kind']}] rank={r['rank']} precision={prec}: {r['question']}")
        if r.get("expected_url"):
            lines.append(f"    expected {r['expected_url']}")
        for c in r["citations"][:3]:
            lines.append(f"    cited [{c['n']}] {c['title']} > {c['section'][:70]} ({c['audience']})")
    return "\n".join(lines)


def summary_line(name: str, result: dict) -> str:
    """One line of figures per question file, for `python -m service eval DIR`."""
    s = result["summary"]
    parts = [f"{name}: n {s['questions']}"]
    if "hit@1" in s:
        parts.append(f"Hit@1 {s['hit@1']:.3f}  Hit@5 {s['hit@5']:.3f}  MRR@10 {s['mrr@10']:.3f}")
    parts.append(f"not-answered {s['not_answered']:.3f}")
    if "expect" in s:
        parts.append("expect " + ", ".join(f"{e} {v['met']}/{v['n']}" for e, v in s["expect"].items()))
    if "precision_mean" in s:
        parts.append(f"precision {s['precision_mean']:.3f}")
    parts.append(f"leaks {s['audience_leaks']}  p50 {s['latency_ms']['p50']:.1f} ms")
    return "  ".join(parts)
