"""Safety routing: emergencies, crisis, personal-advice requests, small talk and scope.

Emergencies and crises are found by concepts and rules over concepts, kept for clinical review in
service/data/red_flags.yaml (how a message is read is described at the top of that file). Advice,
small talk and scope rules live in service/data/safety.yaml. The order of precedence is fixed here:
urgent > crisis > advice > smalltalk > scope. A red flag always wins.

Nothing here logs or stores the message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .prefilter import WordPrefilter

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_CHARS = 5000  # longer messages are read up to here (the API caps messages well below)


@dataclass(frozen=True)
class Route:
    kind: str  # "urgent" | "crisis" | "advice" | "smalltalk" | "scope" | "library"
    reasons: tuple[str, ...] = ()
    also_crisis: bool = False  # an urgent message that also shows suicidal intent
    smalltalk: str | None = None  # greeting | thanks | goodbye | capabilities
    question: str = ""  # the message with any greeting prefix removed
    about_other: bool = False  # the crisis is someone else's ("my dad ... going to end it")
    other_question: str = ""  # in an urgent message, the part that asks something else


def normalize(text: str) -> str:
    """Lower case with curly quotes straightened (used by the advice, small-talk and scope rules)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


# --- normalisation for red flags --------------------------------------------------------------
APOSTROPHES = re.compile(r"['`´’‘ʼ]")
POSSESSIVE = re.compile(r"\b(?!(?:he|she|it|that|what|there|who|where|here|let|how)['`´’‘ʼ]s\b)(\w+)['`´’‘ʼ]s\b")
BACK_REFERENCE = re.compile(
    r"\s*(and |but |well )?(it|this|that|its|thats|i do|i am|im|i feel|mine|he is|she is|hes|shes|he does|she does)\b"
)
# A negation inside a match just before its last word: "a cough but no blood", "sore throat, no swelling".
NEGATED_INSIDE = re.compile(r"\w\W+(no|without|nor|never|zero|but not)\W+(?!sense$)(\w+\W+){0,2}\w+$")
# A number followed by a unit that is not a temperature ("38.5 kg", "39 mm") is not read as one.
OTHER_UNIT = re.compile(r"\s*(kg|kgs|kilos?|lbs?|pounds|stone|st|g|mg|mcg|ml|l|litres?|liters?|mm|cm|m|metres?|%|"
                        r"percent|units?|mmol|years?|yrs?|yo|weeks?|days?|months?|hours?|minutes?|times|x|bpm)\b")
RESOLVED_TAIL = re.compile(r" (now|today|again|this (morning|afternoon|evening))\b")
# Words that keep a symptom severe whatever follows ("crushing chest pains on and off").
STRONG = re.compile(r"\b(crushing|severe|terrible|agonising|agonizing|excruciating|unbearable|awful|horrendous)\b")
# Words that say a mild symptom has grown ("streaks of blood, now much more than before").
WORSE = re.compile(r"\b(much more|more and more|a lot more|loads more|getting worse|much worse|worse than before|"
                   r"increasing|heavier|bigger amounts?)\b")
# Said even inside an "if" tail, these keep a concept current ("can we go if he has 38.5 right now?").
RIGHT_NOW = re.compile(r"\b(right now|at the moment|currently|just now|as we speak|as i type)\b")
NEGATED_AFTER = re.compile(r"^[\s-]*(free|clear)\b")  # "seizure free ever since", "fever-free"
# A past event in a clause runs from its first past-tense verb to the past marker: in "being sick had a stent
# put in last month nothing passing" (told without commas) "being sick" and "nothing passing" are current;
# "had a seizure 4 years ago" and "was diagnosed last year and had a fit" stay history.
PAST_VERB = re.compile(r"(?<!\bive )(?<!\bhes )(?<!\bshes )(?<!\bweve )(?<!\bhave )(?<!\bhas )(?<!\bi have )"
                       r"\b(had|was|were|got|went|did|took|felt|developed|suffered)\b")
