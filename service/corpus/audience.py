"""Verify each document's audience; never trust the front matter alone.

A document is served to patients only when its metadata says patient and nothing
contradicts it. Anything unknown or contradictory is clinician-level (fail closed).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from .models import AudienceVerdict

PATIENT_LABELS = {"patient", "patients", "public", "consumer", "lay"}
CLINICIAN_LABELS = {
    "clinician",
    "clinical",
    "professional",
    "health professional",
    "health_professional",
    "hp",
    "provider",
}

# Only headings count: patient pages *link* to the Health Professional Version.
HP_HEADING = re.compile(r"health\s+professional\s+version", re.IGNORECASE)
HP_NAME_PART = re.compile(r"(^|[-_])hp([-_]|$)", re.IGNORECASE)


def normalize_declared(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    label = " ".join(value.strip().lower().replace("-", " ").split())
    if label in PATIENT_LABELS:
        return "patient"
    if label in CLINICIAN_LABELS:
        return "clinician"
    return label or None


def _hp_path(path: str) -> bool:
    """A path segment (or file name) that marks a health-professional page."""
    segments = [s for s in re.split(r"[/\\]", path) if s]
    for segment in segments:
        stem = segment.rsplit(".", 1)[0] if "." in segment else segment
        if stem.lower() == "hp" or HP_NAME_PART.search(stem):
            return True
    return False


def verify_audience(meta: dict, rel_path: str, headings: list[str]) -> AudienceVerdict:
    """Decide the audience from metadata, URL, file name and the first headings."""
    declared = normalize_declared(meta.get("audienceLevel", meta.get("audience")))
    contradictions: list[str] = []
    url = meta.get("url")
    if isinstance(url, str) and url.strip() and _hp_path(urlparse(url.strip()).path):
        contradictions.append("URL marks a health-professional page")
    if _hp_path(rel_path.rsplit("/", 1)[-1]):
        contradictions.append("file name marks a health-professional page")
    if any(HP_HEADING.search(h) for h in headings[:3]):
        contradictions.append("heading says Health Professional Version")

    if declared == "patient" and not contradictions:
        return AudienceVerdict("patient", declared)
    reasons = list(contradictions)
    if declared is None:
        reasons.insert(0, "no audience declared")
    elif declared not in ("patient", "clinician"):
        reasons.insert(0, f"unknown audience {declared!r}")
    return AudienceVerdict("clinician", declared, tuple(reasons))
