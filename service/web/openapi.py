"""The OpenAPI 3.1 document served at /api/openapi.json. tests/test_openapi.py checks it against the app's
routes and runs schemathesis against it, so it cannot drift from the real endpoints."""

from __future__ import annotations

from flask import Flask

from .. import __version__
from ..answer.response import KINDS


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(app: Flask) -> dict:
    cfg = app.config
    conversation_id = {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"}
    citation = {
        "type": "object",
        "required": ["n", "passage_id", "title", "url", "section", "source", "last_reviewed", "audience", "snippet"],
        "properties": {
            "n": {"type": "integer"},
            "passage_id": {"type": "string"},
            "title": {"type": "string"},
            "url": {"type": ["string", "null"]},
            "section": {"type": "string"},
            "source": {"type": "string"},
            "last_reviewed": {"type": ["string", "null"]},
            "audience": {"type": "string", "enum": ["patient", "clinician"]},
            "snippet": {"type": "string", "description": "The quoted passage (empty for related reading)"},
            "related": {"type": "boolean", "description": "Related reading: shown, not quoted, never credited"},
            "reason": {"type": "string", "description": "Why related reading is listed"},
        },
    }
    reply = {
        "type": "object",
        "required": ["conversation_id", "kind", "text", "sentences", "citations", "disclaimer", "suggestions"],
        "properties": {
            "conversation_id": {"type": "string"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "text": {"type": "string"},
            "sentences": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["text", "citation"],
                    "properties": {
                        "text": {"type": "string"},
                        "citation": {"type": "integer"},
                        "item": {"type": "boolean"},
                    },
                },
            },
            "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
            "disclaimer": {"type": "string"},
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "related": {
                "type": "array",
                "description": "Further reading: other pages, not quoted in the answer (so never citations), "
                               "each with the reason it is listed.",
                "items": {"$ref": "#/components/schemas/Related"},
            },
            "intro": {"type": "string", "description": "The service's own opening line (for example an "
                                                       "acknowledgement of feelings); never library text."},
        },
    }
    related = {
        "type": "object",
        "required": ["title", "url", "section", "source", "reason"],
        "properties": {  # a citation's page fields, and its reason
            **{k: citation["properties"][k]
               for k in ("passage_id", "title", "url", "section", "source", "last_reviewed", "audience")},
            "reason": {"type": "string", "description": "Why it is listed, e.g. \"Also about grapefruit\""},
        },
    }
    common_errors = {
        "400": _error("Malformed JSON or text that is not UTF-8"),
        "413": _error("Body larger than MAX_CONTENT_LENGTH, or message longer than MAX_MESSAGE_CHARS"),
        "415": _error("Content-Type is not application/json"),
        "422": _error("Valid JSON but not a valid request (wrong type, empty, control characters, very long word)"),
        "429": _error("Rate limit for this client exceeded; see Retry-After"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cancer-answers",
            "version": __version__,
            "description": "Cited, extractive answers from a reviewed cancer-information library.",
        },
        "paths": {
            "/api/v1/chat": {
                "post": {
                    "operationId": "chat",
                    "summary": "Answer a patient's message",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatRequest"}}},
                    },
                    "responses": {"200": _json("A reply", {"$ref": "#/components/schemas/Reply"}), **common_errors},
                }
            },
            "/api/v1/conversations/{conversation_id}": {
                "delete": {
                    "operationId": "deleteConversation",
                    "summary": "Forget a conversation now",
                    "parameters": [
                        {"name": "conversation_id", "in": "path", "required": True, "schema": conversation_id}
                    ],
                    "responses": {
                        "204": {"description": "Deleted (or already gone)"},
                        "404": _error("Not an id this service issued (no valid ownership digest)"),
                        "422": _error("Not a valid conversation id"),
                        "503": _error("The state store is unreachable; nothing was deleted"),
                    },
                }
            },
            "/api/v1/search": {
                "post": {
                    "operationId": "search",
                    "summary": "Ranked passages; clinician or all material needs a staff bearer token",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchRequest"}}},
                    },
                    "responses": {
                        "200": _json("Ranked passages", {"$ref": "#/components/schemas/SearchResults"}),
                        "401": _error("Clinician material asked for without a valid staff bearer token"),
                        **common_errors,
                    },
                }
            },
            "/api/v1/feedback": {
                "post": {
                    "operationId": "feedback",
                    "summary": "Thumbs up or down on an answer; the question is kept only with share_question",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedbackRequest"}}},
                    },
                    "responses": {
                        "201": _json("Stored", {"type": "object", "required": ["ok"]}),
                        "200": _json(
                            "Already counted: one rating per answer and client; nothing stored",
                            {"type": "object", "required": ["ok", "counted"]},
                        ),
                        "503": _error("The feedback store is unreachable; nothing was stored"),
                        **common_errors,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "Liveness",
                    "responses": {"200": _json("Up", {"type": "object", "required": ["status"]})},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "readyz",
                    "summary": "Readiness: the status for anyone; index and store detail for loopback clients "
                    "or an ops bearer token (OPS_TOKEN_HASHES)",
                    "responses": {
                        "200": _json(
                            "Ready (status 'degraded' when the store is down)", {"$ref": "#/components/schemas/Ready"}
                        ),
                        "503": _json("Not ready", {"$ref": "#/components/schemas/Ready"}),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Prometheus metrics (loopback clients or an ops bearer token only)",
                    "responses": {
                        "200": {"description": "Prometheus text format", "content": {"text/plain": {}}},
                        "403": {"description": "Not a loopback client and no valid ops token"},
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": _json("OpenAPI document", {"type": "object"})},
                }
            },
        },
        "components": {
            "schemas": {
                "ChatRequest": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "message": {"type": "string", "minLength": 1, "maxLength": cfg["MAX_MESSAGE_CHARS"]},
                        "conversation_id": conversation_id,
                    },
                },
                "Reply": reply,
                "SearchRequest": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string", "minLength": 1, "maxLength": cfg["MAX_MESSAGE_CHARS"]},
                        "audience": {"type": "string", "enum": ["patient", "clinician", "all"]},
                        "k": {"type": "integer", "minimum": 1, "maximum": 50},
                    },
                },
                "SearchResults": {
                    "type": "object",
                    "required": ["query", "audience", "results"],
                    "properties": {
                        "query": {"type": "string"},
                        "audience": {"type": "string"},
                        "results": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["rank", "score", "passage_id", "audience", "title", "section", "text"],
                                "properties": {
                                    "rank": {"type": "integer"},
                                    "score": {"type": "number"},
                                    "passage_id": {"type": "string"},
                                    "audience": {"type": "string", "enum": ["patient", "clinician"]},
                                    "title": {"type": "string"},
                                    "section": {"type": "string"},
                                    "source": {"type": "string"},
                                    "url": {"type": ["string", "null"]},
                                    "last_reviewed": {"type": ["string", "null"]},
                                    "text": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "FeedbackRequest": {
                    "type": "object",
                    "required": ["rating", "passage_ids"],
                    "properties": {
                        "rating": {"type": "string", "enum": ["up", "down"]},
                        "passage_ids": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string"}},
                        "reason": {"type": "string"},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "share_question": {"type": "boolean"},
                        "question": {"type": "string"},
                    },
                },
                "Citation": citation,
                "Related": related,
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                },
                "Ready": {
                    "type": "object",
                    "required": ["status"],  # index and store: only with ops access (loopback or token)
                    "properties": {
                        "status": {"type": "string", "enum": ["ready", "degraded", "not_ready"]},
                        "index": {"type": "object", "required": ["loaded"]},
                        "store": {"type": "object", "required": ["backend", "ok"]},
                    },
                },
            }
        },
    }