NEVER_BEFORE = re.compile(r"\W*(\w+\W+){0,2}before\b")
IF_TAIL = re.compile(r"\b(if|whether|in case|when)\b.*$")  # "how do I know if he is having a seizure"
GENERIC_MEDICINE = ["pills?", "tablets?", "capsules?", "meds", "medicines?", "medications?", "drugs"]
NUMBER = re.compile(
    r"(?<![\w.])(\d{2,3}(?:[.,]\d{1,2})?)(?:\s*(°\s*[cf]\b|°|(?:degrees?(?:\s+(?:c|f|celsius|centigrade|fahrenheit))?"
    r"|deg|celsius|centigrade|fahrenheit|c|f)\b))?"
)
TEMP_CONTEXT = re.compile(
    r"\b(temps?|temperatures?|fever\w*|thermometer|read(ing|s)?|spiked?|spiking|pyrexi\w*|febrile|running)\b"
)
TEMP_AFTER = re.compile(r"\s*(fever|temp|temperature)\b")
THRESHOLD_WORDS = re.compile(
    r"\b(over|above|under|below|than|exceeds?|reach(es)?|hits?|past|beyond|goes|go|gets|to)\s*$"
)
# A bare decimal between 37.0 and 42.5 is read as a temperature unless a lab value or measure is named before it.
LAB_CONTEXT = re.compile(r"\b(psa|ca ?125|cea|afp|hb|haemoglobin|hemoglobin|platelets?|potassium|sodium|calcium|"
                         r"creatinine|egfr|bmi|weight|kg|lbs?|level|count|score|mm|cm|size|ratio|hours?|weeks?)\b")
UP_TO = re.compile(r"\b(went|gone|got|come|came|shot|climbed|crept) up to\s*$")  # "went up to 38.4": a reading
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "few": 3, "couple of": 2, "several": 4, "half an": 0.5}
UNIT_MINUTES = {"min": 1, "minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440,
                "night": 720, "nights": 720, "week": 10080, "weeks": 10080}
DURATION = re.compile(
    r"\b(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|few|couple of|several|half an)\s+(?:more\s+|whole\s+|full\s+)?(minutes?|min|hours?|days?|nights?|weeks?)\b"
)
NAMED_DURATIONS = [
    (re.compile(r"\bsince (before (bed|i went to bed|going to bed) )?(last night|yesterday evening)\b"), 600),
    (re.compile(r"\bsince yesterday\b|\bsince the day before\b"), 1080),
    (re.compile(r"\bsince (lunch|lunchtime|breakfast|tea|teatime|dinner|the morning|the afternoon) yesterday\b"), 1080),
    (re.compile(r"\bsince (about |around )?\d{1,2}(:\d\d)? ?(am|pm|oclock)? ?(last night|yesterday)\b"), 600),
    (re.compile(r"\ball (day|night)\b|\bovernight\b"), 600),
    (re.compile(r"\bsince (this morning|breakfast|i woke up|i got up)\b"), 360),
    (re.compile(r"\bsince (lunch|lunchtime|midday)\b"), 240),
]
AGO = re.compile(r"\s+(about |around |only )?(an?|\d+|one|two|three|few|a few|couple of) (minutes?|hours?) ago\b")
CLOCK = r"(\d{1,2})(?::(\d\d))? ?(am|pm)\b"
SINCE_CLOCK = re.compile(r"\bsince (?:about |around |roughly )?" + CLOCK)
NOW_CLOCK = re.compile(r"\b(?:its|it is|now|now its|its now) (?:now )?(?:about |around |nearly |almost )?" + CLOCK)
SENTENCE_END = re.compile(r"\.(?!\d)|[?!;\n]+")
WORD = re.compile(r"\w+")
SELF_WORDS = {"i", "im", "ive", "id", "ill", "me", "myself"}
OTHER_WORDS = {"he", "hes", "she", "shes", "they", "theyre", "him", "his", "her", "them", "their", "himself",
               "herself", "themselves", "dad", "mum", "mom", "mother", "father", "husband", "wife", "partner",
               "son", "daughter", "brother", "sister", "friend", "boyfriend", "girlfriend", "grandad",
               "grandpa", "granddad", "grandma", "nan", "nana", "gran", "uncle", "aunt", "auntie", "cousin",
               "neighbour", "neighbor", "colleague", "fiance", "fiancee", "kid", "child", "teenager"}
