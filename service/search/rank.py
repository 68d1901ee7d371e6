"""Document-level ranking on top of passage BM25.

Patients ask about a topic ("What are the stages of anal cancer?"); the page that is *about*
that topic should win over pages that mention it. Each candidate page is scored from:
- its best passage's BM25 score (normalised by the query's best score),
- the overlap between the query and the page's title and URL slug (idf-weighted F1, so a page
  titled "Childhood ..." loses to the adult page for a question that does not mention children),
- a mild prior for comprehensive pages (log of the page's length).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np

from .bm25 import okapi_idf, top_k
from .index import Hit, SearchIndex

# Words that say nothing about which page a question is about.
GENERIC_TITLE_WORDS = "cancer pdq patient version nci types type about"
# A page written about children: its title or address says so.
# Research news ("Advances in ... Research", trial results): right for research questions, a poor first
# answer to "what is it?" or "how is it treated?".
DRUG_PAGE = re.compile(r"/treatment/drugs/[^/]+/?$")  # one drug's page, not "drugs approved for ..." lists
NEWS_PAGE = re.compile(r"/research(/|$)|/news-events/")
# Questions that small topic pages answer as well as comprehensive ones: the length prior weighs less for them.
SMALL_PAGE_ASPECTS = (None, "what_is", "side_effects")
# Heading openings that say how a section is written, not what it is about.
HEADING_PREFIX = re.compile(
    r"^(questions and answers about|questions about|general information about|what (is|are)|about|"
    r"treatment (options )?(of|for)|signs and symptoms of|symptoms of|causes of|risk factors for)\s+",
    re.I,
)


def heading_names(section: str, max_words: int) -> list[str]:
    """The headings of a section path short enough to be names of topics, without openings such as
    "Questions and Answers About" ("St. John's Wort" is a name; "Esophageal cancer can recur ..." is not)."""
    names = (HEADING_PREFIX.sub("", heading) for heading in section.split(" > "))
    return [name for name in names if len(name.split()) <= max_words]


CHILD_PAGE = re.compile(r"\b(child|childhood|children|kids|pediatric|paediatric)\b|/child-", re.I)


@dataclass(frozen=True)
class RankWeights:
    passage: float = 1.0
    title: float = 1.0
    length: float = 1.0
    length_without_aspect: float = 0.7  # times `length` when no aspect, "what is" or side effects are asked
    candidates: int = 30
    # Population steering: who the question is about ("my son, 7"; "I'm 45"; not said).
    child_bonus: float = 0.2  # a child's question prefers children's pages
    narrow_bonus: float = 0.6  # "what about in children?" after a topic: the children's page of that topic
    adult_penalty: float = 0.5  # an adult's question avoids them
    unsaid_penalty: float = 0.2  # most questions are about adults; children's pages must earn their place
    news_penalty: float = 0.3  # research news, unless research is asked about
    aspect_title: float = 0.3  # the page's title names the aspect asked ("Lung Cancer Screening" for screening)
    drug_title: float = 0.3  # a drug named ("Opdivo"): its own drug page, not news or lists that mention it
    coverage: float = 1.0  # share of the question's concepts (idf-weighted) found in the page's best passages
    # every concept of a name of two or more words is in one short heading of the page, and in no page's title
    # ("Atypical Chronic Myeloid Leukemia" inside the page on myelodysplastic/myeloproliferative neoplasms)
    heading_name: float = 0.5


@dataclass(frozen=True)
class Concept:
    """One focus word and the library's words for it; `weight` is its idf."""

    terms: frozenset[str]
    weight: float
    phrases: tuple[frozenset[str], ...] = ()  # found when all its terms are ("CML": chronic myeloid leukemia)

    def found_in(self, terms: Collection[str], ignore: frozenset[str] = frozenset()) -> bool:
        """Any single term is in `terms`, or every term of a phrase (words in `ignore` aside)."""
        return bool(self.terms & terms) or any((p - ignore) and (p - ignore) <= terms for p in self.phrases)

    def all_terms(self) -> frozenset[str]:
        return self.terms.union(*self.phrases)


