"""Pages that belong to no domain: the health probe and the language switch."""

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for

from portfolio.core.database import database_answers
from portfolio.core.security import local_target

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 when it does not (no login needed)."""
    if database_answers():
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503


@bp.post("/language")
def set_language():
    """Remember the chosen language for this browser session."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(local_target(request.form.get("next"), url_for("programmes.overview")))
