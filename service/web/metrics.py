"""Prometheus metrics. Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py) makes every
worker write its samples to shared files, and /metrics adds them up across workers."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

REQUESTS = Counter(
    "cqa_requests_total",
    "HTTP requests by route, method, status and answer kind",
    ["route", "method", "status", "kind"],
)
LATENCY = Histogram(
    "cqa_request_duration_seconds",
    "Request latency by route and answer kind",
    ["route", "kind"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
STORE_ERRORS = Counter("cqa_store_errors_total", "Failed calls to the state store", ["store", "op"])
INDEX_PASSAGES = Gauge(
    "cqa_index_passages", "Passages in the loaded index", ["audience"], multiprocess_mode="livemostrecent"
)
INDEX_BYTES = Gauge("cqa_index_file_bytes", "Size of the loaded index file", multiprocess_mode="livemostrecent")
SIGNINS = Counter(
    "cqa_staff_signins_total",
    "Staff sign-in attempts by result: ok, failed, throttled (refused unhashed), busy",
    ["result"],
)
INDEX_RELOADS = Counter("cqa_index_reloads_total", "Index files swapped in while serving", ["result"])


def observe_index(index, size_bytes: int) -> None:
    counts = {"patient": 0, "clinician": 0}
    for passage in index.passages:
        counts[passage.audience] = counts.get(passage.audience, 0) + 1
    for audience, n in counts.items():
        INDEX_PASSAGES.labels(audience).set(n)
    INDEX_BYTES.set(size_bytes)


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