QUESTION_CUE = re.compile(r"\b(what|whats|how|why|when|which|who|where|can|could|is|are|does|do|should|would|"
                          r"will|tell me|question|wondering|ask|advice|tips|ideas)\b")
OTHER_PREFIX = re.compile(r"^(quick question( about| on| re)?|another question( about)?|question about|"
                          r"i (also )?(wanted|want|need|was going) to ask( about)?|(i )?wanted to ask( about)?|"
                          r"i was (also )?wondering( about)?)\s+")
CONTENT_WORD = re.compile(r"\b(?!(?:the|a|an|and|or|to|of|in|on|for|is|it|im|i|my|me|what|how|can|do|does|about|"
                          r"with|that|this|be|are|was|also|but|so|any|should|will|would|could)\b)[a-z]{3,}\b")


DIGITS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9}
_DIGIT = "(zero|oh|one|two|three|four|five|six|seven|eight|nine)"
WORD_TEMPERATURE = re.compile(
    rf"\b(?:(thirty)[ -]?(five|six|seven|eight|nine)|(forty)(?:[ -]?(one|two))?"
    rf"|(a )?hundred (and )?(one|two|three|four))(?: point {_DIGIT})?\b")


def _word_temperature(m: re.Match) -> str:
    if m.group(1):
        value = 30 + DIGITS[m.group(2)]
    elif m.group(3):
        value = 40 + (DIGITS[m.group(4)] if m.group(4) else 0)
    else:
        value = 100 + DIGITS[m.group(7)]
    decimal = m.group(8)
    return f"{value}.{DIGITS[decimal]}" if decimal else str(value)


@dataclass
class Concept:
    name: str
    pattern: re.Pattern
    context: bool = False  # a circumstance (on treatment, a child): only negation drops it
    crisis: bool = False
    mild_words: bool = False
    min_minutes: float = 0.0  # needs a duration at least this long in the message
    cancelled_by_normal_reading: bool = False
    even_in_questions: bool = False  # not dropped when put as a general question
    never_negated: bool = False  # a time word ("today"): a negation before it is about something else


@dataclass
class Rule:
    name: str
    all: tuple[str, ...]
    any: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # a circumstance that explains the concepts away (black stool on iron)


@dataclass
class Reading:
    """A normalised message: the text the concepts are matched against, and what was measured."""

    text: str
    durations: list[float] = field(default_factory=list)  # minutes
    high_temp: bool = False
    normal_temp: bool = False  # a reading below 38.0
    low_temp: bool = False  # a reading below 37.5


@dataclass
class Finding:
    concepts: set[str]
    fired: list[str]
    crisis: bool
    about_other: bool
    other_question: str


def _top_level_alternatives(variant: str) -> list[str]:
    """Split a variant at the '|' that are outside parentheses (so '~N' binds within one alternative)."""
    parts, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(variant):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(variant[start:i])
            start = i + 1
    parts.append(variant[start:])
    return parts


def _near(variant: str) -> str:
    """'A ~N B' -> A, then at most N words in the same sentence, then B (within each top-level alternative)."""
    out = []
    for alternative in _top_level_alternatives(variant):
        parts = re.split(r"\s+~(\d+)\s+", alternative)
        piece = f"(?:{parts[0]})"
        for i in range(1, len(parts), 2):
            piece += rf"(?:[^\w.?!;\n]+\w+){{0,{parts[i]}}}?[^\w.?!;\n]+(?:{parts[i + 1]})"
        out.append(piece)
    return "|".join(out)


