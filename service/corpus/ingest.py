"""Ingestion: library folder -> verified, cleaned, split passages and a report."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .audience import verify_audience
from .clean import clean_markdown, clean_plain_text, item_names
from .models import Document, Passage
from .reader import BadFile, read_library
from .split import (
    group_blocks,
    markdown_blocks,
    passage_id,
    plain_text_to_markdown,
    section_label,
    sections,
)

# Bump when cleaning or splitting changes what passages contain: it is part of the index fingerprint.
# 3: an empty heading mark takes its text from the next line; 4: lists kept whole; 5: bold lines as headings;
# 6: figure captions dropped; 7: images whose title has brackets dropped whole; 8: boxes of links dropped;
# 9: picture credits and the captions they close dropped; 10: a space after a bold label's end mark, no
# zero-width marks; 11: fact sheets' reference numbers dropped; 12: bold within a paragraph; 13: the bold names
# opening list items kept beside the text (Passage.entries)
PASSAGE_RULES_VERSION = 13
MAX_ENTRIES = 40

REVIEW_DAYS = {
    "weekly": 7,
    "monthly": 30,
    "quarterly": 91,
    "biannual": 182,
    "semiannual": 182,
    "semi-annual": 182,
    "biannually": 182,
    "annual": 365,
    "annually": 365,
    "yearly": 365,
    "biennial": 730,
}
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)


@dataclass
class IngestReport:
    documents_read: int = 0
    documents_indexed: int = 0
    skipped: Counter = field(default_factory=Counter)
    bad_files: list[dict] = field(default_factory=list)
    inactive: list[dict] = field(default_factory=list)
    audience_counts: Counter = field(default_factory=Counter)
    passage_counts: Counter = field(default_factory=Counter)
    audience_corrections: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "documents_read": self.documents_read,
            "documents_indexed": self.documents_indexed,
            "skipped": dict(self.skipped),
            "bad_files": self.bad_files,
            "inactive": self.inactive,
            "audience_counts": dict(self.audience_counts),
            "passage_counts": dict(self.passage_counts),
            "passages": sum(self.passage_counts.values()),
            "audience_corrections": self.audience_corrections,
            "stale": self.stale,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: dict) -> IngestReport:
        """The report as saved in an index manifest (to_dict's output)."""
        report = cls(
            documents_read=data["documents_read"],
            documents_indexed=data["documents_indexed"],
            bad_files=data["bad_files"],
            inactive=data.get("inactive", []),
            audience_corrections=data["audience_corrections"],
            stale=data["stale"],
            seconds=data["seconds"],
        )
        report.skipped.update(data["skipped"])
        report.audience_counts.update(data["audience_counts"])
        report.passage_counts.update(data["passage_counts"])
        return report

    def summary_lines(self) -> list[str]:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        return [
            f"documents read: {self.documents_read}, indexed: {self.documents_indexed}, skipped: {skipped}",
            f"audience: {self.audience_counts.get('patient', 0)} patient, "
            f"{self.audience_counts.get('clinician', 0)} clinician documents; "
            f"{len(self.audience_corrections)} audience corrections",
            f"passages: {sum(self.passage_counts.values())} "
            f"({self.passage_counts.get('patient', 0)} patient, {self.passage_counts.get('clinician', 0)} clinician)",
            f"stale documents (past lastReviewed + reviewFrequency): {len(self.stale)}",
            f"time: {self.seconds:.1f} s",
        ]


def _date_string(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def review_due(last_reviewed: str | None, frequency: str | None) -> dt.date | None:
    """The date a document is due for review, when both fields are usable."""
    if not last_reviewed or not frequency:
        return None
    days = REVIEW_DAYS.get(frequency.strip().lower())
    try:
        reviewed = dt.date.fromisoformat(last_reviewed[:10])
    except ValueError:
        return None
    return reviewed + dt.timedelta(days=days) if days else None


def _display_title(title: str, source: str) -> str:
    for suffix in (f" - {source}", " - NCI"):
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    return title.strip()


def make_document(rel: str, meta: dict, body: str) -> Document:
    source = str(meta.get("source") or "Unknown source").strip()
    raw_title = meta.get("title")
    if not isinstance(raw_title, str) or not raw_title.strip():
        first = re.search(r"^#\s+(.+)$", body, re.MULTILINE)
        raw_title = first.group(1) if first else Path(rel).stem.replace("_", " ").replace("-", " ")
    url = meta.get("url")
    url = url.strip() if isinstance(url, str) and re.match(r"^https?://", url.strip(), re.I) else None
    return Document(
        path=rel,
        body=body,
        meta=meta,
        title=_display_title(str(raw_title), source),
        url=url,
        source=source,
        last_reviewed=_date_string(meta.get("lastReviewed")),
        review_frequency=str(meta["reviewFrequency"]) if meta.get("reviewFrequency") else None,
        status=str(meta.get("status", "active")).strip().lower(),
    )


def document_passages(doc: Document) -> list[Passage]:
    """Clean, verify audience and split one document."""
    is_markdown = bool(doc.meta) and bool(MARKDOWN_HEADING.search(doc.body)) or doc.path.endswith((".md", ".markdown"))
    if is_markdown:
        text, links = clean_markdown(doc.body, doc.url)
        names = item_names(doc.body)
    else:
        text, links, names = plain_text_to_markdown(clean_plain_text(doc.body)), [], []
    blocks = markdown_blocks(text)
    headings = [b.text for b in blocks if b.kind == "heading"]
    doc.audience = verify_audience(doc.meta, doc.path, headings)
    key = doc.url or doc.path
    passages: list[Passage] = []
    for section in sections(blocks):
        label = section_label(section.path)
        for group in group_blocks(section.blocks):
            body = "\n".join(b.render() for b in group)
            found = tuple(dict.fromkeys((a, u) for a, u in links if a in body))
            entries = tuple(dict.fromkeys(n for n in names if f"\n- {n}" in f"\n{body}"))
            passages.append(
                Passage(
                    id=passage_id(key, label, body),
                    doc_path=doc.path,
                    title=doc.title,
                    section=label,
                    text=body,
                    url=doc.url,
                    source=doc.source,
                    last_reviewed=doc.last_reviewed,
                    audience=doc.audience.audience,
                    order=len(passages),
                    links=found[:20],
                    entries=entries[:MAX_ENTRIES],
                )
            )
    return passages


def ingest_library(
    root: Path,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Passage], IngestReport]:
    """Read every file below root; bad files are reported and skipped, never fatal."""
    started = time.perf_counter()
    today = today or dt.date.today()
    report = IngestReport()
    passages: list[Passage] = []
    seen_ids: set[str] = set()
    for item in read_library(root):
        report.documents_read += 1
        if progress and report.documents_read % 250 == 0:
            progress(f"  ... {report.documents_read} files read, {len(passages)} passages")
        if isinstance(item, BadFile):
            report.skipped["bad file"] += 1
            report.bad_files.append({"path": item.path, "reason": item.reason})
            continue
        path, meta, body = item
        rel = path.relative_to(root).as_posix()
        try:
            doc = make_document(rel, meta, body)
            if doc.status != "active":
                report.skipped[f"status {doc.status}"] += 1
                report.inactive.append({"path": rel, "status": doc.status})
                continue
            doc_passages = document_passages(doc)
        except Exception as exc:  # a bad file must never stop the build
            report.skipped["bad file"] += 1
            report.bad_files.append({"path": rel, "reason": f"could not be processed: {exc!r}"[:300]})
            continue
        if not doc_passages:
            report.skipped["no text"] += 1
            continue
        verdict = doc.audience
        assert verdict is not None
        report.documents_indexed += 1
        report.audience_counts[verdict.audience] += 1
        if verdict.audience != "patient":
            if verdict.declared != "clinician":
                report.audience_corrections.append(
                    {
                        "path": rel,
                        "declared": verdict.declared,
                        "audience": verdict.audience,
                        "reasons": list(verdict.reasons),
                    }
                )
        due = review_due(doc.last_reviewed, doc.review_frequency)
        if due and due < today:
            report.stale.append({"path": rel, "last_reviewed": doc.last_reviewed, "review_due": due.isoformat()})
        for p in doc_passages:
            if p.id in seen_ids:  # identical text twice in one section adds nothing
                continue
            seen_ids.add(p.id)
            passages.append(p)
            report.passage_counts[p.audience] += 1
    report.seconds = time.perf_counter() - started
    return passages, report
