"""Command line: python -m service {serve,index,ask,eval}."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import EMBEDDED_CORPUS


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _add_corpus(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus", type=Path, default=EMBEDDED_CORPUS, help="library folder (default: the embedded corpus/)"
    )
    p.add_argument("--index-path", type=Path, default=None, help="index file (default: a cache file per library)")


def cmd_index(args: argparse.Namespace) -> int:
    from .search.store import default_index_path, ensure_index

    index, built = ensure_index(args.corpus, args.index_path, rebuild=args.rebuild, log=_log)
    report = index.manifest["report"]
    path = args.index_path or default_index_path(args.corpus)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"index {'built' if built else 'up to date'}: {path}")
    from .corpus.ingest import IngestReport

    rebuilt = IngestReport.from_dict(report)
    for line in rebuilt.summary_lines():
        print(line)
    for bad in report["bad_files"]:
        print(f"skipped {bad['path']}: {bad['reason']}")
    from .search.vocabulary import vocabulary_report

    for line in vocabulary_report(index.manifest.get("vocabulary", {}), sample=25 if args.verbose else 8):
        print(line)
    if args.verbose:
        for c in report["audience_corrections"]:
            print(f"audience corrected to {c['audience']}: {c['path']} ({'; '.join(c['reasons'])})")
        for s in report["stale"]:
            print(f"stale: {s['path']} (last reviewed {s['last_reviewed']}, due {s['review_due']})")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .answer.respond import Responder
    from .search.store import ensure_index

    index, _ = ensure_index(args.corpus, args.index_path, log=_log)
    reply = Responder(index).respond(args.question, audience=args.audience)
    if args.json:
        print(json.dumps(reply.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"[{reply.kind}] {reply.text}")
    for c in reply.citations:
        reviewed = f", reviewed {c.last_reviewed}" if c.last_reviewed else ""
        print(f"  [{c.n}] {c.title} > {c.section} ({c.source}{reviewed}) {c.url or ''}")
    if reply.suggestions:
        print("  you could also ask: " + " | ".join(reply.suggestions))
    print(reply.disclaimer)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from . import create_app

    overrides = {"CORPUS_DIR": str(args.corpus)}
    if args.index_path:
        overrides["INDEX_PATH"] = str(args.index_path)
    app = create_app(overrides)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from . import create_app
    from .evaluation import evaluate, format_report, read_questions, summary_line

    files: list[Path] = []
    for path in args.questions:
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    sets = []
    for path in files:
        questions, problems = read_questions(path)
        for problem in problems:
            _log(f"skipped {path.name} {problem}")
        if questions:
            sets.append((path, questions))
    if not sets:
        _log("error: no questions to run")
        return 2
    # The harness is one trusted client sending hundreds of questions: no rate limit, no access log.
    overrides = {"CORPUS_DIR": str(args.corpus), "RATE_LIMIT_ENABLED": False, "ACCESS_LOG": False}
    if args.index_path:
        overrides["INDEX_PATH"] = str(args.index_path)
    app = create_app(overrides)
    results = {}
    for path, questions in sets:
        results[path.stem] = evaluate(app, questions, args.audience)
    if len(sets) == 1:
        print(format_report(results[sets[0][0].stem]))
    else:
        for name, result in results.items():
            print(summary_line(name, result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = next(iter(results.values())) if len(results) == 1 else results
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="development server for the chat, widget and API")
    _add_corpus(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("index", help="build (or check) the index and print the ingestion report")
    _add_corpus(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild even when the index is up to date")
    p.add_argument("--report", type=Path, help="write the full ingestion report as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="list every audience correction and stale document")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", help="answer one question")
    _add_corpus(p)
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.add_argument("--audience", choices=("patient", "clinician", "all"), default="patient")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="measure answers against labelled questions (JSON lines)")
    _add_corpus(p)
    p.add_argument("questions", type=Path, nargs="+", help="JSON-lines files, or folders of them")
    p.add_argument("--json", type=Path, help="write every question's result and the summary as JSON")
    p.add_argument("--audience", choices=("patient", "clinician"), default="patient")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .config import ConfigError

    try:
        return args.func(args)
    except (FileNotFoundError, ConfigError) as exc:
        _log(f"error: {exc}")
        return 2
