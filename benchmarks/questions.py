"""Benchmark questions: the MedQuAD dev questions plus generated variants (at least 500 in all)."""

from __future__ import annotations

import json
import re
from pathlib import Path

# Paraphrase templates per MedQuAD question type; {f} is the question's focus (the page topic).
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "information": ("Can you tell me about {f}?", "what does it mean to have {f}"),
    "symptoms": ("What signs should I watch for with {f}?", "how do I know if I have {f}"),
    "exams and tests": ("Which tests are used to find {f}?", "how do doctors check for {f}"),
    "outlook": ("What is the prognosis of {f}?", "what are my chances of recovery from {f}"),
    "susceptibility": ("What raises the risk of getting {f}?", "am I at risk of {f}"),
    "stages": ("How is {f} staged?", "what stage is my {f} and has it spread"),
    "treatment": ("How is {f} treated?", "what treatment options are there for {f}"),
    "research": ("Are there clinical trials for {f}?", "what new treatments are being studied for {f}"),
    "prevention": ("Can {f} be prevented?", "how can I lower my chance of {f}"),
}
DEFAULT_PARAPHRASE = ("Tell me about {f}.", "{f} questions")


def load_dev_questions(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def question_set(rows: list[dict]) -> list[str]:
    """Originals, lower-cased without punctuation, one paraphrase each, and each focus alone; deduplicated."""
    out: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        text = re.sub(r"\s+", " ", text).strip()
        if text and text not in seen:
            seen.add(text)
            out.append(text)

    for i, row in enumerate(rows):
        question, focus = row["question"], row.get("focus") or ""
        add(question)
        add(re.sub(r"[^\w\s-]", " ", question).lower())  # how people type in a chat box
        if focus:
            templates = PARAPHRASES.get(row.get("qtype", ""), DEFAULT_PARAPHRASE)
            add(templates[i % len(templates)].format(f=focus))
            add(focus)
    return out


# Used when the dev questions are absent (e.g. the smoke test on the seed library).
FALLBACK = [
    "What are the symptoms of chronic lymphocytic leukemia?",
    "What is Reblozyl used for?",
    "How is breast cancer treated?",
    "liver injury from drugs",
    "side effects of chemotherapy",
]
