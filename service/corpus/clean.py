"""Text cleaning: turn library Markdown or PDF-extracted text into plain prose.

Each rule is a small function so that it can be tested on its own.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

# [[1](#cit/section_1.1)] and ranges such as [[1](#cit/a)-[3](#cit/b)]
CITATION_MARKER = re.compile(r"\[(?:\s*\[\d+\]\(#cit/[^)]*\)\s*[-–,]?\s*)+\]")
# A fact sheet's reference numbers at a clause's end ("... by a health care professional ([17](#r17)).", "(11, 12)."):
# not a phone number ("(1-800-422-6237)"), nor a year ("(2022)").
REFERENCE_NUMBER = re.compile(r" \(\d{1,3}(?:(?:, ?|–|-)\d{1,3})*\)(?=[.,;:])")
# the target may carry a quoted title with its own brackets ('(img.jpg "Magnetic resonance imaging (MRI) scan")')
IMAGE_TARGET = r"\(\s*[^)\s]*(?:\s+\"[^\"]*\")?\s*\)"
IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*\]" + IMAGE_TARGET)
IMAGE_ALT = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]" + IMAGE_TARGET)
CAPTION_TITLE_WORDS = 3  # a caption repeats the first words of its figure's title
# "Credit: iStock", "Credit: © Terese Winslow": a picture credit, the line that closes a figure
PICTURE_CREDIT = re.compile(r"^[ \t]*Credit:[^\n]{1,150}$")
ENLARGE_LINK = re.compile(r"\[Enlarge\]\([^)]*\)", re.IGNORECASE)
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*([^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
# a heading that only points elsewhere, over a list whose items are nothing but links
LINK_BOX = re.compile(r"^#{2,6}[ \t]+learn (about|more)\b[^\n]*\n(?:[ \t]*\n)*"
                      r"(?:[ \t]*[-*][ \t]+\[[^\]\n]*\]\([^)\n]*\)[ \t]*(?:\n|$))+", re.IGNORECASE | re.MULTILINE)
NAVIGATION_LINE = re.compile(
    r"^\s*(go to (the )?(patient|health professional) version|placeholder slot)\.?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# (within a paragraph: "***Cannabis* and cannabinoids have been studied ...**." opens with italic inside bold, and
# would otherwise close at the next "***" paragraphs below)
BOLD = re.compile(r"(\*\*\*|\*\*|__)(?=\S)((?:(?!\n[ \t]*\n).)+?)(?<=\S)\1", re.DOTALL)
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # invisible marks pasted from an editor
# A bold label that ends its sentence with the next one written right after it ("**Fatigue from chemotherapy (chemo
# fatigue).**[Chemotherapy](...) destroys ..."): a space keeps the two sentences apart.
BOLD_RUN_ON = re.compile(r"(\*\*\*|\*\*|__)(?=[^\s*])((?:[^*\n]|\*(?!\*))+?[.:!?])\1(?=[\[A-Za-z0-9(])")
ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
BACKSLASH_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
HYPHEN_BREAK = re.compile(r"([A-Za-z])-[ \t]*\n[ \t]*([a-z])")
TERMINAL = ".!?:;)\"'”"

# Links to glossary pop-ups and in-page anchors add nothing outside cancer.gov.
UNHELPFUL_LINK = re.compile(r"^(#|javascript:|mailto:)|/Common/PopUps/", re.IGNORECASE)


def drop_citation_markers(text: str) -> str:
    return CITATION_MARKER.sub("", text)


def drop_images(text: str) -> str:
    return ENLARGE_LINK.sub("", IMAGE.sub("", drop_captions(text)))


def drop_captions(text: str) -> str:
    """A figure's caption is the paragraph after the image that repeats its title ("Lumbar puncture. A
    patient lies in a curled position on a table. ..."), or that a picture credit closes: it describes a
    picture the reader does not see, and would read as the section's opening line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        images = list(IMAGE_ALT.finditer(line))
        if not images:
            continue
        first, second = _next_paragraphs(lines, i + 1)
        if first is not None and PICTURE_CREDIT.match(lines[first]):
            lines[first] = ""
        elif first is not None and second is not None and PICTURE_CREDIT.match(lines[second]):
            lines[first] = lines[second] = ""  # image, caption, credit
        elif first is not None and is_caption(lines[first], images[-1].group(1)):
            lines[first] = ""
    return "\n".join(lines)


def _next_paragraphs(lines: list[str], start: int) -> tuple[int | None, int | None]:
    """Indexes of the next two non-blank lines from start."""
    found: list[int] = []
    for j in range(start, len(lines)):
        if lines[j].strip():
            found.append(j)
            if len(found) == 2:
                break
    found += [None] * (2 - len(found))
    return found[0], found[1]


def is_caption(paragraph: str, alt: str) -> bool:
    """The paragraph opens with the image's title (its alt text before "; drawing shows ..."), or with a
    short title the alt text contains ("Craniotomy." for "Drawing of a craniotomy showing ...")."""
    plain = " ".join(LINK.sub(r"\1", strip_emphasis(paragraph)).split()).lower()
    alt = " ".join(strip_emphasis(alt).split()).lower()
    if not plain or not alt or plain.startswith(("#", "-", "|", "*")):
        return False
    title = re.split(r"[;:]", alt, maxsplit=1)[0].split()[:CAPTION_TITLE_WORDS]
    if len(title) >= 2 and plain.startswith(" ".join(title)):
        return True
    first = plain.split(". ", 1)[0].rstrip(".")
    return len(first.split()) <= CAPTION_TITLE_WORDS * 2 and len(first) >= 4 and first in alt


