"""Plain data types shared by ingestion, search and answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Audience = Literal["patient", "clinician"]


@dataclass(frozen=True)
class AudienceVerdict:
    """The audience a document is served to, and why."""

    audience: Audience
    declared: str | None
    reasons: tuple[str, ...] = ()

    @property
    def corrected(self) -> bool:
        """True when the front matter said patient but the evidence says otherwise."""
        return self.declared == "patient" and self.audience != "patient"


@dataclass
class Document:
    """One library file after reading and metadata resolution (text not yet cleaned)."""

    path: str  # relative to the library root, with forward slashes
    body: str
    meta: dict
    title: str
    url: str | None
    source: str
    last_reviewed: str | None
    review_frequency: str | None
    status: str
    audience: AudienceVerdict | None = None


@dataclass(frozen=True)
class Passage:
    """A retrievable unit: a few sentences or list items under one heading path."""

    id: str
    doc_path: str
    title: str
    section: str
    text: str
    url: str | None
    source: str
    last_reviewed: str | None
    audience: Audience
    order: int = 0  # position of the passage inside its document
    links: tuple[tuple[str, str], ...] = field(default=())
    entries: tuple[str, ...] = ()  # bold words opening its list items ("Multiple myeloma"): what each item is about
