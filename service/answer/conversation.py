"""Conversation memory: the topic a follow-up refers to.

"What is Reblozyl?" then "what are its side effects?": the second question names no topic,
so the topic of the earlier turn is carried over. A question that names a new topic replaces it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..store.validate import STATE_TEXT_FIELDS, valid_conversation_state
from .intent import as_patterns_read

# Words that point back to an earlier topic, or continue the last question.
ANAPHORA = re.compile(
    r"\b(it|its|it's|this|that|these|those|they|them|their|the drug|the cancer|this cancer|the treatment)\b"
)
CONTINUATION = re.compile(
    r"^(?:(?:ok(?:ay)?|right|thanks?|thank you)[,.!\s]+)?(and|what about|how about|also|but|or|then|so)\b"
)
# Words that announce a new subject: the earlier topic is not carried over.
NEW_TOPIC = re.compile(
    r"\b(different|another|new|separate|unrelated|other) (question|thing|topic|subject)\b|\bunrelated\b|"
    r"\bsomething (else|different)\b|\bchanging the subject\b|\bon another note\b"
)


@dataclass
class ConversationState:
    topic: str = ""  # the focus words of the topic ("reblozyl"); never the whole message
    topic_title: str = ""  # the title of the page that answered it
    intent: str = ""  # the question type last asked about ("side_effects")
    population: str = ""  # "child" or "adult" when the conversation said so
    turns: int = 0
    history: list[str] = field(default_factory=list)  # kinds of the last replies (no message text)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> ConversationState:
        # Stored state of any other shape than the one to_dict writes is a lost context, never trusted
        # (the same check the web app's store guard makes, service/store/validate.py).
        if not data or not valid_conversation_state(data):
            return cls()
        state = cls(turns=data.get("turns", 0), history=list(data.get("history", []))[-10:])
        for key in STATE_TEXT_FIELDS:
            setattr(state, key, data.get(key, "")[:500])
        return state




def points_back(message: str) -> bool:
    """A pronoun such as "it" or "its": the earlier topic is meant."""
    return bool(ANAPHORA.search(as_patterns_read(message)))


SUBJECT_PRONOUN = re.compile(r"\b(it|its|it's|the drug|this drug|the treatment)\b")


def keeps_subject(message: str) -> bool:
    """"can it be used for stomach cancer too?": the earlier topic stays the subject. Not for
    "and CML? is that the same?" or "what about X": those bring a new subject."""
    plain = as_patterns_read(message)
    return bool(SUBJECT_PRONOUN.search(plain)) and not CONTINUATION.search(plain)


def changes_topic(message: str) -> bool:
    """"different question - ...": a new subject, whatever pronouns follow."""
    return bool(NEW_TOPIC.search(as_patterns_read(message)))


def continues(message: str) -> bool:
    """"and ...", "what about ...": the earlier question goes on, perhaps with a new topic."""
    return bool(CONTINUATION.search(as_patterns_read(message)))