@dataclass
class DocumentHit:
    doc_path: str
    score: float
    passages: list[Hit]  # this page's matching passages, best first

    @property
    def title(self) -> str:
        return self.passages[0].passage.title

    @property
    def url(self) -> str | None:
        return self.passages[0].passage.url


def url_slug(url: str | None) -> str:
    if not url:
        return ""
    parts = [p for p in urlparse(url).path.split("/") if p][-2:]
    return " ".join(parts).replace("-", " ")


class _Partition:
    """Per-partition arrays: passage column -> page, page titles, lengths and idf."""

    def __init__(self, index: SearchIndex, name: str) -> None:
        part = index.partitions[name]
        analyzer = index.analyzer
        self.docs: list[str] = []
        doc_ids: dict[str, int] = {}
        col_doc = np.empty(part.n_passages, dtype=np.int32)
        lengths: list[int] = []
        titles: list[set[str]] = []
        child: list[bool] = []
        news: list[bool] = []
        drug: list[bool] = []
        for col, gidx in enumerate(part.columns):
            p = index.passages[int(gidx)]
            d = doc_ids.get(p.doc_path)
            if d is None:
                d = doc_ids[p.doc_path] = len(self.docs)
                self.docs.append(p.doc_path)
                lengths.append(0)
                titles.append(set(analyzer.tokens(f"{p.title} {url_slug(p.url)}")))
                child.append(bool(CHILD_PAGE.search(f"{p.title} {p.url or ''}")))
                news.append(bool(NEWS_PAGE.search(p.url or "")))
                drug.append(bool(DRUG_PAGE.search(p.url or "")))
            col_doc[col] = d
            lengths[d] += len(p.text.split())
        self.col_doc = col_doc
        self.child_page = np.array(child, dtype=bool)
        self.news_page = np.array(news, dtype=bool)
        self.drug_page = np.array(drug, dtype=bool)
        self.doc_ids = doc_ids
        self.length_prior = np.log1p(np.array(lengths, dtype=np.float64)) / 10.0
        generic = set(analyzer.tokens(GENERIC_TITLE_WORDS))
        self.titles = [t - generic for t in titles]
        self.generic = frozenset(generic)
        df = np.diff(part.matrix.indptr).astype(np.float64)
        idf = np.zeros_like(df)
        present = df > 0
        idf[present] = okapi_idf(df[present], max(part.n_passages, 1))
        # Terms absent from the partition still say something about the question.
        idf[~present] = float(idf[present].max()) if present.any() else 1.0
        self.idf = np.maximum(idf, 0.1)
        self.max_idf = float(self.idf.max()) if len(self.idf) else 1.0


