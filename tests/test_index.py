import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from service.corpus.models import Passage
from service.search.analyzer import Analyzer
from service.search.bm25 import build_impact_matrix, score_terms
from service.search.index import IndexSettings, index_tokens
from service.search.store import IndexFileError, ensure_index, load_index, save_index

from .conftest import write


def passage(i, text, audience="patient", title="Title"):
    return Passage(
        id=str(i),
        doc_path=f"d{i}.md",
        title=title,
        section="S",
        text=text,
        url=None,
        source="NCI",
        last_reviewed=None,
        audience=audience,
    )


def engine_scores(docs, query):
    vocab = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in d] for d in docs]
    m = build_impact_matrix(ids, len(vocab), np.arange(len(docs), dtype=np.int32))
    q = {}
    for t in query:
        if t in vocab:
            q[vocab[t]] = q.get(vocab[t], 0) + 1.0
    return score_terms(m, np.array(list(q), dtype=np.int64), np.array(list(q.values())))


WORDS = st.sampled_from("cancer chemo liver fatigue anemia stage blood marrow pain nausea the rare".split())


@settings(max_examples=150, deadline=None)
@given(
    docs=st.lists(st.lists(WORDS, min_size=0, max_size=30), min_size=1, max_size=25),
    query=st.lists(WORDS, min_size=1, max_size=6),
)
def test_scores_equal_rank_bm25_on_random_corpora(docs, query):
    """Includes repeated query terms, empty passages and terms common enough for the idf floor."""
    if sum(map(len, docs)) == 0:
        return
    expected = BM25Okapi(docs).get_scores(query)
    np.testing.assert_allclose(engine_scores(docs, query), expected, rtol=0, atol=1e-9)


def test_scores_equal_rank_bm25_on_the_seed_library(app):
    index = app.extensions["index"]
    analyzer, cfg = index.analyzer, index.settings
    for mode in ("patient", "all"):
        part = index.partitions[mode]
        docs = [index_tokens(index.passages[c], analyzer, cfg) for c in part.columns]
        bm25 = BM25Okapi(docs)
        for q in ("What is Reblozyl used for?", "luspatercept liver injury liver", "anemia transfusion side effects"):
            got, _ = index.scores(q, mode)
            np.testing.assert_allclose(got, bm25.get_scores(analyzer.tokens(q)), rtol=0, atol=1e-9)


def test_title_and_headings_count():
    a, cfg = Analyzer(), IndexSettings(title_weight=2, section_weight=1)
    tokens = index_tokens(passage(1, "Body words.", title="Liver Cancer"), a, cfg)
    assert tokens.count("liver") == 2 and "bodi" in tokens and "s" not in tokens


def test_patient_mode_never_scores_clinician_passages(app):
    index = app.extensions["index"]
    hits = index.search("luspatercept liver injury hepatotoxicity", "patient", k=50)
    assert hits and all(h.passage.audience == "patient" for h in hits)
    clinician = index.search("luspatercept liver injury hepatotoxicity", "clinician", k=50)
    assert clinician and all(h.passage.audience == "clinician" for h in clinician)
    assert {h.passage.audience for h in index.search("luspatercept", "all", k=50)} == {"patient", "clinician"}


def test_index_is_reused_and_rebuilt_when_the_library_changes(seed_corpus, tmp_path):
    path = tmp_path / "i.npz"
    _, built = ensure_index(seed_corpus, path)
    assert built
    _, built = ensure_index(seed_corpus, path)
    assert not built
    write(seed_corpus / "new.md", "---\ntitle: New\naudienceLevel: patient\n---\n## A\n\nFatigue is common.\n")
    index, built = ensure_index(seed_corpus, path)
    assert built and any(p.doc_path == "new.md" for p in index.passages)


def test_changed_analyzer_settings_trigger_a_rebuild(seed_corpus, tmp_path):
    path = tmp_path / "i.npz"
    ensure_index(seed_corpus, path)
    index, built = ensure_index(seed_corpus, path, settings=IndexSettings(title_weight=3))
    assert built and index.settings.title_weight == 3


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_corrupt_index_is_detected_and_rebuilt(seed_corpus, tmp_path, damage):
    path = tmp_path / "i.npz"
    good, _ = ensure_index(seed_corpus, path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(bytes(range(256)) * 100)
    else:
        path.write_bytes(b"")
    with pytest.raises(IndexFileError):
        load_index(path)
    index, built = ensure_index(seed_corpus, path)
    assert built and len(index.passages) == len(good.passages)


def test_flipped_byte_inside_the_index_is_caught(seed_corpus, tmp_path):
    path = tmp_path / "i.npz"
    ensure_index(seed_corpus, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexFileError):
        load_index(path)


def test_save_is_atomic_and_leaves_no_temp_files(app, tmp_path):
    index = app.extensions["index"]
    path = tmp_path / "out" / "i.npz"
    save_index(index, path)
    save_index(index, path)
    assert [p.name for p in path.parent.iterdir()] == ["i.npz"]
    again = load_index(path, index.fingerprint)
    assert [p.id for p in again.passages] == [p.id for p in index.passages]
    assert [p.entries for p in again.passages] == [p.entries for p in index.passages]
