"""Stored state is checked when it is read: anything of the wrong shape is a lost context, never an error.

Redis may hold state written by another version, damaged, or (before issue 13) written through another key
space. The web app's store guard and the responder's ConversationState.from_dict both use this one check, so
only state of the shape the responder writes is used: topic words, the answering page's title, the last question
type, the population the conversation named ("child" or "adult", or empty), a turn count and the kinds of the
last replies.
"""

from __future__ import annotations

STATE_TEXT_FIELDS = ("topic", "topic_title", "intent", "population")
MAX_TEXT = 2000
MAX_HISTORY = 50


def valid_conversation_state(state: object) -> bool:
    """True when state is a dict with only the fields ConversationState writes, each of the right type."""
    if not isinstance(state, dict):
        return False
    if not set(state) <= {*STATE_TEXT_FIELDS, "turns", "history"}:
        return False
    for key in STATE_TEXT_FIELDS:
        if key in state and not (isinstance(state[key], str) and len(state[key]) <= MAX_TEXT):
            return False
    turns = state.get("turns", 0)
    if isinstance(turns, bool) or not isinstance(turns, int) or turns < 0:
        return False
    history = state.get("history", [])
    if not isinstance(history, list) or len(history) > MAX_HISTORY:
        return False
    return all(isinstance(kind, str) and len(kind) <= 32 for kind in history)
