"""The JSON answer shape shared by the API, the CLI and the evaluation harness."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..corpus.models import Passage

KINDS = ("answer", "no_answer", "urgent", "crisis", "advice", "scope", "smalltalk", "clarify")
# "clarify": a short question with no topic yet; suggestions hold the likely topics.


@dataclass
class Sentence:
    text: str  # verbatim from the cited passage
    citation: int
    item: bool = False  # a list item (shown as a bullet)


@dataclass
class Citation:
    n: int
    passage_id: str
    title: str
    url: str | None
    section: str
    source: str
    last_reviewed: str | None
    audience: str
    snippet: str

    @classmethod
    def from_passage(cls, n: int, passage: Passage) -> Citation:
        return cls(
            n=n,
            passage_id=passage.id,
            title=passage.title,
            url=passage.url,
            section=passage.section,
            source=passage.source,
            last_reviewed=passage.last_reviewed,
            audience=passage.audience,
            snippet=passage.text,
        )


@dataclass
class Related:
    """A page listed as further reading: not quoted in the answer, so never a citation."""

    title: str
    url: str | None
    section: str
    source: str
    last_reviewed: str | None
    audience: str
    reason: str  # why it is listed, e.g. "Also about grapefruit"
    passage_id: str = ""  # the passage that stands for the page (never quoted, never credited with feedback)

    @classmethod
    def from_passage(cls, passage: Passage, reason: str) -> Related:
        return cls(title=passage.title, url=passage.url, section=passage.section, source=passage.source,
                   last_reviewed=passage.last_reviewed, audience=passage.audience, reason=reason,
                   passage_id=passage.id)


@dataclass
class Reply:
    kind: str
    text: str
    conversation_id: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    disclaimer: str = ""
    suggestions: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)  # other pages, each with its reason
    intro: str = ""  # the service's own opening line (an acknowledgement of feelings), never cited

    def to_dict(self) -> dict:
        return {
            "conversation_id": self.conversation_id,
            "kind": self.kind,
            "text": self.text,
            "sentences": [asdict(s) for s in self.sentences],
            "citations": [asdict(c) for c in self.citations],
            "disclaimer": self.disclaimer,
            "suggestions": list(self.suggestions),
            "related": [asdict(r) for r in self.related],
            "intro": self.intro,
        }

    def to_api_dict(self) -> dict:
        """The JSON API's reply: `citations` lists every source shown, in the order shown: the quoted passages,
        then the related reading, each marked `"related": true` with its reason (numbered after the quoted ones,
        cited by no sentence, never credited with feedback). `related` repeats the related reading on its own."""
        out = self.to_dict()
        for c in out["citations"]:
            c["related"] = False
        n = len(out["citations"])
        for k, r in enumerate(self.related, start=1):
            out["citations"].append({"n": n + k, **asdict(r), "snippet": "", "related": True})
        return out