class DocumentRanker:
    def __init__(self, index: SearchIndex, weights: RankWeights | None = None) -> None:
        self.index = index
        self.weights = weights or RankWeights()
        self._parts = {name: _Partition(index, name) for name in index.partitions}
        self._terms_cache: dict[int, frozenset[str]] = {}
        self._names_cache: dict[tuple[str, str], frozenset[str]] = {}
        self._headings_cache: dict[tuple[str, str], tuple[frozenset[str], ...]] = {}
        # Each passage's terms, read from the index instead of analysing its text again: the "all" partition
        # turned passage-major (term ids per passage column; the weights are not needed).
        every = index.partitions["all"]
        by_passage = every.matrix.tocsc()
        self._term_ptr, self._term_ids = by_passage.indptr, by_passage.indices
        self._column_of = np.full(len(index.passages), -1, dtype=np.int64)
        self._column_of[every.columns] = np.arange(len(every.columns))
        self._term_names = sorted(index.vocab, key=index.vocab.__getitem__)

    def passage_terms(self, passage_index: int) -> frozenset[str]:
        """Index terms of a passage with its title and headings (cached per passage)."""
        cache = self._terms_cache
        terms = cache.get(passage_index)
        if terms is None:
            col = int(self._column_of[passage_index])
            if col >= 0:
                ids = self._term_ids[self._term_ptr[col]:self._term_ptr[col + 1]]
                names = self._term_names
                terms = frozenset(names[i] for i in ids.tolist())
            else:  # not indexed (cannot happen for a loaded index): analyse it
                p = self.index.passages[passage_index]
                terms = frozenset(self.index.analyzer.tokens(f"{p.title} {p.section} {p.text}"))
            if len(cache) >= 20_000:
                cache.clear()  # bounded: a simple reset is enough for a cache this cheap to refill
            cache[passage_index] = terms
        return terms

    def concept_coverage(self, passages: Sequence[int], concepts: Sequence[Concept]) -> float:
        """idf-weighted share of the concepts that occur in these passages (any alternative counts)."""
        total = sum(c.weight for c in concepts)
        if not total:
            return 0.0
        present: set[str] = set()
        for g in passages[:10]:
            present |= self.passage_terms(g)
        return sum(c.weight for c in concepts if c.found_in(present)) / total

    def partition(self, audience: str) -> _Partition:
        return self._parts["patient" if audience == "patient" else "all"]

    def idf_of(self, term: str, audience: str = "patient") -> float:
        """A term's idf in the audience's partition; unknown terms count as rare."""
        return self._idf(self.partition(audience), term)

    def _idf(self, part: _Partition, term: str) -> float:
        tid = self.index.vocab.get(term)
        return float(part.idf[tid]) if tid is not None else part.max_idf

    def title_f1(self, part: _Partition, doc: int, query: Mapping[str, float]) -> float:
        """idf-weighted F1 between the query terms (with their weights) and the page's title terms."""
        title = part.titles[doc]
        terms = {t: w for t, w in query.items() if t not in part.generic and w > 0}
        if not title or not terms:
            return 0.0
        shared_q = sum(w * self._idf(part, t) for t, w in terms.items() if t in title)
        if shared_q == 0:
            return 0.0
        recall = shared_q / sum(w * self._idf(part, t) for t, w in terms.items())
        shared_t = sum(self._idf(part, t) for t in title if t in terms)
        precision = shared_t / sum(self._idf(part, t) for t in title)
        return 2 * precision * recall / (precision + recall)

    def concept_f1(self, part: _Partition, doc: int, concepts: Sequence[Concept], extra: Collection[str]) -> float:
        """idf-weighted F1 between the question's concepts and the page's title terms.

        A concept is one focus word with its alternatives ("radiotherapy" or "radiation therapy"):
        it is found in a title when any alternative is. Title terms that match `extra` (the aspect
        asked, "side effects") count for precision only.
        """
        title = part.titles[doc]
        concepts = [c for c in concepts if not c.terms <= part.generic]
        if not title or not concepts:
            return 0.0
        total = sum(c.weight for c in concepts)
        found = sum(c.weight for c in concepts if c.found_in(title, part.generic))
        if found == 0 or total == 0:
            return 0.0
        recall = found / total
        matched = set().union(*(c.all_terms() for c in concepts)) | set(extra)
        shared_t = sum(self._idf(part, t) for t in title if t in matched)
        precision = shared_t / sum(self._idf(part, t) for t in title)
        return 2 * precision * recall / (precision + recall) if precision else 0.0

    def rank(
        self,
        query: Mapping[str, float],
        audience: str = "patient",
        k_docs: int = 5,
        k_passages: int = 200,
        population: str | None = None,
        narrow: bool = False,
        concepts: Sequence[Concept] | None = None,
        aspect_terms: Collection[str] = (),
        aspect: str | None = None,
        aspect_title_terms: Collection[str] = (),
        drug_terms: Collection[str] = (),
        title_all: Collection[str] = (),
    ) -> list[DocumentHit]:
        """Pages best first, each with its matching passages. Audience filtering is in retrieval.

        `population` ("child", "adult" or None when the question does not say) steers between
        children's and adults' pages.
        """
        scores, columns = self.index.scores(query, audience)
        part = self.partition(audience)
        best_cols = top_k(scores, k_passages)
        if len(best_cols) == 0:
            return []
        top = float(scores[best_cols[0]])
        by_doc: dict[int, list[int]] = {}
        for c in best_cols:
            by_doc.setdefault(int(part.col_doc[c]), []).append(int(c))
        candidates = list(by_doc)[: self.weights.candidates]
        w = self.weights
        child = w.narrow_bonus if narrow else w.child_bonus
        steer = {"child": child, "adult": -w.adult_penalty}.get(population or "", -w.unsaid_penalty)
        news = 0.0 if aspect == "research" else -w.news_penalty
        length_weight = w.length * (w.length_without_aspect if aspect in SMALL_PAGE_ASPECTS else 1.0)
        aspect_title = set(aspect_title_terms)
        drugs = set(drug_terms)
        whole_title = set(title_all)  # every one of these in the title: "Stomach Cancer Treatment by Stage"
        # a name no page has as its title may be a short heading inside a page
        named = [c for c in concepts or () if not c.terms <= part.generic]
        heading_named = bool(w.heading_name) and len(named) >= 2 and not any(
            all(c.found_in(part.titles[d], part.generic) for c in named) for d in candidates)
        ranked: list[DocumentHit] = []
        for d in candidates:
            cols = by_doc[d]
            score = (
                w.passage * float(scores[cols[0]]) / top
                + w.title * (self.concept_f1(part, d, concepts, aspect_terms) if concepts
                             else self.title_f1(part, d, query))
                + length_weight * float(part.length_prior[d])
                + (steer if part.child_page[d] else 0.0)
                + (news if part.news_page[d] else 0.0)
                + (w.aspect_title if aspect_title_terms and part.titles[d] & aspect_title else 0.0)
                + (w.drug_title if drug_terms and part.drug_page[d] and part.titles[d] & drugs else 0.0)
                + (w.aspect_title if title_all and whole_title <= part.titles[d] else 0.0)
            )
            if heading_named and self._named_by_heading(part, d, named, audience):
                score += w.heading_name
            hits = [Hit(self.index.passages[int(columns[c])], float(scores[c]), int(columns[c])) for c in cols]
            if concepts and w.coverage:
                score += w.coverage * self.concept_coverage([h.index for h in hits], concepts)
            ranked.append(DocumentHit(part.docs[d], score, hits))
        ranked.sort(key=lambda h: -h.score)
        return ranked[:k_docs]

    def rescored(self, page: DocumentHit, query: Mapping[str, float], audience: str = "patient") -> DocumentHit:
        """The page with its passages scored again for another query (the question's own words), best first."""
        scores, columns = self.index.scores(query, audience)
        found = np.searchsorted(columns, [h.index for h in page.passages])  # columns are in passage order
        hits = [Hit(h.passage, float(scores[c]), h.index) for h, c in zip(page.passages, found.tolist(), strict=True)]
        hits.sort(key=lambda h: -h.score)
        return DocumentHit(page.doc_path, page.score, hits)

    def page_names(self, doc_path: str, audience: str = "patient", max_heading_words: int = 4) -> frozenset[str]:
        """Terms that name what a page is about: its title and its short headings (cached)."""
        key = (doc_path, audience)
        names = self._names_cache.get(key)
        if names is None:
            part = self.partition(audience)
            terms = set(part.titles[part.doc_ids[doc_path]]).union(
                *self.page_headings(doc_path, audience, max_heading_words))
            names = self._names_cache[key] = frozenset(terms - part.generic)
        return names

    def _named_by_heading(self, part: _Partition, doc: int, named: Sequence[Concept], audience: str) -> bool:
        """The concepts, all named by one short heading of the page."""
        return any(all(c.found_in(heading, part.generic) for c in named)
                   for heading in self.page_headings(part.docs[doc], audience))

    def page_headings(self, doc_path: str, audience: str = "patient",
                      max_heading_words: int = 4) -> tuple[frozenset[str], ...]:
        """The terms of each short heading of a page that names a topic (cached)."""
        key = (doc_path, audience)
        headings = self._headings_cache.get(key)
        if headings is None:
            # "What is flat closure?" asks; it does not name the page
            found = {frozenset(self.index.analyzer.tokens(name))
                     for g in self.doc_passages(doc_path, audience)
                     for name in heading_names(self.index.passages[g].section, max_heading_words)
                     if not name.rstrip().endswith("?")}
            headings = self._headings_cache[key] = tuple(found)
        return headings

    def doc_passages(self, doc_path: str, audience: str = "patient") -> list[int]:
        """Global passage indices of one page in reading order."""
        part = self.partition(audience)
        cols = self.index.partitions["patient" if audience == "patient" else "all"].columns
        return [int(cols[c]) for c in np.flatnonzero(part.col_doc == part.doc_ids[doc_path])]
