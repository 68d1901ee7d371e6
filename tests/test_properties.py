"""Property-based tests (hypothesis) on the analyzer, the sentence splitter and passage grouping."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from service.corpus.sentences import split_sentences
from service.corpus.split import Block, group_blocks
from service.search.analyzer import Analyzer

ANALYZER = Analyzer()
WORDS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_analyzer_terms_are_clean_and_deterministic(text):
    tokens = ANALYZER.tokens(text)
    assert tokens == ANALYZER.tokens(text)
    for token in tokens:
        assert token and token == token.strip() and " " not in token
        assert token.isascii() and token == token.lower()
        assert token not in ANALYZER.stopwords


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_analyzer_ignores_case_and_accents(text):
    assert ANALYZER.tokens(text.upper()) == ANALYZER.tokens(text.lower()) or not text.isascii()


@given(st.lists(SENTENCE, min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_split_sentences_never_alters_or_loses_text(sentences):
    text = " ".join(sentences)
    parts = split_sentences(text)
    assert all(part and part in text for part in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


@given(st.lists(st.lists(SENTENCE, min_size=1, max_size=6), min_size=1, max_size=12), st.integers(20, 150))
@settings(max_examples=150, deadline=None)
def test_group_blocks_keeps_every_sentence_whole_and_in_order(paragraphs, max_words):
    blocks = [Block("para", " ".join(p)) for p in paragraphs]
    groups = group_blocks(blocks, max_words=max_words, min_words=max_words // 3)
    rebuilt = " ".join(b.text for g in groups for b in g)
    assert rebuilt.replace(" ", "") == " ".join(b.text for b in blocks).replace(" ", "")
    for group in groups:
        for block in group:
            for sentence in split_sentences(block.text):
                assert any(sentence in b.text for b in blocks)  # a sentence is never cut


def test_joined_forms_and_stems_that_are_stopwords_are_dropped():
    # found by test_analyzer_terms_are_clean_and_deterministic: "s-o" gave the term "so"
    assert ANALYZER.tokens("s-o hims") == []
    assert ANALYZER.tokens("5-FU") == ["5fu", "5", "fu"]


def test_contractions_are_stopwords_with_or_without_the_apostrophe():
    # "they've said it's stage 1b" gave the topic word "theyv"; "we'll" gave "well"
    assert ANALYZER.tokens("they've theyve we'll dont wouldnt") == []
    assert ANALYZER.tokens("I feel ill, it went well") == ["feel", "ill", "went", "well"]
