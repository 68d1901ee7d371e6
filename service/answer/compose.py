"""Compose a short extractive answer: 2 to 4 sentences (or one list) copied from passages.

Every unit shown is a verbatim piece of one passage (a sentence or a whole list item) and
carries that passage's citation number. Lists stay lists, with their lead-in sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

from ..corpus.models import Passage
from ..corpus.sentences import read_word_list, split_sentences
from ..search.analyzer import Analyzer
from .intent import NO_CUES, AnswerCues

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_LIST_ITEMS = 10
GROUP_MARGIN = 1.0  # a list's group named by clearly more of the question (a whole word's weight) is shown alone
BRIEF_LIST_WORDS = 250  # a list of steps longer than this shows each step's first sentence
MIN_STEP_WORDS = 4  # ("Talk to a counselor."; not "Prevent infection.", whose detail says what to do)
SENTENCE_END = ('.', '!', '?', ':', '."', '.)', ".'")
LEANS_BACK_COST = 0.3  # a sentence that leans on the one before it ("This means ...") is shown after it only
MAX_UNITS = 4
SIBLING_LABEL_WORDS = 8  # a label over a list of its own is this short ("Tips on when to eat:")
SIBLING_ITEMS = 15  # labelled lists shown together have at most this many items ...
SIBLING_NAMES_WORDS = 60  # ... or this many words, when they only name things ("bouillon", "sports drinks")
PARALLEL_OPENING_WORDS = 2  # lists whose lead-ins open with the same words are parts of one answer ...
PARALLEL_ITEMS = 20  # ... shown together when they have at most this many items ...
PARALLEL_WORDS = 200  # ... and words ...
PARALLEL_SCORE_GAP = 0.25  # ... and score at most this much below the first
LIST_COST = 3  # a lead-in with its list counts as this many units
MIN_LEAD_IN_WORDS = 4  # a line without an end mark over a list is its lead-in when it is this long
ANSWER_WORD_BONUS = 0.4
QUESTION_WORDS = ("ask", "question")  # analyzed terms: a list of questions answers "what should I ask?"


@dataclass
class Unit:
    """A sentence or list item of one passage, with the list it belongs to."""

    text: str
    passage_index: int  # global passage index
    order: tuple[int, int, int]  # (passage order in page, line, position in line)
    is_item: bool = False
    lead_in: Unit | None = None  # the sentence that introduces this item's list
    items: list[Unit] = field(default_factory=list)  # for a lead-in: its list items
    terms: frozenset[str] = frozenset()
    previous: Unit | None = None  # the sentence before this one in its passage (not a list item)
    is_heading_label: bool = False  # the passage's heading, standing as the lead-in of a list that has none
    asked_by: Unit | None = None  # for an item: the question its list answers ("How do you cope with body changes?")
    entry: str = ""  # for an item: the bold words it opens with on the page ("Multiple myeloma"), naming it
    items_chosen: bool = False  # for a lead-in: its items are the ones to show, not the list to read on


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[str, ...]:
    return tuple(read_word_list(DATA / "boilerplate_sections.txt"))


def is_boilerplate(section: str) -> bool:
    """Page furniture (reuse permissions, link lists) is never an answer."""
    lowered = section.lower()
    return any(b in lowered for b in _boilerplate())


# Sentences that send the reader elsewhere: page furniture, not an answer.
FURNITURE = re.compile(
    r"^(see (the )?(section|summary|page|list)|see (the )?nci\b|learn (more|about)|what's new|"
    r"for (more )?information|read more|go to|click|"
    r"(see|visit|find) (our|the nci)|this (summary|page|section) (is|describes|tells)|\(see the)"
    r"|\b(visit|see|use) our\b|\blearn more (on|about|in)\b|\bsearch for (clinical )?trials\b"
    r"|\bis (also )?available\.$|\bon (the|our) .{0,60} page\.$"
    r"|\((left|right|top|bottom|middle|center) panel\)|\bpanel (\([^)]*\) )?shows\b"  # a figure's caption
    r"|^this page (contains|has|includes|lists|gives)\b|\bis (also )?available (at|from|on|in) [A-Z][\w.]*\.$"
    r"|^the following information is (given|provided|included)\b"  # a summary's list of its contents
    r"|^the (sections?|information|links?|resources) below\b", re.I)  # "The sections below may help you think ..."
# A sentence that sends the reader to another page by its title ("For common examples and ways to cope, see Emotions
# and Cancer."): the title is not here to read. (Case-sensitive: "see your doctor." is advice.)
POINTER = re.compile(r"\b[Ss]ee [A-Z][\w’'&-]*( [\w’'&-]+){0,8}\.$")
# A sentence just above a list that says it introduces it, though it ends with a full stop ("Below are some steps you
# can take that may help you manage your fears."): the list's lead-in.
INTRODUCES_LIST = re.compile(r"^(below|here) (are|is)\b|\b(the following|listed below|below)\.$", re.I)
# A sentence that names a list it does not introduce ("If you have any of the following signs ..., talk to your
# doctor."): not shown without that list.
FORWARD_REFERENCE = re.compile(r"\b(any|some|one|all|each|most|many|none) of the following\b|\blisted below\b", re.I)
# A patient's own words quoted on a page ("I was so scared when my husband got cancer.", "When I start to feel guilty
# that I caused my illness, I think of how little kids get cancer.") or a quotation: not the library's guidance.
# (Not a script to say, after a colon: "You may tell your child: I don't know."; not "Your doctors and I will talk")
TESTIMONIAL = re.compile(r"^[\"“]|^((and|but|so|then) )?(I|I'm|I’m|I've|I’ve|I'd|I’d|My|Me)\b", re.I)
# ("I" followed by a lower-case word: not the roman numeral of "stages 0, I, and II")
FIRST_PERSON = re.compile(r"(^|, |\b([Ww]hen|[Ww]henever|[Ii]f|[Aa]fter|[Bb]efore|[Ss]ince|[Oo]nce|[Nn]ow|[Ss]ometimes"
                          r"|[Bb]ecause|but|so|then|that) )I(['’](m|ve|d|ll))? (?!and\b|or\b|to\b|through\b)[a-z]")
# "No. Research shows that women who have breast-conserving surgery live as long as ...": the "No." answers the
# heading's question ("Will the type of surgery I have affect how long I live?"), which is not shown with it, and
# reads as a refusal; the rest of the sentence is shown (the splitter keeps "No." with it, as in "No. 5")
ANSWERS_ITS_HEADING = re.compile(r"^(?:Yes|No)\.\s+(?=[A-Z])")
# A pointer to another part of the page at a sentence's end ("Surgery is used to diagnose and treat childhood
# medulloblastoma ... as described in the General Information section of this summary."): the page's furniture
IN_THIS_SUMMARY = re.compile(r",? (as|which is) (described|discussed) in the [^.]{1,80} section of this summary(?=\.$)",
                             re.I)
# Headings that say nothing about the list under them, so cannot stand as its lead-in.
LABEL_ITEM_WORDS = 20  # a list a heading can introduce is of short things: foods, signs, documents
LABEL_NOT_HEADINGS = frozenset({"key points", "overview", "more information", "related resources", "resources"})
# The lead-in of a list of how a feeling shows or what it is about: not support for someone who has it.
DESCRIBES_A_FEELING = re.compile(
    r"^(you|they|he|she|your child|children|people|many people)( [a-z]+){0,2} (may|might|can|could|often|sometimes)"
    r"( also)? (notice|feel|be|have|show|experience|get|become|worry)\b[^.]*:$"
    # "Sometimes people blame themselves for:", "Many people get confused or stressed over things such as:"
    r"|^((sometimes|often) )?(people|you|many people|some people) (blame|get|feel|worry|become)\b[^.]*:$"
    # ... or what the feeling is ("Anxiety means you have extra worry, can't relax, and feel tense.")
    r"|^(anxiety|stress|distress|depression|fear|anger|guilt|sadness|loneliness) (means|is (a|an|when))\b", re.I)
# an item that only names a thing ("Social anxiety disorder (fear of social situations).") says nothing without its
# list's lead-in
BARE_NAME_WORDS = 4
PARENTHESIS = re.compile(r"\([^()]*\)")
# "should be screened for the following types of anxiety disorders:", "People are more likely to need to be checked
# and treated for distress:": who a clinician should assess, not support for someone with the feeling
NAMES_A_DISORDER = re.compile(r"\bdisorders?\b|\b(screened|checked|tested|assessed)( and treated)? for\b"
                              # ... or lists its signs ("Emotional signs:", under "Getting Help for Depression")
                              r"|\b(signs|symptoms)( of [\w ]+)?:$", re.I)
# Sentences that only make sense after the one before them ("These are called late effects.").
_LEANS_BACK = "these|this|that|those|they|it|such|both|also|however|but|and|or|then"
BACK_REFERENCE = re.compile(rf"^({_LEANS_BACK})\b", re.I)
# ... or what it leads to, which finishes its thought ("This prevents the 'off' signal from being sent, allowing the
# T cells to kill cancer cells.")
LEADS_TO = re.compile(r"^this (prevents|allows|lets|stops|keeps|causes|makes|leads)\b", re.I)
# ... of which these say what the sentence before them means or why it is so
EXPLAINS_BEFORE = re.compile(r"^(this|that|it)( all)? (means|is (because|why)|happens because)\b|^in other words\b"
                             r"|^because of (this|that)\b|" + LEADS_TO.pattern, re.I)
# ... or that name, anywhere, what was said before them ("If you have any of these feelings, ...").
REFERS_BACK = re.compile(r"\b(these|those|such) (feelings?|symptoms?|signs?|problems?|changes?|side effects?|steps|"
                         r"tips|things|questions|emotions|worries|fears|tests?|treatments?|effects)\b"
                         # "In hepatoblastoma, this treatment is only used for ...": which treatment is said before
                         r"|(?<!^)\b(this|that) (treatment|therapy|test|procedure|drug|medicine|surgery|operation)\b"
                         # "Though they are common signs of stress and anxiety, ...": which they
                         r"|^(though|although) (they|these|those)\b",
                         re.I)
# ... or that go on from it ("For example, they may:"): shown, they bring the sentence before them.
GOES_ON = re.compile(rf"^({_LEANS_BACK}|for example|for instance|in addition|as a result|"
                     rf"(common |some |other )?examples (are|include))\b", re.I)

ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "i": "I", "ii": "II", "iii": "III",
         "iv": "IV", "v": "V", "zero": "0", "one": "I", "two": "II", "three": "III", "four": "IV", "five": "V"}
_NUMERAL = r"(?:0|[1-5]|iv|v|i{1,3}|zero|one|two|three|four|five)(?:[a-d]\d?)?"
STAGE_MENTION = re.compile(r"\b(stages?|grades?)\s+(" + _NUMERAL + r"(?:\s*(?:,|and|or|to|-|–)\s*" + _NUMERAL
                           + r")*)\b", re.I)


def numeral(token: str) -> str | None:
    """'3', 'three', 'III', 'IIIB', '3a' -> 'III' (the base stage or grade), else None."""
    m = re.fullmatch(r"(0|[1-5]|iv|v|i{1,3}|zero|one|two|three|four|five)(?:[a-d]\d?)?", token.lower())
    return ROMAN.get(m.group(1)) if m else None


def _stage_tokens(text: str, kind: str = "stage") -> Iterator[str]:
    """The stage (or grade) numerals a text names, as written: "Stages IB and IIA" -> "IB", "IIA"."""
    for m in STAGE_MENTION.finditer(text):
        if m.group(1).lower().startswith(kind):
            yield from (t for t in re.split(r"\s*(?:,|and|or|to|-|–)\s*|\s+", m.group(2)) if t)


def names_substage(text: str, stage: str) -> bool:
    """The text names the stage told with its letter ("Treatment of stages IB and IIA" for "stage 1B")."""
    return any(token.upper() == stage.upper() for token in _stage_tokens(text))


def stages_named(text: str, kind: str = "stage") -> frozenset[str]:
    """The stages (or grades) a heading or sentence names: "Stage IIIA and IIIB" -> {"III"}.
    "Stages I, II and III" names three; "stage 3" and "stage three" name "III"."""
    return frozenset(value for token in _stage_tokens(text, kind) if (value := numeral(token)))


# The ages a sentence is about: "children younger than 1 year of age", "children 3 years and older", "women aged 50
# to 74", "patients older than 65 years": (youngest, oldest), in years
_N = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
AGE_RANGES = (
    (re.compile(rf"\b(?:younger|less) than {_N} (years?|months?)\b", re.I), lambda n: (0.0, n - 1e-3)),
    (re.compile(rf"\bolder than {_N} (years?|months?)\b", re.I), lambda n: (n + 1e-3, 200.0)),
    (re.compile(rf"\b{_N} (years?|months?) (?:of age )?(?:and|or) (?:older|over)\b", re.I), lambda n: (n, 200.0)),
    (re.compile(rf"\b{_N} (years?|months?) (?:of age )?or younger\b", re.I), lambda n: (0.0, n)),
)
AGE_SPAN = re.compile(rf"\b(?:aged?|ages) {_N} (?:to|-|–|through) {_N}\b", re.I)
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _WORD_NUMBERS[token.lower()]


@lru_cache(maxsize=65536)
def age_ranges(text: str) -> tuple[tuple[float, float], ...]:
    """The age ranges a sentence names, in years (cached: every sentence scored is read for them when an age is
    told)."""
    out: list[tuple[float, float]] = []
    for pattern, bounds in AGE_RANGES:
        for m in pattern.finditer(text):
            n = _number(m.group(1)) / (12 if m.group(2).lower().startswith("month") else 1)
            out.append(bounds(n))
    out.extend((float(_number(m.group(1))), float(_number(m.group(2)))) for m in AGE_SPAN.finditer(text))
    return tuple(out)


def for_other_ages(text: str, ages: Sequence[int]) -> bool:
    """The sentence is about people of other ages than all those told ("Treatment for children younger than 1
    year" for a toddler): not the answer for them."""
    ranges = age_ranges(text) if ages else ()
    return bool(ranges) and not any(lo <= age <= hi for age in ages for lo, hi in ranges)


CHILD_WORDS = re.compile(r"\b(child|children|childhood|pediatric|paediatric|kids?|adolescents?|teens?|"
                         r"young adults?|infants?|babies)\b", re.I)
ADULT_WORDS = re.compile(r"\b(adults?|adulthood)\b", re.I)


def population_of(text: str) -> str | None:
    """"child" when a title or heading is about children, "adult" when about adults, None for both or neither."""
    child = bool(CHILD_WORDS.search(text))
    adult = bool(ADULT_WORDS.search(text)) and not re.search(r"young adults?", text, re.I)
    if child and not adult:
        return "child"
    if adult and not child:
        return "adult"
    return None


# A section about cancer that came back or stopped responding ("Treatment of Recurrent Neuroblastoma").
RECURRENT_SECTION = re.compile(
    r"\b(recurrent|relapsed|refractory|progressive|recurrence|recurs?|recurred|comes? back)\b", re.I)


# Headings for an age band ("Teens", "Adult Children"): the youngest and oldest age each is about.
AGE_BANDS = (
    (re.compile(r"\b(infants?|babies)\b", re.I), 0, 1),
    (re.compile(r"\btoddlers?\b", re.I), 1, 3),
    (re.compile(r"\b(teens?|teenagers?|adolescents?)\b", re.I), 12, 19),
    (re.compile(r"\byoung adults?\b", re.I), 15, 39),
    (re.compile(r"\b(adult children|grown children)\b", re.I), 18, 120),
)


def outside_ages(section: str, ages: Sequence[int]) -> bool:
    """The section's own heading names an age band none of the ages asked about falls in."""
    if not ages:
        return False
    heading = section.rsplit(" > ", 1)[-1]
    bands = [(lo, hi) for pattern, lo, hi in AGE_BANDS if pattern.search(heading)]
    return bool(bands) and not any(lo <= age <= hi for lo, hi in bands for age in ages)


def conflicts(passage: Passage, population: str | None, stage: str | None, recurrence: bool = True,
              ages: Sequence[int] = ()) -> bool:
    """The passage is about another population, age band or stage than the one asked, or about cancer
    that came back when the question did not say so (`recurrence` False)."""
    if not recurrence and RECURRENT_SECTION.search(passage.section):
        return True
    if outside_ages(passage.section, ages):
        return True
    if population is not None:
        other = population_of(passage.title) or population_of(passage.section)
        if other is not None and other != population:
            return True
    if stage is not None:
        named = stages_named(passage.section)
        if named and numeral(stage) not in named:  # ("stage 1B" is of stage I, as headings are read)
            return True
    return False


def is_heading_like(unit: Unit, section: str) -> bool:
    """A short line that repeats its heading ("Stage I colon cancer.") is a heading, not a thought."""
    words = unit.text.rstrip(".:").split()
    if len(words) > 7 or unit.is_item:
        return False
    heading = set(re.findall(r"[a-z0-9]+", section.lower()))
    return set(re.findall(r"[a-z0-9]+", unit.text.lower())) <= heading


def is_sentence_start(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def shown_as_item(unit: Unit) -> bool:
    """Only an item shown under its lead-in is a bullet; a lone whole-sentence item reads as a sentence."""
    return unit.is_item and unit.lead_in is not None


def shows_whole_thought(unit: Unit, section: str) -> bool:
    """May this unit be shown on its own? Not a question, heading, furniture, fragment or orphan list item."""
    text = unit.text
    if unit.is_item and unit.lead_in is not None:
        return shows_whole_thought(unit.lead_in, section)
    if unit.is_item and unit.items:
        return not FURNITURE.search(text)  # a key point that introduces its own short items
    if unit.is_item:
        # A list item without its lead-in ("Key Points" lists of whole sentences) may stand alone only
        # when it is a whole sentence; it is then shown as a sentence, not as a bullet.
        return len(text.split()) >= 4 and text.endswith((".", ".)")) and is_sentence_start(text) and \
            not FURNITURE.search(text)
    if text.endswith("?") or not is_sentence_start(text):
        return False  # "What is grapefruit?" is a heading of the page; "to the muscle layer..." a fragment
    if text.endswith(":") and not unit.items:
        return False  # a lead-in whose list is in another passage
    if FORWARD_REFERENCE.search(text) and not unit.items:
        return False  # "If you have any of the following signs for more than 2 weeks, ...": the signs are not shown
    if FURNITURE.search(text) or POINTER.search(text) or (is_heading_like(unit, section) and not unit.is_heading_label):
        return False
    if TESTIMONIAL.search(text) or FIRST_PERSON.search(text):
        return False  # "I was nervous about going back to work.": one person's words, quoted on the page
    return True


QUESTIONS_HEADING = re.compile(r"^questions\b", re.I)


# a heading that says what its list of whole sentences is about ("What Children of All Ages Need to Know > About
# Cancer"): the list's label, though its items are sentences
SENTENCE_LIST_HEADING = re.compile(r"^About [A-Z]")


def heading_label(passage: Passage) -> str | None:
    """The heading that introduces a passage's opening list when no sentence does ("Soups:", "bouillon", ...).

    Only for plain lists of things, most items starting in lower case; capitalised items are usually link
    titles (drug or cancer indexes) and "Key Points" lists are whole sentences.
    """
    lines = passage.text.split("\n")
    if not lines[0].startswith("- "):
        return None
    heading = passage.section.rsplit(" > ", 1)[-1].strip()
    items = [line[2:].strip() for line in lines if line.startswith("- ")]
    # ("Questions about Side Effects" over "- How will I feel after each treatment?": a list of questions to ask)
    questions = QUESTIONS_HEADING.match(heading) and sum(item.endswith("?") for item in items) * 2 > len(items)
    if len(heading) < 4 or heading.lower() in LABEL_NOT_HEADINGS or heading.endswith(("?", ":", ".")):
        return None
    if SENTENCE_LIST_HEADING.match(heading) and all(is_sentence_start(i) and i.endswith(".") for i in items):
        return heading + ":"  # "About Living with Cancer in the Family": "Your child is not alone. ...", ...
    if sum(item[:1].islower() for item in items) * 2 <= len(items) and not questions:
        return None
    if any(len(item.split()) > LABEL_ITEM_WORDS or re.search(r"\. [A-Z]", item) for item in items):
        return None  # items of several sentences: the rest of a long list cut from its lead-in
    return heading + ":"


def _without_pointers(item: str) -> str:
    """A list item's text without the sentences after its first that send the reader elsewhere ("CT scan uses
    ... Learn more about Computed Tomography (CT) Scans and Cancer.")."""
    sentences = split_sentences(item)
    if len(sentences) < 2 or not any(FURNITURE.search(s) for s in sentences[1:]):
        return item
    return " ".join([sentences[0]] + [s for s in sentences[1:] if not FURNITURE.search(s)])


@lru_cache(maxsize=8192)
def passage_units(passage: Passage, passage_index: int, analyzer: Analyzer) -> tuple[Unit, ...]:
    """Sentences and list items of a passage (cached: splitting is the costly part of composing).

    Callers must not change the units; selection only reads them.
    """
    return tuple(_split_units(passage, passage_index, analyzer))


def _split_units(passage: Passage, passage_index: int, analyzer: Analyzer) -> list[Unit]:
    units: list[Unit] = []
    lead: Unit | None = None
    label = heading_label(passage)
    if label is not None:
        lead = Unit(label, passage_index, (passage.order, -1, 0), is_heading_label=True)
        units.append(lead)
    previous: Unit | None = None
    item_lead: Unit | None = None  # "- The following types of treatment are used:" over "- Surgery", "- Chemotherapy"
    table_lead: Unit | None = None  # a two-column table's header, over rows whose second cell is a list
    asked: Unit | None = None  # a question right over a list ("How do you cope with body changes?")
    lines = passage.text.split("\n")
    for line_no, line in enumerate(lines):
        if line.startswith("- "):
            text = _without_pointers(line[2:].strip())
            if item_lead is not None and text.endswith((".", ":")):
                item_lead = None  # a whole sentence: the next key point, not one of the short labels above it
            owner = lead or item_lead
            item = Unit(text, passage_index, (passage.order, line_no, 0), is_item=True, lead_in=owner,
                        asked_by=asked if owner is None else None,
                        entry=next((n for n in passage.entries if text.startswith(n)), ""))
            if owner is not None:
                owner.items.append(item)
            elif text.endswith(":") and is_sentence_start(text):
                item_lead = item  # a nested list flattened: the item introduces the short items below it
            units.append(item)
            continue
        lead = item_lead = asked = None
        if " | " in line:
            cells = [c.strip() for c in line.split(" | ")]
            things = [t.strip() for t in cells[-1][2:].split(" - ") if t.strip()] if cells[-1].startswith("- ") else []
            # (a list of short things, "Fatigue", "Hair loss": not of sentences, which would read as one run-on)
            listed = len(cells) == 2 and bool(cells[0]) and bool(things) and not any(t.endswith(".") for t in things)
            if listed and table_lead is None:
                # the table goes on from the passage before, whose header is there: the section's heading leads
                table_lead = Unit(f"{passage.section.split(' > ')[-1]}:", passage_index, (passage.order, line_no, -1),
                                  is_heading_label=True)
                units.append(table_lead)
            if listed:
                # a row whose second cell is a list ("Brain | - Fatigue - Hair loss"): an item of the table's list,
                # its cells as written ("Brain: Fatigue, Hair loss")
                row = Unit(f"{cells[0]}: {', '.join(things)}", passage_index, (passage.order, line_no, 0),
                           is_item=True, lead_in=table_lead)
                table_lead.items.append(row)
                units.append(row)
            elif len(cells) == 2 and all(c[:1].isupper() for c in cells) and table_lead is None:
                # its header ("Part of the body being treated | Possible side effects"), as the list's lead-in:
                # "Possible side effects (part of the body being treated):"
                table_lead = Unit(f"{cells[1]} ({cells[0][:1].lower()}{cells[0][1:]}):", passage_index,
                                  (passage.order, line_no, 0), is_heading_label=True)
                units.append(table_lead)
            continue  # other table rows are not shown as answer sentences
        table_lead = None
        sentences = split_sentences(line)
        before_list = line_no + 1 < len(lines) and lines[line_no + 1].startswith("- ")
        for pos, sentence in enumerate(sentences):
            sentence = IN_THIS_SUMMARY.sub("", ANSWERS_ITS_HEADING.sub("", sentence))
            # "People should tell their doctor if they notice" over its list: a lead-in that lost its colon
            lost_colon = before_list and pos == len(sentences) - 1 and is_sentence_start(sentence) and (
                not sentence.endswith(SENTENCE_END) and len(sentence.split()) >= MIN_LEAD_IN_WORDS
                or INTRODUCES_LIST.search(sentence) is not None)  # "Below are some steps you can take ... fears."
            if not sentence.endswith(SENTENCE_END) and not lost_colon:
                continue  # a run of link titles or a caption, not a sentence
            unit = Unit(sentence, passage_index, (passage.order, line_no, pos), previous=previous)
            units.append(unit)
            previous = unit
            lead = unit if sentence.endswith(":") or lost_colon else None
            # a question right over a list is not shown, but says what its items answer
            asked = unit if before_list and pos == len(sentences) - 1 and sentence.endswith("?") else None
    for u in units:
        u.terms = frozenset(analyzer.tokens(u.text))
    return units


def _idf_weighted_overlap(terms: frozenset[str], query: Mapping[str, float], idf: Mapping[str, float]) -> float:
    return sum(w * idf.get(t, 1.0) for t, w in query.items() if t in terms)


DEFINITION = re.compile(r"^(.{3,80}?)\s(?:is|are)\s(?:a|an|the|one|any|drugs?|medicines?|treatments?|types?|cancers?|"
                        r"diseases?|conditions?|tests?|procedures?|proteins?|cells?|substances?|when|how|what)\b")


def _defines(text: str, terms: frozenset[str], analyzer: Analyzer) -> bool:
    """The sentence says what the topic is: its subject, before "is" or "are", names the topic."""
    m = DEFINITION.match(text)
    return bool(m) and bool(terms & set(analyzer.tokens(m.group(1)))) and len(m.group(1).split()) <= 8


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) > 0.6 or a <= b or b <= a  # one repeats the other


def select_units(
    candidates: list[tuple[Passage, int, float]],
    query: Mapping[str, float],
    idf: Mapping[str, float],
    analyzer: Analyzer,
    answer_words: AnswerCues = NO_CUES,
    defines: frozenset[str] = frozenset(),
    max_units: int = MAX_UNITS,
    support: bool = False,
    avoid: re.Pattern | None = None,
    ages: Sequence[int] = (),
    taken: AbstractSet[str] = frozenset(),
    lead_in_answers: bool = False,
) -> list[Unit]:
    """Pick the units that best answer the query from ranked (passage, index, score) candidates.

    `answer_words` are words that show a sentence answers the type of question asked ("weeks" for "how long?").
    `defines`: for "what is X?", the terms of X; a sentence that says what X is ("Immune checkpoint inhibitors
    are drugs that ...") is preferred. `taken`: the texts of units the answer already shows (for another part of
    the message), which this part does not count as its own.
    """
    scored = score_units(candidates, query, idf, analyzer, answer_words, defines, support, avoid, ages,
                         lead_in_answers)
    place = {pidx: (passage.doc_path, passage.section) for passage, pidx, _ in candidates}
    value_of = {id(u): v for v, u in scored}
    chosen: list[Unit] = []
    shown = 0
    at = 0  # scored[at:] are still to be read
    while at < len(scored) and shown < max_units:
        unit = scored[at][1]
        at += 1
        if unit.is_item and unit.lead_in is not None:
            unit = unit.lead_in  # show the list with its lead-in
        if unit.text in taken or any(unit is c or _similar(unit.terms, c.terms) for c in chosen):
            continue
        if unit.items and any(c.items for c in chosen):
            continue  # a second list makes an answer too long to read on a phone
        before = unit.previous
        # "For example, they may:" and "Common examples are:" read only after the sentence they follow
        if GOES_ON.match(unit.text) and before is not None and shows_whole_thought(before, "") \
                and not any(before is c for c in chosen):
            chosen.append(before)
            shown += 1
        chosen.append(unit)
        shown += 1
        if unit.items:
            shown += LIST_COST - 1  # a list fills most of an answer
            chosen.extend(_parallel_lists(unit, value_of.get(id(unit), 0.0), scored[at:], place))
        # the sentence right after it that explains it ("This means therapies that target those biomarkers don't
        # work ...") reads as complete now: its cost is lifted
        follower = next((k for k in range(at, len(scored)) if scored[k][1].previous is unit
                         and EXPLAINS_BEFORE.match(scored[k][1].text)), None)
        if follower is not None:
            value, after = scored.pop(follower)
            if LEADS_TO.match(after.text):
                scored.insert(at, (value + LEANS_BACK_COST, after))  # what it leads to finishes its thought
            else:
                bisect.insort(scored, (value + LEANS_BACK_COST, after), lo=at, key=lambda x: -x[0])
    chosen.sort(key=lambda u: u.order)
    # "If you have any of these feelings, talk to your doctor.": only right after what it names back to (the
    # sentence before it, or a list just before it in its passage or the one before)
    # (what is shown before it: a sentence that names back and was left out is no referent)
    shown_units: list[Unit] = []
    for unit in chosen:
        before = shown_units[-1] if shown_units else None
        if unit.items or not REFERS_BACK.search(unit.text) or before is not None and (before is unit.previous or bool(
                before.items and unit.passage_index - before.passage_index in (0, 1))):
            shown_units.append(unit)
    return shown_units


def _opening(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in text.split()[:PARALLEL_OPENING_WORDS])


def _parallel_lists(lead: Unit, value: float, others: Iterable[tuple[float, Unit]],
                    place: Mapping[int, tuple[str, str]]) -> list[Unit]:
    """The lists of `lead`'s section whose lead-ins open as its own does ("Symptoms of local and regional ...
    recurrence may include:" and "Symptoms of distant (metastatic) ... recurrence may include:"): the parts of one
    answer, shown together when short together."""
    if not lead.text.endswith(":") or is_label_group(lead):
        return []  # (short labelled lists are shown beside each other by sibling_groups)
    where = place.get(lead.passage_index)
    parallel = [u for v, u in others if u.items and not u.is_item and u.text.endswith(":") and u.text != lead.text
                and value - v <= PARALLEL_SCORE_GAP and _opening(u.text) == _opening(lead.text)
                and place.get(u.passage_index) == where]
    items = [i for u in (lead, *parallel) for i in u.items[:MAX_LIST_ITEMS]]
    if not parallel or len(items) > PARALLEL_ITEMS or sum(len(i.text.split()) for i in items) > PARALLEL_WORDS:
        return []
    return parallel


def _answering_terms(unit: Unit) -> frozenset[str]:
    """The words a unit answers with: a lead-in's include its list's, which are shown with it; an item's include
    those of the question over its list ("How do you cope with body changes?"), which is not shown."""
    if unit.items:
        return unit.terms.union(*(item.terms for item in unit.items[:MAX_LIST_ITEMS]))
    return unit.terms | unit.asked_by.terms if unit.asked_by is not None else unit.terms


def score_units(
    candidates: list[tuple[Passage, int, float]],
    query: Mapping[str, float],
    idf: Mapping[str, float],
    analyzer: Analyzer,
    answer_words: AnswerCues = NO_CUES,
    defines: frozenset[str] = frozenset(),
    support: bool = False,
    avoid: re.Pattern | None = None,
    ages: Sequence[int] = (),
    lead_in_answers: bool = False,
) -> list[tuple[float, Unit]]:
    """Every unit that may be shown, with how well it answers the query, best first.

    `support`: the units are support for a feeling, so a list of how the feeling shows ("You may notice that
    you:", "You may be afraid or worried about:") is left out: it describes, it does not help.
    `avoid`: sentences that do not answer the question type asked (who plans a treatment, for "how is it treated?").
    `ages`: the ages told; a sentence (or list) about people of other ages is left out.
    `lead_in_answers`: a list's answer words count only in its lead-in ("The following personal factors ... have been
    linked to a higher risk of breast cancer:"), not in its items ("Genetic counselors ... can help people ...
    understand: the likelihood that they have a genetic risk factor ...").
    """
    if not candidates:
        return []
    top_score = max(score for _, _, score in candidates) or 1.0
    scored: list[tuple[float, Unit]] = []
    query_mass = sum(w * idf.get(t, 1.0) for t, w in query.items()) or 1.0
    asks_for_questions = any(t in query for t in QUESTION_WORDS)  # "what should I ask the doctor?"
    for rank, (passage, pidx, score) in enumerate(candidates):
        if is_boilerplate(passage.section):
            continue
        units = passage_units(passage, pidx, analyzer)
        for i, unit in enumerate(units):
            words = len(unit.text.split())
            if words < 3 and not unit.is_item:
                continue
            if not shows_whole_thought(unit, passage.section) or (avoid is not None and avoid.search(unit.text)):
                continue
            if unit.is_item and unit.lead_in is None \
                    and len(PARENTHESIS.sub("", unit.text).split()) <= BARE_NAME_WORDS:
                continue  # "Agoraphobia (fear of open places).": a name in a list begun in the passage before
            terms = _answering_terms(unit)
            coverage = _idf_weighted_overlap(terms, query, idf) / query_mass
            value = (
                coverage
                + 0.6 * score / top_score
                + (0.15 if i == 0 else 0.0)  # a passage's first sentence usually states its point
                - 0.1 * rank
                - (0.2 if words > 60 else 0.0)
            )
            lead = unit.lead_in if unit.is_item and unit.lead_in is not None else unit
            if ages and (for_other_ages(unit.text, ages) or lead is not unit and for_other_ages(lead.text, ages)):
                continue
            if support and (DESCRIBES_A_FEELING.match(lead.text) and (lead.items or not lead.text.endswith(":"))
                            or NAMES_A_DISORDER.search(lead.text)):
                continue  # how a feeling shows, or which disorders to screen for: neither helps
            if not asks_for_questions and (
                    all(t in lead.terms for t in QUESTION_WORDS) or unit.text.endswith("?")
                    or (lead.items and sum(i.text.endswith("?") for i in lead.items) * 2 > len(lead.items))):
                # questions to ask the doctor (an item of their list brings the whole list), or "Prepare for your
                # visit by making a list of questions to ask.", answer no question asked
                continue
            if unit.items:
                value += 0.2  # a lead-in brings its whole list: a complete answer
            # (the shown text is read only for answers the analyzer cannot see, "because")
            shown_text = " ".join(u.text for u in (unit, *unit.items[:MAX_LIST_ITEMS])) if answer_words.phrases else ""
            if lead_in_answers and unit.items and not unit.is_heading_label:
                terms, shown_text = unit.terms, unit.text
            if answer_words and answer_words.matches(terms, shown_text):
                value += ANSWER_WORD_BONUS  # it speaks to what was asked: how long, what to do, the chances
            if defines and _defines(unit.text, defines, analyzer):
                value += ANSWER_WORD_BONUS
            if BACK_REFERENCE.match(unit.text):
                value -= LEANS_BACK_COST  # reads as complete only after the sentence before it
            scored.append((value, unit))
    scored.sort(key=lambda x: -x[0])
    return scored


# The sentence after a list of signs that says what else they may mean ("These signs and symptoms also may be caused
# by other conditions and not by ovarian cancer. If the signs or symptoms get worse ..., check with your doctor"):
# shown with the list, it says a sign is not a diagnosis
LIST_TAIL = re.compile(r"^These (and other )?(signs and symptoms|signs|symptoms)\b.*\b(caused by|other (conditions|"
                       r"problems)|not by)\b|^Other conditions (may|can) cause the same\b", re.I)
SEE_A_DOCTOR = re.compile(r"\b(check with|see|talk (with|to)|call) (your|a) (doctor|health care)", re.I)


def list_tail(lead: Unit, units: Sequence[Unit]) -> list[Unit]:
    """The sentence right after a lead-in's list, or after the list that follows it (`units`: its passage's, then the
    next passage's in its section), when it says what else its signs may mean (LIST_TAIL), with the one after it when
    that says to see a doctor."""
    last = lead.items[-1] if lead.items else None
    i = next((k for k, u in enumerate(units) if last is not None and u.order == last.order
              and u.passage_index == last.passage_index), None)
    if i is None:
        return []
    j = i + 1
    if j < len(units) and units[j].items and not units[j].is_item:
        # past the page's list of other signs first ("When prostate cancer is detected in an advanced stage,
        # symptoms may include:"), to "Other conditions may cause the same symptoms."
        j += 1
        while j < len(units) and units[j].is_item:
            j += 1
    after = units[j: j + 2]
    if not after or after[0].is_item or after[0].items or not LIST_TAIL.match(after[0].text):
        return []
    advice = after[1:] if len(after) > 1 and after[1].previous is after[0] and SEE_A_DOCTOR.search(after[1].text) \
        else []
    return [after[0], *advice]


def continued_list(lead: Unit, following: Iterable[tuple[Unit, ...]]) -> Unit:
    """A lead-in whose list goes on in the passages after its own (a long list is cut between items when the
    page is split), with the items that open them: "Below are some steps you can take that may help you manage
    your fears." with all eight steps, not the one in its own passage. `following`: the units of the passages
    after the lead-in's, in the same section, in reading order."""
    if not lead.items or len(lead.items) >= MAX_LIST_ITEMS or lead.items_chosen:
        return lead  # (no more of it would be shown)
    items = list(lead.items)
    for units in following:
        if units and units[0].is_heading_label:
            # (a table's rows cut where the page was split: the next passage's rows stand under its heading)
            opening, rest = list(units[0].items), units[1:]
        else:
            # (items that read on their own, to one that opens a list of its own: not "to one lymph node ...;
            # or", nor "Stage IVC:")
            opening = list(takewhile(lambda u: u.is_item and u.lead_in is None and not u.items
                                     and is_sentence_start(u.text) and not u.text.endswith(":"), units))
            rest = units[len(opening):]
        items.extend(replace(u, lead_in=lead) for u in opening)
        if rest or len(items) >= MAX_LIST_ITEMS:
            break  # the list ends in this passage
    if len(items) == len(lead.items) or in_brief(items[:MAX_LIST_ITEMS]) is None:
        return lead  # (a whole list too long to read, of items that are not steps: the part in its passage)
    return replace(lead, items=items)


# A drug page's list of what it is used for ("Lenalidomide is approved to treat:", "... is used to treat:"), one
# entry per condition, named in bold on the page (Unit.entry), over unbolded items that are its details.
USES_LEAD_IN = re.compile(r"\bis (also )?(approved|used)\b[^.]*:$")
CLAUSE_END = re.compile(r"[.;:](\s|$)")


def entries_named(items: Sequence[Unit], words: AbstractSet[str], analyzer: Analyzer, clause: bool = True
                  ) -> list[Unit] | None:
    """Of a drug's list of uses (`items`, the whole list), the entries that name the most of `words` (the cancer a
    question names: "revlimid for her myeloma"), each with its details; None when all or none do, or the list
    has no named entries (then it is shown as it is). An entry names a word in its opening `clause` ("Chronic
    lymphocytic leukemia (CLL) that is CD20 positive"), or else in its bold name alone."""
    if not items or not items[0].entry:
        return None
    entries: list[list[Unit]] = []
    for item in items:
        if item.entry or not entries:
            entries.append([item])
        else:
            entries[-1].append(item)

    def name(item: Unit) -> set[str]:
        return set(analyzer.tokens(CLAUSE_END.split(item.text, 1)[0] if clause else item.entry))

    # (those that name the most: "chronic lymphocytic leukemia", not "B-cell acute leukemia" too)
    said = [len(words & name(e[0])) for e in entries]
    named = [e for e, n in zip(entries, said, strict=True) if n and n == max(said)]
    if not named or len(named) == len(entries):
        return None
    return [item for entry in named for item in entry]


def is_label_group(unit: Unit) -> bool:
    """A short label over its own list ("Tips about foods to eat:", "Nipple changes or discharge, such as:")."""
    return bool(unit.items) and not unit.is_item and unit.text.endswith(":") \
        and len(unit.text.split()) <= SIBLING_LABEL_WORDS


def sibling_groups(lead: Unit, units: Sequence[Unit]) -> list[Unit]:
    """A labelled list with the labelled lists beside it in its passage (`units`: its passage's, then the next
    passage's in its section), in page order: "Tips about foods to eat:", "Tips on when to eat:" and "Tips about
    when and what to drink:", the ten tips a sentence before them announces; with the sentence that introduces them
    all when it ends with a colon ("... check with your doctor if you notice unusual changes, including:"). Only
    when they are short together; else the list alone."""
    if not is_label_group(lead):
        return [lead]
    heads = [u for u in units if not u.is_item]
    at = next((k for k, u in enumerate(heads) if (u.passage_index, u.order) == (lead.passage_index, lead.order)), None)
    if at is None:
        return [lead]
    start, end = at, at + 1
    while start > 0 and is_label_group(heads[start - 1]):
        start -= 1
    while end < len(heads) and is_label_group(heads[end]):
        end += 1
    run = heads[start:end]  # each list whole: the lead too, when it came cut to the items chosen ("Sweets: jelly")
    items = [i for g in run for i in g.items]
    if len(run) < 2 or len(items) > SIBLING_ITEMS and sum(len(i.text.split()) for i in items) > SIBLING_NAMES_WORDS:
        return [lead]
    before = heads[start - 1] if start > 0 else None
    intro = before if before is not None and before.text.endswith(":") and not before.items else None
    return ([intro] if intro is not None else []) + run


# an item that opens with a label: "Testicular cancer: A 1970 study ...", "Food and drink.Meet a dietitian ..."
LABELLED = re.compile(r"^[^.:]{1,60}:\s|^[^.]{1,60}\.[A-Z]")


def step(item: Unit) -> str | None:
    """The first sentence of a list item of several, when it says a step on its own ("Talk to a counselor." of
    "Talk to a counselor. If you find that your fears are more than you can handle, ..."). Not a label ("You have
    choices.", "Testicular cancer: A 1970 study ..."), whose sentences after it say what it means."""
    if item.text.endswith(":") or LABELLED.search(item.text):
        return None
    sentences = split_sentences(item.text)
    first = sentences[0] if sentences else ""
    if len(sentences) < 2 or not first.endswith(".") or not is_sentence_start(first) \
            or len(first.split()) < MIN_STEP_WORDS:
        return None
    return first


def in_brief(items: list[Unit]) -> list[Unit] | None:
    """A list as it can be read on a phone: as it is when short, else as its steps when every item opens with
    one, else None."""
    if sum(len(i.text.split()) for i in items) <= BRIEF_LIST_WORDS:
        return items
    steps = [step(i) for i in items]
    return [replace(i, text=s) for i, s in zip(items, steps, strict=True)] if all(steps) else None


def group_asked(lead: Unit, weights: Mapping[str, float]) -> Unit:
    """A list of labelled groups, as a page's nested list reads once flattened ("In people with cancer, dyspnea can
    be caused by: Tumor-related effects: ... Treatment-related effects: Damage to the lung caused by radiation
    therapy or chemotherapy. ..."): the one group that names clearly more of the question's words than any other,
    under the lead-in; the whole list otherwise (the first groups, as it is cut to be read)."""
    if not lead.items or lead.items_chosen:
        return lead
    groups: list[list[Unit]] = []
    for item in lead.items:
        if item.text.endswith(":"):
            groups.append([item])
        elif groups:
            groups[-1].append(item)
        else:
            return lead  # (items before any label: not a list of groups)
    if len(groups) < 2 or any(len(group) < 2 for group in groups):
        return lead

    def named(group: list[Unit]) -> float:
        terms = frozenset().union(*(u.terms for u in group))
        return sum(w for t, w in weights.items() if w > 0 and t in terms)

    ranked = sorted(groups, key=named, reverse=True)
    best, second = named(ranked[0]), named(ranked[1])
    if best - second < GROUP_MARGIN:
        return lead
    return replace(lead, items=[replace(u, lead_in=lead) for u in ranked[0]], items_chosen=True)


def flatten(units: list[Unit]) -> list[Unit]:
    """Units in display order, lists expanded after their lead-in (at most MAX_LIST_ITEMS items). A list too
    long to read on a phone, of steps each said in an item's first sentence, shows the steps."""
    out: list[Unit] = []
    for unit in units:
        out.append(unit)
        items = unit.items[:MAX_LIST_ITEMS]
        while items and items[-1].text.endswith(":"):
            items.pop()  # "foods that burn, such as:" would end the answer without its own list
        out.extend(in_brief(items) or items)
    return out
