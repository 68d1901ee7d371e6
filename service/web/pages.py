"""Patient chat page: works as a plain form post without JavaScript."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from .api import ApiError, validate_message

bp = Blueprint("pages", __name__)


@bp.route("/", methods=["GET", "POST"])
def chat_page():
    reply, question, error = None, "", None
    if request.method == "POST":
        question = request.form.get("message", "")
        try:
            message = validate_message(question, current_app.config["MAX_MESSAGE_CHARS"])
            reply = current_app.extensions["responder"].respond(message).to_dict()
        except ApiError as exc:
            error = exc.message
    return render_template("chat.html", reply=reply, question=question, error=error)