def _trie(words: list[str]) -> str:
    """A regular expression for a list of literal words, shared beginnings factored out
    ("oxy(?:codone|contin|norm)"): Python's engine tries every word of a flat list at every place,
    which made long lists of drug names most of the routing time. Where several words match at one
    place the longest is tried first, as in a flat list sorted longest first."""
    tree: dict = {}
    for word in set(words):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def longest(node: dict) -> int:
        return max((1 + longest(child) for ch, child in node.items() if ch), default=0)

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child)
                    for ch, child in sorted(((c, n) for c, n in node.items() if c),
                                            key=lambda item: -longest(item[1]))]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        if "" in node and len(branches) == 2:
            return f"(?:{branches[0]})?"
        return "(?:" + "|".join(branches) + ")"

    return build(tree)


def _words_regex(words: list[str]) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{_trie(words)})(?!\w)")


@dataclass
class RedFlagRules:
    typos: dict[str, str]
    typo_pattern: re.Pattern
    concepts: list[Concept]
    urgent_rules: list[Rule]
    crisis_rules: list[Rule]
    crisis_with_urgent: set[str]
    negation: re.Pattern
    not_negation: re.Pattern
    past: re.Pattern
    past_sentence: re.Pattern
    context_past: re.Pattern
    now: re.Pattern
    resolved: re.Pattern
    general: re.Pattern
    general_message: re.Pattern
    asked_about: re.Pattern
    anchor: re.Pattern
    mild: re.Pattern
    mild_after: re.Pattern
    habitual: re.Pattern
    exertion: re.Pattern
    clause_break: re.Pattern
    filler: re.Pattern
    prefilter: WordPrefilter | None = None  # which concepts can match, from the message's words

    def __post_init__(self) -> None:
        if self.prefilter is None:
            self.prefilter = WordPrefilter([c.pattern.pattern for c in self.concepts])

    @classmethod
    def load(cls, path: Path | None = None) -> RedFlagRules:
        data = yaml.safe_load((path or DATA / "red_flags.yaml").read_text(encoding="utf-8"))
        typos = {APOSTROPHES.sub("", k.lower()): v for k, v in data["typos"].items()}
        drugs = [APOSTROPHES.sub("", d.lower()) for d in data.get("drugs", [])]
        medicine_names = drugs + [APOSTROPHES.sub("", m.lower()) for m in data.get("medicines", [])]
        medicine = "(?:" + "|".join(GENERIC_MEDICINE + [_trie(medicine_names)]) + ")"
        concepts = []
        for name, spec in data["concepts"].items():
            variants = [_near(v.replace("{medicine}", medicine)) for v in spec["variants"]]
            if spec.get("with_drugs") and drugs:
                variants.append(_trie(drugs))
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{v})" for v in variants) + r")(?!\w)")
            concepts.append(Concept(
                name=name, pattern=pattern, context=bool(spec.get("context")), crisis=bool(spec.get("crisis")),
                mild_words=bool(spec.get("mild_words")), min_minutes=float(spec.get("min_minutes", 0)),
                cancelled_by_normal_reading=bool(spec.get("cancelled_by_normal_reading")),
                even_in_questions=bool(spec.get("even_in_questions")),
                never_negated=bool(spec.get("never_negated")),
            ))
        names = {c.name for c in concepts}
        def read_rule(r: dict) -> Rule:
            return Rule(r["name"], tuple(r["all"]), tuple(r.get("any", ())), tuple(r.get("unless", ())))

        rules = [read_rule(r) for r in data["urgent_rules"]]
        crisis_rules = [read_rule(r) for r in data.get("crisis_rules", [])]
        for rule in rules + crisis_rules:
            unknown = (set(rule.all) | set(rule.any) | set(rule.unless)) - names
            if unknown:
                raise ValueError(f"rule {rule.name!r} uses unknown concepts {sorted(unknown)}")
        return cls(
            typos=typos,
            typo_pattern=_words_regex(list(typos)),
            concepts=concepts,
            urgent_rules=rules,
            crisis_rules=crisis_rules,
            crisis_with_urgent=set(data.get("crisis_with_urgent", [])),
            negation=re.compile(r"\b(" + "|".join(re.escape(n) for n in data["negations"]) + r")\b"),
            not_negation=_words_regex(data["not_negations"]),
            past=re.compile(data["past"]),
            past_sentence=re.compile(data["past_sentence"]),
            context_past=re.compile(data["context_past"]),
            now=re.compile(data["now"]),
            resolved=re.compile(data["resolved"]),
            general=re.compile(data["general"]),
            general_message=re.compile(data["general_message"]),
            # the concept follows the asking words closely: "is that a seizure?"
            asked_about=re.compile(data["asked_about"] + r"(\W+(a|an|the|another|more of a))?\W*$"),
            anchor=re.compile(data["anchor"]),
            mild=re.compile(data["mild"]),
            mild_after=re.compile(data["mild_after"]),
            habitual=re.compile(data["habitual"]),
            exertion=re.compile(data["exertion"]),
            clause_break=re.compile(data["clause_break"]),
            filler=re.compile(data["filler"]),
        )

    # --- normalisation ------------------------------------------------------------------------
    def normalise(self, message: str) -> Reading:
        """Lower case, straight quotes, no apostrophes, typos corrected, temperatures read."""
        text = unicodedata.normalize("NFKC", message[:MAX_CHARS]).lower()
        text = text.replace("“", '"').replace("”", '"')
        text = POSSESSIVE.sub(r"\1", text)  # "tummy's swollen", "husband's slurring": the noun alone
        text = APOSTROPHES.sub("", text)
        text = re.sub(r"\bcan not\b|\bcannot\b", "cant", text)
        text = re.sub(r"[ \t\r\f\v]+", " ", text).strip()
        text = re.sub(r"\b(\d+(?:\.\d+)?)(hrs?|hours?|mins?|minutes?|days?|wks?|weeks?)\b", r"\1 \2", text)  # "16hrs"
        text = self.typo_pattern.sub(lambda m: self.typos[m.group(0)], text)
        text = WORD_TEMPERATURE.sub(_word_temperature, text)  # "thirty eight point five" -> "38.5"
        text = re.sub(r"\b(\d{2,3}) point (\d)\b", r"\1.\2", text)  # "38 point 5" -> "38.5"
        reading = Reading(text)
        reading.text = self._read_temperatures(text, reading)
        reading.durations = self._durations(reading.text)
        return reading

    @staticmethod
    def _read_temperatures(text: str, reading: Reading) -> str:
        pieces: list[str] = []
        last = 0
        any_context = TEMP_CONTEXT.search(text) is not None
        for m in NUMBER.finditer(text):
            value = float(m.group(1).replace(",", "."))
            unit = (m.group(2) or "").replace("°", "").replace("degrees", "").replace("degree", "").strip()
            before = text[max(0, m.start() - 80):m.start()]
            context = (TEMP_CONTEXT.search(" ".join(before.split()[-8:])) is not None
                       or TEMP_AFTER.match(text, m.end()) is not None)  # "a 102 fever"
            if not m.group(2) and OTHER_UNIT.match(text, m.end()):
                continue  # "38.5 kg": a weight, not a temperature
            if THRESHOLD_WORDS.search(before) and not UP_TO.search(before):
                continue  # "call if it goes over 38": a threshold, not a reading
            decimal = re.search(r"[.,]", m.group(1)) is not None
            if unit.startswith("f") or (not unit and 95 <= value <= 110 and context) or (
                    not unit and decimal and 99.5 <= value <= 106.5 and any_context):  # "100.8 ... is that a fever"
                celsius = (value - 32) * 5 / 9
            elif unit or context or (decimal and 37.0 <= value <= 42.5
                                     and (any_context or not LAB_CONTEXT.search(" ".join(before.split()[-4:])))):
                celsius = value
            else:
                continue
            if not 34.0 <= celsius <= 43.5:
                continue
            high = celsius >= 37.995
            very_low = celsius < 35.995  # below 36.0: not reassuring, sepsis can lower the temperature
            reading.high_temp |= high
            reading.normal_temp |= not high
            # 37.5-37.9 is borderline and below 36 too low: neither cancels fever words or shivers
            reading.low_temp |= 36.0 <= celsius < 37.495
            pieces.append(text[last:m.start()])
            pieces.append("hightemp" if high else "lowtemp" if very_low else
                          "normaltemp" if celsius < 37.495 else "borderlinetemp")
            last = m.end()
        pieces.append(text[last:])
        return "".join(pieces)

    @staticmethod
    def _durations(text: str) -> list[float]:
        out: list[float] = []
        for m in DURATION.finditer(text):
            amount = m.group(1)
            number = float(amount) if amount[0].isdigit() else NUMBER_WORDS.get(amount, 1)
            unit = m.group(2)
            out.append(number * UNIT_MINUTES.get(unit, UNIT_MINUTES.get(unit.rstrip("s") + "s", 1)))
        since, now = SINCE_CLOCK.search(text), NOW_CLOCK.search(text)
        if since and now:  # "since about 6am and it's now 9pm"
            def minutes(m: re.Match) -> int:
                return (int(m.group(1)) % 12 + (12 if m.group(3) == "pm" else 0)) * 60 + int(m.group(2) or 0)
            out.append((minutes(now) - minutes(since)) % 1440)
        for pattern, minutes in NAMED_DURATIONS:
            m = pattern.search(text)
            if m and not AGO.match(text, m.end()):  # "since i got up an hour ago": the hour counts, not 6
                out.append(minutes)
        return out

    # --- structure ----------------------------------------------------------------------------
    def _segments(self, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Sentence spans and clause spans (clauses split at commas and words such as 'but')."""
        sentences: list[tuple[int, int]] = []
        start = 0
        for m in SENTENCE_END.finditer(text):
            if m.start() > start:
                sentences.append((start, m.start()))
            start = m.end()
        if start < len(text):
            sentences.append((start, len(text)))
        clauses: list[tuple[int, int]] = []
        for s, e in sentences:
            cut = s
            for m in re.finditer(r",|" + self.clause_break.pattern, text[s:e]):
                if s + m.start() > cut:
                    clauses.append((cut, s + m.start()))
                cut = s + m.end()
            if cut < e:
                clauses.append((cut, e))
        return sentences, clauses

    @staticmethod
    def _span_of(spans: list[tuple[int, int]], pos: int) -> int:
        for i, (s, e) in enumerate(spans):
            if s <= pos < e or (pos == e and i == len(spans) - 1):
                return i
        for i, (s, _) in enumerate(spans):
            if pos < s:
                return max(i - 1, 0)
        return max(len(spans) - 1, 0)

    # --- concepts -----------------------------------------------------------------------------
    def find(self, message: str) -> Finding:
        reading = self.normalise(message)
        text = reading.text
        sentences, clauses = self._segments(text)
        if not sentences:
            return Finding(set(), [], False, False, "")
        neg_text = self.not_negation.sub(lambda m: "_" * len(m.group(0)), text)
        res_spans = []  # a time word right after a resolution belongs to it ("back to himself today")
        for m in self.resolved.finditer(text):
            tail = RESOLVED_TAIL.match(text, m.end())
            res_spans.append((m.start(), tail.end() if tail else m.end()))
        now_text = text
        for s, e in res_spans:
            now_text = now_text[:s] + "_" * (e - s) + now_text[e:]
        general_message = bool(self.general_message.search(text))
        sentence_general = []
        for s, e in sentences:
            sentence = text[s:e].strip(" ,")
            general = general_message or bool(self.general.search(sentence))
            sentence_general.append(general)
        for i in range(len(sentences) - 1):  # "is it normal to cough up blood? it's happening right now"
            s, e = sentences[i + 1]
            if sentence_general[i] and BACK_REFERENCE.match(text[s:e]) and self.anchor.search(now_text[s:e]):
                sentence_general[i] = False
        longest = max(reading.durations, default=0.0)

        live: set[str] = set()
        crisis_subjects: list[bool] = []  # True when about someone else
        first_match: dict[str, re.Match] = {}
        danger_clauses: set[int] = set()
        for position in self.prefilter.candidates(text):
            concept = self.concepts[position]
            if concept.min_minutes and longest < concept.min_minutes:
                continue
            if concept.cancelled_by_normal_reading and reading.low_temp and not reading.high_temp:
                continue
            for m in concept.pattern.finditer(text):
                ci = self._span_of(clauses, m.start())
                if not concept.context:
                    danger_clauses.add(ci)
                if not self._is_live(concept, m, text, neg_text, now_text, clauses[ci], sentences,
                                     sentence_general, res_spans):
                    continue
                live.add(concept.name)
                first_match.setdefault(concept.name, m)
                if concept.crisis:
                    crisis_subjects.append(self._about_other(text, m))
                if not concept.crisis:
                    break
        fired = [r.name for r in self.urgent_rules if self._fires(r, live)]
        for rule in self.crisis_rules:
            if self._fires(rule, live):
                crisis_subjects.append(self._about_other(text, first_match[rule.all[0]]))
        crisis = bool(crisis_subjects) or bool(live & self.crisis_with_urgent)
        about_other = bool(crisis_subjects) and all(crisis_subjects)
        other = self._other_question(text, clauses, danger_clauses) if fired else ""
        return Finding(live, fired, crisis, about_other, other)

    @staticmethod
    def _fires(rule: Rule, live: set[str]) -> bool:
        return (all(c in live for c in rule.all) and (not rule.any or any(c in live for c in rule.any))
                and not any(c in live for c in rule.unless))

    def _is_live(self, concept: Concept, m: re.Match, text: str, neg_text: str, now_text: str,
                 clause: tuple[int, int], sentences: list[tuple[int, int]], sentence_general: list[bool],
                 res_spans: list[tuple[int, int]]) -> bool:
        si = self._span_of(sentences, m.start())
        before = neg_text[clause[0]:m.start()].split()[-4:]
        if before and not concept.never_negated and self.negation.search(" ".join(before)):
            # Negated ("no fever"), unless "never had chest pain before, but now I do" says it is new.
            new_now = NEVER_BEFORE.match(text[m.end():clause[1]]) and self.now.search(
                now_text[sentences[si][0]:sentences[si][1]])
            if not new_now:
                return False
        if NEGATED_AFTER.match(text[m.end():clause[1]]) or (
                not concept.crisis and NEGATED_INSIDE.search(m.group(0))):
            return False
        if concept.context:  # a circumstance: dropped only when negated or years in the past
            return not self.context_past.search(text[clause[0]:clause[1]])
        clause_now = now_text[clause[0]:clause[1]]
        sentence = sentences[si]
        if self.past_sentence.search(text, sentence[0], sentence[1]) and not self.now.search(
                now_text[sentence[0]:sentence[1]]):
            return False
        if not self.now.search(clause_now):
            for past in self.past.finditer(text, clause[0], clause[1]):
                start, end = past.start(), past.end()
                verb = PAST_VERB.search(text, clause[0], start)
                before_event = verb is not None and m.end() <= verb.start()
                after_event = (verb is not None and m.start() >= end
                               and PAST_VERB.search(text, end, m.start()) is None)
                if not (before_event or after_event):
                    return False
        limit = sentences[min(si + 1, len(sentences) - 1)][1]
        for s, e in res_spans:
            if m.end() <= s <= limit and not self.now.search(now_text[e:limit]):
                return False
        if concept.even_in_questions:
            return True
        # In a general sentence, only a clause that says it is happening now keeps the concept.
        span_now = now_text[clause[0]:max(clause[1], m.end())]
        if (sentence_general[si] and not self.anchor.search(IF_TAIL.sub("", span_now))
                and not RIGHT_NOW.search(span_now)):
            return False
        if self.asked_about.search(text[clause[0]:m.start()]):
            return False  # "is that a seizure?": asked about, not told
        if (concept.mild_words and not STRONG.search(" ".join(text[clause[0]:m.start()].split()[-2:]))
                and not WORSE.search(text, sentences[si][0], sentences[si][1])):
            if self.mild.search(" ".join(text[clause[0]:m.start()].split()[-3:] + [m.group(0)])):
                return False
            if self.mild_after.search(text[m.end():clause[1]]):
                return False
            habit = self.habitual.search(" ".join(text[clause[0]:m.start()].split()[-3:]))
            if habit and not self.now.search(now_text[sentences[si][0]:sentences[si][1]]):
                return False  # "he gets short of breath lying flat" (but "and now I get short of breath")
            if concept.name == "breathing" and self.exertion.search(text[clause[0]:clause[1]]):
                return False
        return True

    @staticmethod
    def _about_other(text: str, m: re.Match) -> bool:
        """Whether a crisis phrase is about someone else: its own words, else the nearest subject before it."""
        own = set(WORD.findall(m.group(0)))
        if own & {"myself", "me", "my", "i"}:
            return False
        if own & {"himself", "herself", "themselves", "his", "her", "their"}:
            return True
        for word in reversed(WORD.findall(text[max(0, m.start() - 300):m.start()])):
            if word in SELF_WORDS:
                return False
            if word in OTHER_WORDS:
                return True
        return False

    def _other_question(self, text: str, clauses: list[tuple[int, int]], danger: set[int]) -> str:
        """The clauses of an urgent message that ask something else: asked as a question, without filler."""
        parts: list[str] = []
        for i, (s, e) in enumerate(clauses):
            if i in danger:
                continue
            clause = text[s:e].strip(" ,.")
            if not clause or self.filler.match(clause):
                continue
            end = SENTENCE_END.search(text, e)
            asked = end is not None and "?" in end.group(0)
            if asked or QUESTION_CUE.search(clause):
                parts.append(clause)
        other = " ".join(parts)
        if len(CONTENT_WORD.findall(other)) < 2:
            return ""
        other = OTHER_PREFIX.sub("", other)
        return other.strip()


@dataclass
class SafetyRules:
    advice: list[re.Pattern]
    smalltalk: dict[str, re.Pattern]
    greeting_prefix: re.Pattern
    off_topic: list[re.Pattern]
    health_words: re.Pattern
    red_flags: RedFlagRules

    @classmethod
    def load(cls, path: Path | None = None, red_flags_path: Path | None = None) -> SafetyRules:
        data = yaml.safe_load((path or DATA / "safety.yaml").read_text(encoding="utf-8"))
        small, scope = data["smalltalk"], data["scope"]
        health = "|".join(re.escape(w) for w in scope["health_words"])
        return cls(
            advice=[re.compile(p, re.IGNORECASE) for p in data["advice"]["patterns"]],
            smalltalk={k: re.compile(v, re.IGNORECASE) for k, v in small.items() if k != "greeting_prefix"},
            greeting_prefix=re.compile(small["greeting_prefix"], re.IGNORECASE),
            off_topic=[re.compile(p, re.IGNORECASE) for p in scope["off_topic"]],
            health_words=re.compile(rf"\b({health})\b", re.IGNORECASE),
            red_flags=RedFlagRules.load(red_flags_path),
        )


@lru_cache(maxsize=1)
def default_rules() -> SafetyRules:
    return SafetyRules.load()


def route(message: str, rules: SafetyRules | None = None) -> Route:
    """Decide what kind of reply a message needs; an emergency always wins."""
    rules = rules or default_rules()
    if not isinstance(message, str):
        message = ""
    finding = rules.red_flags.find(message)
    if finding.fired:
        return Route("urgent", tuple(finding.fired), also_crisis=finding.crisis, question=message,
                     about_other=finding.about_other, other_question=finding.other_question)
    if finding.crisis:
        return Route("crisis", ("self-harm",), question=message, about_other=finding.about_other)
    text = normalize(message)
    question = rules.greeting_prefix.sub("", text).strip() if rules.greeting_prefix.match(text) else message
    for name, pattern in rules.smalltalk.items():
        if pattern.match(text):
            return Route("smalltalk", (name,), smalltalk=name, question=message)
    if any(p.search(text) for p in rules.advice):
        return Route("advice", ("personal advice",), question=question)
    if any(p.search(text) for p in rules.off_topic) and not rules.health_words.search(text):
        return Route("scope", ("outside health",), question=question)
    return Route("library", question=question)
