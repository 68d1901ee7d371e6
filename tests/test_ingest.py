import datetime as dt

from service.corpus.ingest import ingest_library, review_due

from .conftest import front_matter, make_unreadable, write

GOOD = (
    front_matter(
        title="Good page - NCI",
        url="https://www.cancer.gov/good",
        audienceLevel="patient",
        status="active",
        lastReviewed="'2026-10-01'",
        reviewFrequency="quarterly",
        source="NCI",
    )
    + "\n## About\n\nA good page about fatigue.\n"
)


def test_bad_files_are_reported_and_skipped(tmp_path):
    write(tmp_path / "good.md", GOOD)
    write(tmp_path / "broken.md", "---\ntitle: [unclosed\n---\nText\n")
    write(tmp_path / "binary.md", b"\x00\x01\x02binary")
    write(tmp_path / "empty.md", "")
    write(tmp_path / "latin1.txt", "caf\xe9 au lait".encode("latin-1"))
    write(tmp_path / "unclosed.md", "---\ntitle: x\nno end\n")
    passages, report = ingest_library(tmp_path, today=dt.date(2026, 11, 1))
    reasons = {b["path"]: b["reason"] for b in report.bad_files}
    assert set(reasons) == {"broken.md", "binary.md", "empty.md", "latin1.txt", "unclosed.md"}
    assert "YAML" in reasons["broken.md"] and "binary" in reasons["binary.md"]
    assert "UTF-8" in reasons["latin1.txt"] and "empty" in reasons["empty.md"]
    assert report.documents_indexed == 1 and report.skipped["bad file"] == 5
    assert passages and all(p.doc_path == "good.md" for p in passages)


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    write(tmp_path / "good.md", GOOD)
    make_unreadable(monkeypatch, write(tmp_path / "locked.md", GOOD))
    passages, report = ingest_library(tmp_path)
    assert report.bad_files == [{"path": "locked.md", "reason": "unreadable: Permission denied"}]
    assert {p.doc_path for p in passages} == {"good.md"}


def test_inactive_documents_are_skipped(tmp_path):
    write(tmp_path / "good.md", GOOD)
    write(tmp_path / "old.md", GOOD.replace("status: active", "status: retired"))
    passages, report = ingest_library(tmp_path)
    assert report.skipped == {"status retired": 1}
    assert report.inactive == [{"path": "old.md", "status": "retired"}]
    assert {p.doc_path for p in passages} == {"good.md"}


def test_stale_documents_are_reported():
    assert review_due("2025-12-30", "quarterly") == dt.date(2026, 3, 31)
    assert review_due("2025-12-30", "whenever") is None


def test_stale_report(tmp_path):
    write(tmp_path / "good.md", GOOD)
    _, fresh = ingest_library(tmp_path, today=dt.date(2026, 11, 1))
    _, late = ingest_library(tmp_path, today=dt.date(2027, 2, 1))
    assert fresh.stale == []
    assert late.stale == [{"path": "good.md", "last_reviewed": "2026-10-01", "review_due": "2026-12-31"}]


def test_sidecar_metadata_for_plain_text(seed_corpus):
    passages, report = ingest_library(seed_corpus)
    livertox = [p for p in passages if p.doc_path.startswith("000_")]
    assert livertox and all(
        p.audience == "clinician" and p.source == "LiverTox (NIDDK)" and p.url is None for p in livertox
    )
    assert any(p.section.endswith("Hepatotoxicity") for p in livertox)
    assert report.audience_counts == {"patient": 1, "clinician": 1}


def test_audience_correction_is_listed(tmp_path):
    write(tmp_path / "x-hp-pdq.md", GOOD.replace("https://www.cancer.gov/good", "https://www.cancer.gov/types/x/hp/y"))
    passages, report = ingest_library(tmp_path)
    assert report.audience_corrections[0]["path"] == "x-hp-pdq.md"
    assert all(p.audience == "clinician" for p in passages)
