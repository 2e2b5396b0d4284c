"""Admin pages: users, API tokens, the audit log. Admins only, for reading too."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hub.ops import audit, tokens, users
from hub.ops.i18n import gettext as _
from hub.ops.web import bp, hub, record, requires


@bp.get("/admin/users")
@requires("admin")
def user_list() -> Any:
    return render_template("ops/users.html", users=users.listing(hub().store), roles=users.ROLES)


@bp.post("/admin/users")
@requires("admin")
def user_add() -> Response:
    form = request.form
    try:
        user = users.add(hub().store, form.get("username", ""), form.get("password", ""), form.get("role", ""))
    except users.UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ops.user_list"))
    with hub().store.transaction() as session:
        record(session, "user.add", user.username, role=user.role)
    flash(_("User saved."), "ok")
    return redirect(url_for("ops.user_list"))


@bp.post("/admin/users/<username>")
@requires("admin")
def user_change(username: str) -> Response:
    """One change per post: role=..., or active=0/1. The user's sessions end."""
    form = request.form
    try:
        if "role" in form:
            user = users.set_role(hub().store, username, form["role"])
            action, detail = "user.set_role", {"role": user.role}
        elif form.get("active") in ("0", "1"):
            user = users.set_active(hub().store, username, form["active"] == "1")
            action, detail = ("user.enable" if user.active else "user.disable"), {}
        else:
            flash(_("Bad request."), "error")
            return redirect(url_for("ops.user_list"))
    except users.UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ops.user_list"))
    with hub().store.transaction() as session:
        record(session, action, user.username, **detail)
    flash(_("User saved."), "ok")
    return redirect(url_for("ops.user_list"))


@bp.get("/admin/tokens")
@requires("admin")
def token_list() -> Any:
    return render_template("ops/tokens.html", tokens=tokens.listing(hub().store), scopes=tokens.SCOPES, new=None)


@bp.post("/admin/tokens")
@requires("admin")
def token_create() -> Any:
    name, scopes = request.form.get("name", ""), request.form.getlist("scopes")
    try:
        token = tokens.create(hub().store, name, scopes)
    except tokens.TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ops.token_list"))
    with hub().store.transaction() as session:
        record(session, "token.create", name.strip(), scopes=sorted(scopes))
    return render_template("ops/tokens.html", tokens=tokens.listing(hub().store), scopes=tokens.SCOPES, new=token)


@bp.post("/admin/tokens/<int:token_id>/revoke")
@requires("admin")
def token_revoke(token_id: int) -> Response:
    try:
        tokens.revoke(hub().store, token_id)
    except tokens.TokenError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ops.token_list"))
    with hub().store.transaction() as session:
        record(session, "token.revoke", f"token:{token_id}")
    flash(_("Token revoked."), "ok")
    return redirect(url_for("ops.token_list"))


@bp.get("/admin/audit")
@requires("admin")
def audit_log() -> Any:
    before = request.args.get("before", "")
    with hub().store.sessions() as session:
        rows = audit.entries(session, limit=100, before=int(before) if before.isdigit() else None,
                             action=request.args.get("action") or None, actor=request.args.get("actor") or None)
        return render_template("ops/audit.html", rows=rows)
