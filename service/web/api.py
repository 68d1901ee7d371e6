"""JSON API: POST /api/v1/chat (conversation deletion lives in ops.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

from flask import Blueprint, Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON escapes can smuggle these in; they are not text
WORD = re.compile(r"\S+")
MAX_WORD_CHARS = 80
CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")  # always fullmatch: "$" would allow a trailing newline
MAX_JSON_DEPTH = 20  # our bodies nest two levels; deeper is refused before parsing (the parser recurses)
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKET = re.compile(r"[\[\]{}]")


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays/objects nest deeper than limit (strings skipped); linear, no recursion."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in BRACKET.finditer(JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _json_body() -> dict:
    """The request's JSON object. 415 wrong type, 413 too large (Content-Length or chunked), 400 not UTF-8 or
    not JSON, 422 too deep or not an object (including null)."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
    data = request.get_data(cache=True)  # RequestEntityTooLarge (413) when Content-Length is over the limit
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit and len(data) >= limit:
        # A chunked body: werkzeug stops reading at the limit and returns what it read, without an error.
        raise RequestEntityTooLarge()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_utf8", "The request body is not valid UTF-8.") from None
    if json_too_deep(text):
        raise ApiError(422, "too_deep", f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_request", "The JSON body must be an object.")
    g.json_body = body  # for the opt-in message log, without parsing twice
    return body


def validate_message(value: object, max_chars: int, max_word_chars: int = MAX_WORD_CHARS) -> str:
    if not isinstance(value, str):
        raise ApiError(422, "invalid_message", "'message' must be a string.")
    if CONTROL.search(value):
        raise ApiError(422, "invalid_message", "'message' contains control characters.")
    if SURROGATE.search(value):
        raise ApiError(422, "invalid_message", "'message' is not valid Unicode text.")
    text = value.strip()
    if not text:
        raise ApiError(422, "empty_message", "'message' is empty.")
    if len(text) > max_chars:
        raise ApiError(413, "message_too_long", f"'message' is longer than {max_chars} characters.")
    if any(len(word) > max_word_chars for word in WORD.findall(text)):
        raise ApiError(422, "word_too_long", f"'message' has a word longer than {max_word_chars} characters.")
    return text


def validate_conversation_id(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not CONVERSATION_ID.fullmatch(value):
        raise ApiError(422, "invalid_conversation_id", "'conversation_id' must be 8-64 letters, digits, '-' or '_'.")
    return value


def _ownership_tag(random_part: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, b"api-conversation:" + random_part.encode("ascii"), hashlib.sha256).hexdigest()[:24]


def issue_conversation_id() -> str:
    """A new API conversation id: 128 random bits and a keyed digest of them (the proof of ownership).
    Whoever was given the id may continue or delete the conversation; nobody can make up a valid one."""
    random_part = secrets.token_hex(16)
    return f"{random_part}-{_ownership_tag(random_part)}"


def owned_conversation_id(value: str | None) -> str | None:
    """value when it is an id this service issued to an API client (digest checked), else None.
    The no-JavaScript page keeps its conversations under other keys ("page." + a session id), which never
    pass this check, so the two key spaces cannot reach each other."""
    if not value:
        return None
    random_part, _, tag = value.partition("-")
    if not re.fullmatch(r"[0-9a-f]{32}", random_part) or not re.fullmatch(r"[0-9a-f]{24}", tag):
        return None
    return value if hmac.compare_digest(tag, _ownership_tag(random_part)) else None


@bp.post("/chat")
def chat():
    body = _json_body()
    cfg = current_app.config
    message = validate_message(body.get("message"), cfg["MAX_MESSAGE_CHARS"], cfg["MAX_WORD_CHARS"])
    # An id without a valid digest (made up, guessed, or another key space's) starts a new conversation.
    conversation_id = owned_conversation_id(validate_conversation_id(body.get("conversation_id")))
    reply = current_app.extensions["responder"].respond(message, conversation_id or issue_conversation_id())
    g.answer_kind = reply.kind  # for metrics and the access log
    return jsonify(reply.to_api_dict())


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return jsonify({"error": exc.error, "message": exc.message}), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            name = (exc.name or "error").lower().replace(" ", "_")
            response = jsonify({"error": name, "message": exc.description})
            response.status_code = exc.code or 500
            for key, value in exc.get_headers():  # keep Allow (405), Retry-After (429)
                if key.lower() != "content-type":
                    response.headers[key] = value
            return response
        return exc

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith("/api/"):
            return jsonify({"error": "internal_error", "message": "Something went wrong on our side."}), 500
        return "Something went wrong on our side.", 500
