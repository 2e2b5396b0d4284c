"""The ops console blueprint (/ops/): sign-in, sessions, roles, CSRF, security headers, language.

Views live in web_*.py modules that register on `bp`. Every POST needs a valid CSRF token
(Flask-WTF's signed token, checked here for the whole blueprint) and, except signing in and
out, the "ops" role; admin pages check "admin" on top. Viewers can read everything else.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from importlib import import_module
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (Blueprint, Flask, Response, abort, current_app, flash, g, redirect, render_template,
                   request, session, url_for)
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse
from wtforms import ValidationError

from hub.ops import audit, i18n, ratelimit, users
from hub.ops.i18n import gettext as _

bp = Blueprint("ops", __name__, url_prefix="/ops", template_folder="templates", static_folder="static")
OPEN_ENDPOINTS = {"ops.login", "ops.static"}
POST_WITHOUT_ROLE = {"ops.login", "ops.logout"}
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
VIEW_MODULES = ("hub.ops.web_dashboard", "hub.ops.web_review", "hub.ops.web_contacts", "hub.ops.web_admin",
                "hub.ops.web_webhooks", "hub.ops.web_import")
F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    """Register the console and set the session cookie rules from [ops] settings."""
    settings = app.extensions["hub"].settings.ops
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=int(settings.session_hours * 3600),
    )
    for module in VIEW_MODULES:  # each adds its routes to bp when first imported
        import_module(module)
    app.register_blueprint(bp)


def hub() -> Any:
    return current_app.extensions["hub"]


def actor() -> str:
    return f"ops:{g.user.username}"


def client_ip() -> str:
    return request.remote_addr or ""


def record(session: Any, action: str, target: object = "", **detail: Any) -> None:
    """An audit entry for the signed-in user, inside the caller's transaction."""
    audit.record(session, actor(), action, str(target), detail, client_ip())


def requires(role: str) -> Callable[[F], F]:
    """The view needs `role` or above (403 otherwise): the server-side check, whatever the page shows."""
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not g.user.can(role):
                abort(403)
            return view(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorator


@bp.before_request
def _guard() -> BaseResponse | None:
    g.lang = i18n.language()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        _check_csrf()
    g.user = _session_user()
    if g.user is None and request.endpoint not in OPEN_ENDPOINTS:
        if "uid" in session:
            flash(_("Your session has ended (your account changed). Please sign in again."), "error")
        session.pop("uid", None)
        return redirect(url_for("ops.login", next=request.full_path if request.method == "GET" else None))
    if request.method == "POST" and request.endpoint not in POST_WITHOUT_ROLE and not g.user.can("ops"):
        abort(403)
    return None


def _check_csrf() -> None:
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken", "")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None


def _session_user() -> users.User | None:
    uid, epoch = session.get("uid"), session.get("epoch")
    if not isinstance(uid, int):
        return None
    user = users.get(hub().store, uid)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "ops.static":
        response.headers["Cache-Control"] = "no-store"
    lang = request.args.get("lang")
    if lang in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    messages = {
        400: _("Bad request."),
        403: _("You do not have permission to do this."),
        404: _("Page not found."),
    }
    message = messages.get(exc.code or 500, _("Something went wrong."))
    if isinstance(exc, CSRFError):
        message = _("The form is missing its security token or it has expired. Reload the page and try again.")
    return render_template("ops/error.html", message=message, code=exc.code), exc.code or 500


@bp.app_template_filter("localtime")
def _localtime(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if value else ""


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    return {"_": _, "csrf_token": generate_csrf, "lang": g.get("lang", i18n.DEFAULT),
            "user": g.get("user"), "lang_url": _lang_url}


def _lang_url(lang: str) -> str:
    args = {**request.view_args, **request.args.to_dict(), "lang": lang} if request.view_args is not None else {"lang": lang}
    return url_for(request.endpoint or "ops.dashboard", **args)


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect), defaulting to the dashboard."""
    if target and target.startswith("/ops/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("ops.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("ops/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip().lower()[:64]
    password = request.form.get("password", "")
    store, limits = hub().store, hub().settings.ops
    if ratelimit.blocked(store, limits, username, client_ip()):
        with store.transaction() as db:
            audit.record(db, f"ops:{username}", "login.blocked", username, {}, client_ip())
        flash(_("Too many failed sign-ins. Wait a few minutes and try again."), "error")
        return render_template("ops/login.html", next=request.form.get("next", "")), 429
    user = users.authenticate(store, username, password)
    if user is None:
        ratelimit.failed(store, limits, username, client_ip())
        with store.transaction() as db:
            audit.record(db, f"ops:{username}", "login.failed", username, {}, client_ip())
        flash(_("Wrong username or password."), "error")
        return render_template("ops/login.html", next=request.form.get("next", "")), 401
    ratelimit.succeeded(store, username)
    session.clear()  # a fresh session at sign-in (no fixation)
    session.permanent = True
    session.update(uid=user.id, epoch=user.session_epoch)
    with store.transaction() as db:
        audit.record(db, f"ops:{user.username}", "login", user.username, {"role": user.role}, client_ip())
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> BaseResponse:
    if g.user is not None:
        with hub().store.transaction() as db:
            record(db, "logout", g.user.username)
    session.clear()
    return redirect(url_for("ops.login"))
