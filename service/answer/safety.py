"""Safety routing: emergencies, crisis, personal-advice requests, small talk and scope.

The rules live in service/data/safety.yaml so that clinicians can review them. The order of
precedence is fixed here: urgent > crisis > advice > smalltalk > scope. A red flag always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Route:
    kind: str  # "urgent" | "crisis" | "advice" | "smalltalk" | "scope" | "library"
    reasons: tuple[str, ...] = ()
    also_crisis: bool = False  # an urgent message that also mentions self-harm
    smalltalk: str | None = None  # greeting | thanks | goodbye | capabilities
    question: str = ""  # the message with any greeting prefix removed


def normalize(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def _compile(patterns: list[str]) -> list[re.Pattern]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


@dataclass
class SafetyRules:
    red_flags: dict[str, list[re.Pattern]]
    negations: list[str]
    general_question: list[re.Pattern]
    in_the_past: list[re.Pattern]
    now: list[re.Pattern]
    happening_now: list[re.Pattern]
    crisis: list[re.Pattern]
    advice: list[re.Pattern]
    smalltalk: dict[str, re.Pattern]
    greeting_prefix: re.Pattern
    off_topic: list[re.Pattern]
    health_words: re.Pattern
    _negation: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        words = "|".join(re.escape(n) for n in sorted(self.negations, key=len, reverse=True))
        # A negation within the four words before a red flag ("I don't have chest pain").
        self._negation = re.compile(rf"\b({words})\b(\s+\S+){{0,4}}\s*$")

    @classmethod
    def load(cls, path: Path | None = None) -> SafetyRules:
        data = yaml.safe_load((path or DATA / "safety.yaml").read_text(encoding="utf-8"))
        urgent, small, scope = data["urgent"], data["smalltalk"], data["scope"]
        health = "|".join(re.escape(w) for w in scope["health_words"])
        return cls(
            red_flags={name: _compile(p) for name, p in urgent["red_flags"].items()},
            negations=urgent["negations"],
            general_question=_compile(urgent["general_question"]),
            in_the_past=_compile(urgent["in_the_past"]),
            now=_compile(urgent["now"]),
            happening_now=_compile(urgent["happening_now"]),
            crisis=_compile(data["crisis"]["patterns"]),
            advice=_compile(data["advice"]["patterns"]),
            smalltalk={k: re.compile(v, re.IGNORECASE) for k, v in small.items() if k != "greeting_prefix"},
            greeting_prefix=re.compile(small["greeting_prefix"], re.IGNORECASE),
            off_topic=_compile(scope["off_topic"]),
            health_words=re.compile(rf"\b({health})\b", re.IGNORECASE),
        )

    def red_flags_in(self, text: str) -> list[str]:
        """Names of red flags described in text and not negated."""
        found = []
        for name, patterns in self.red_flags.items():
            for pattern in patterns:
                for match in pattern.finditer(text):
                    if not self._negation.search(text[: match.start()]):
                        found.append(name)
                        break
                if name in found:
                    break
        return found

    def is_general_question(self, text: str) -> bool:
        """Asked about in general, or told as history: an information question, not an emergency now."""
        if any(p.search(text) for p in self.in_the_past) and not any(p.search(text) for p in self.now):
            return True
        general = any(p.search(text) for p in self.general_question)
        personal = any(p.search(text) for p in self.happening_now)
        return general and not personal


@lru_cache(maxsize=1)
def default_rules() -> SafetyRules:
    return SafetyRules.load()


def route(message: str, rules: SafetyRules | None = None) -> Route:
    rules = rules or default_rules()
    text = normalize(message)
    crisis = any(p.search(text) for p in rules.crisis)
    flags = rules.red_flags_in(text)
    if flags and not rules.is_general_question(text):
        return Route("urgent", tuple(flags), also_crisis=crisis, question=message)
    if crisis:
        return Route("crisis", ("self-harm",), question=message)
    question = rules.greeting_prefix.sub("", text).strip() if rules.greeting_prefix.match(text) else message
    for name, pattern in rules.smalltalk.items():
        if pattern.match(text):
            return Route("smalltalk", (name,), smalltalk=name, question=message)
    if any(p.search(text) for p in rules.advice):
        return Route("advice", ("personal advice",), question=question)
    if any(p.search(text) for p in rules.off_topic) and not rules.health_words.search(text):
        return Route("scope", ("outside health",), question=question)
    return Route("library", question=question)