def drop_link_boxes(text: str) -> str:
    """A side box of links ("#### Learn about other digestive system problems in people with cancer" over a list
    of page links) set in the middle of the text, often between a lead-in and its own list."""
    return LINK_BOX.sub("", text)


def drop_navigation_lines(text: str) -> str:
    return NAVIGATION_LINE.sub("", text)


def resolve_link(href: str, base_url: str | None) -> str | None:
    """Absolute http(s) URL for a link, or None when it cannot be made safe."""
    href = href.strip()
    if not href or UNHELPFUL_LINK.search(href):
        return None
    url = urljoin(base_url, href) if base_url else href
    return url if re.match(r"^https?://", url, re.IGNORECASE) else None


def replace_links(text: str, base_url: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """Markdown links become their text; kept links are returned resolved."""
    kept: list[tuple[str, str]] = []

    def swap(match: re.Match) -> str:
        anchor = match.group(1)
        url = resolve_link(match.group(2), base_url)
        label = " ".join(strip_emphasis(anchor).split())
        if url and label:
            kept.append((label, url))
        return anchor

    previous = None
    while previous != text:  # links can sit inside bold text inside link text
        previous = text
        text = LINK.sub(swap, text)
    return text, kept


def strip_emphasis(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = BOLD.sub(r"\2", BOLD_RUN_ON.sub(r"\2 ", text))
    return ITALIC.sub(r"\1", text)


def strip_html(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    return html.unescape(HTML_TAG.sub("", text))


def repair_hyphenation(text: str) -> str:
    """'hepato-\\ntoxicity' from PDF line ends becomes 'hepatotoxicity'."""
    return HYPHEN_BREAK.sub(r"\1\2", text)


def repair_page_breaks(text: str) -> str:
    """Join a paragraph that a page break split with a run of blank lines."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and out and out[-1].strip():
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            nxt = lines[j].lstrip() if j < len(lines) else ""
            prev = out[-1].rstrip()
            if nxt[:1].islower() and prev[-1:] not in TERMINAL:
                i = j  # drop the blank run: the sentence continues
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


# Headings some pages write in bold instead of with "#": a numbered question on its own line
# ("6. **Have any studies of Cannabis been done in people with cancer?**") and a short bold line
# ("**Pain relief**"). A bold line ending with ":" or "." is a lead-in or a sentence, not a heading.
_BOLD_TEXT = r"(?:[^*\n]|\*(?!\*))"  # italics may sit inside: "**Have any studies of *Cannabis* been done?**"
BOLD_QUESTION_LINE = re.compile(r"^[ \t]*\d{1,2}\.[ \t]+\*\*(" + _BOLD_TEXT + r"+\?)\*\*[ \t]*$")
BOLD_LINE = re.compile(r"^[ \t]*\*\*(" + _BOLD_TEXT + r"{2,100}?[^*\n.:;,])\*\*[ \t]*$")
MAX_BOLD_HEADING_WORDS = 12


MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s")


def bold_lines_to_headings(text: str) -> str:
    """Bold heading lines become headings one level below the page's last real heading (a bold line
    under a numbered question, two levels below)."""
    out: list[str] = []
    level, under_question = 1, False
    for line in text.split("\n"):
        real = MARKDOWN_HEADING.match(line)
        question = BOLD_QUESTION_LINE.match(line)
        bold = BOLD_LINE.match(line)
        if real:
            level, under_question = len(real.group(1)), False
        elif question:
            line, under_question = f"{'#' * min(level + 1, 6)} {question.group(1).strip()}", True
        elif bold and len(bold.group(1).split()) <= MAX_BOLD_HEADING_WORDS:
            line = f"{'#' * min(level + (2 if under_question else 1), 6)} {bold.group(1).strip()}"
        out.append(line)
    return "\n".join(out)


# A list item that opens with bold words names what it is about ("- **[Multiple myeloma](...)** in adults. It is
# given with ..."): on a drug page, an entry of its list of uses, over unbolded items that are its details.
ITEM_NAME = re.compile(r"^- \*\*(.+?)\*\*", re.M)


def item_names(text: str) -> list[str]:
    """The bold words that open the list items of a Markdown body, cleaned as the body is ("Multiple myeloma"):
    cleaning drops the bold, and with it which items open an entry and which are its details."""
    names = []
    for match in ITEM_NAME.finditer(text):
        name, _ = replace_links(match.group(1))
        name = strip_html(BACKSLASH_ESCAPE.sub(r"\1", strip_emphasis(name)))
        names.append(" ".join(ZERO_WIDTH.sub("", name).split()))
    return [n for n in names if n]


def clean_markdown(text: str, base_url: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """Markdown body to plain Markdown-like text (headings and list marks kept)."""
    text = drop_citation_markers(text)
    text = drop_images(text)
    text = drop_link_boxes(text)
    text, links = replace_links(text, base_url)
    text = REFERENCE_NUMBER.sub("", text)  # ("([17](#r17))" is "(17)" once its link is its text)
    text = drop_navigation_lines(text)
    text = bold_lines_to_headings(text)
    text = strip_emphasis(text)
    text = strip_html(text)
    text = BACKSLASH_ESCAPE.sub(r"\1", text)
    return ZERO_WIDTH.sub("", text), links


def clean_plain_text(text: str) -> str:
    """PDF-extracted text: mend hyphenation and page breaks; drop placeholders."""
    text = text.replace("\f", "\n\n")
    text = repair_hyphenation(text)
    text = repair_page_breaks(text)
    return drop_navigation_lines(text)


def normalize_space(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())
