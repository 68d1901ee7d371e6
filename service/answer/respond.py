"""One code path from a patient's message to a reply (API, CLI and evaluation all use it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ..corpus.sentences import split_sentences
from ..search.index import SearchIndex
from .response import DISCLAIMER, Citation, Reply, Sentence

NO_ANSWER_TEXT = (
    "I could not find an answer to that in the library. Your care team (doctor or nurse) is the best place to ask."
)


@dataclass
class ResponderSettings:
    emergency_number: str = "911"
    crisis_line: str = "988"
    top_k: int = 10


class Responder:
    def __init__(self, index: SearchIndex, settings: ResponderSettings | None = None) -> None:
        self.index = index
        self.settings = settings or ResponderSettings()

    def respond(self, message: str, conversation_id: str | None = None, audience: str = "patient") -> Reply:
        conversation_id = conversation_id or uuid.uuid4().hex
        hits = self.index.search(message, audience=audience, k=3)
        reply = Reply(kind="no_answer", text=NO_ANSWER_TEXT, conversation_id=conversation_id)
        if hits:
            reply.kind = "answer"
            for n, hit in enumerate(hits, start=1):
                reply.citations.append(Citation.from_passage(n, hit.passage))
                first = next(iter(split_sentences(hit.passage.text.split("\n")[0])), "")
                if first:
                    reply.sentences.append(Sentence(first, n))
            reply.text = " ".join(s.text for s in reply.sentences)
        reply.disclaimer = DISCLAIMER.format(emergency=self.settings.emergency_number)
        return reply
