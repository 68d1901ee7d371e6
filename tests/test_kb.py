"""Checks on the real library (../shared/kb); skipped with a message when it is absent."""

import re

import pytest

from service.search.store import ensure_index

HP_URL = re.compile(r"/hp(/|-|$)|-hp-")


@pytest.fixture(scope="module")
def kb_index(kb_path, kb_index_path):
    index, built = ensure_index(kb_path, kb_index_path)
    assert not built  # the session fixture built it; this load checks the saved file
    return index


def test_no_health_professional_passage_is_in_the_patient_partition(kb_index):
    patient = [kb_index.passages[c] for c in kb_index.partitions["patient"].columns]
    assert len(patient) > 10_000
    assert not [p for p in patient if p.url and HP_URL.search(p.url)]
    assert not [p for p in patient if "Health Professional Version" in p.title]


def test_every_health_professional_document_is_listed_as_corrected(kb_index):
    report = kb_index.manifest["report"]
    corrected = {c["path"] for c in report["audience_corrections"]}
    hp_docs = {p.doc_path for p in kb_index.passages if p.url and HP_URL.search(p.url)}
    assert len(hp_docs) > 250
    assert hp_docs <= corrected
    assert report["documents_read"] == 1433 and not report["bad_files"]


def test_patient_questions_never_reach_hp_text(kb_index):
    for q in ("depression treatment in cancer patients", "graft versus host disease children", "levels of evidence"):
        assert all(h.passage.audience == "patient" for h in kb_index.search(q, "patient", k=20))
