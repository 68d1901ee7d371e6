"""Highlight the words of a passage that match a query, escaping everything first.

Every piece of library text goes through markupsafe.escape before <mark> tags are put around whole
escaped words, so markup in the library or in the query can never reach the page as HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..search.analyzer import Analyzer

WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?", re.UNICODE)


def query_terms(analyzer: Analyzer, query: str) -> set[str]:
    return set(analyzer.tokens(query))


def highlight(text: str, terms: set[str], analyzer: Analyzer) -> Markup:
    """The text, escaped, with each word whose index term is in terms wrapped in <mark>."""
    out: list[str] = []
    pos = 0
    for m in WORD.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        word = m.group(0)
        if terms and terms.intersection(analyzer.tokens(word)):
            out.append(f"<mark>{escape(word)}</mark>")
        else:
            out.append(str(escape(word)))
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))
