"""A local fake of the Facebook Graph API: leads, form lead lists with paging, and errors.

Run it, point `facebook.graph_url` at `fake.url`, and script it: `fake.leads[...] = {...}`,
`fake.profiles[psid] = {"first_name": ..., "last_name": ..., "name": ...}`,
`fake.fail_next(...)`. It records every request it answered in `fake.requests`.
"""
from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from flask import Flask, Response, request
from werkzeug.serving import make_server

ERRORS: dict[str, tuple[int, dict[str, Any]]] = {
    "expired_token": (400, {"message": "Error validating access token: Session has expired",
                            "type": "OAuthException", "code": 190, "error_subcode": 463}),
    "app_rate_limit": (400, {"message": "(#4) Application request limit reached",
                             "type": "OAuthException", "code": 4}),
    "page_rate_limit": (400, {"message": "(#17) User request limit reached",
                              "type": "OAuthException", "code": 17}),
    "bucu_rate_limit": (400, {"message": "(#80001) There have been too many calls to this Page",
                              "type": "OAuthException", "code": 80001}),
    "policy_rate_limit": (400, {"message": "(#613) Calls to this api have exceeded the rate limit.",
                                "type": "OAuthException", "code": 613}),
    "transient": (500, {"message": "An unexpected error has occurred. Please retry your request later.",
                        "type": "OAuthException", "code": 2, "is_transient": True}),
    "server_error": (500, None),  # a bare 500 without a JSON error
    "no_such_object": (400, {"message": "Unsupported get request.", "type": "GraphMethodException",
                             "code": 100, "error_subcode": 33}),
}


class FakeGraph:
    def __init__(self, page_size: int = 2) -> None:
        self.leads: dict[str, dict[str, Any]] = {}  # leadgen id -> lead object
        self.forms: dict[str, list[str]] = {}  # form id -> its leadgen ids, newest first
        self.page_forms: dict[str, list[str]] = {}  # page id -> its form ids
        self.profiles: dict[str, dict[str, Any]] = {}  # PSID / IGSID -> user profile fields
        self.valid_tokens: set[str] = set()  # empty: any token works
        self.failures: list[tuple[str, dict[str, str]]] = []  # answered in order, then normal
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.page_size = page_size
        self.app = self._build_app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v21.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeGraph:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def fail_next(self, kind: str, headers: dict[str, str] | None = None, times: int = 1) -> None:
        self.failures.extend([(kind, headers or {})] * times)

    def add_lead(self, form_id: str, lead: dict[str, Any]) -> None:
        created = datetime.fromisoformat(lead["created_time"]).timestamp()
        self.leads[lead["id"]] = {**lead, "form_id": form_id, "_created_unix": created}
        self.forms.setdefault(form_id, []).insert(0, lead["id"])

    def reset(self) -> None:
        for collection in (self.leads, self.forms, self.page_forms, self.profiles):
            collection.clear()
        for log in (self.failures, self.requests):
            log.clear()
        self.valid_tokens.clear()

    def _build_app(self) -> Flask:
        app = Flask("fake-graph")

        @app.get("/v21.0/<object_id>")
        def get_object(object_id: str) -> Response:
            return self._answer(lambda: self._lead(object_id) or self._profile(object_id))

        @app.get("/v21.0/<object_id>/leads")
        def form_leads(object_id: str) -> Response:
            return self._answer(lambda: self._list(self.forms.get(object_id, []), self._lead_or_none))

        @app.get("/v21.0/<object_id>/leadgen_forms")
        def page_forms(object_id: str) -> Response:
            return self._answer(lambda: self._list(self.page_forms.get(object_id, []),
                                                    lambda i: {"id": i, "status": "ACTIVE"}))

        return app

    def _answer(self, build: Any) -> Response:
        self.requests.append((request.path, dict(request.args)))
        if self.failures:
            kind, headers = self.failures.pop(0)
            return _error(kind, headers)
        token = request.args.get("access_token", "")
        if self.valid_tokens and token not in self.valid_tokens:
            return _error("expired_token", {})
        body = build()
        if body is None:
            return _error("no_such_object", {})
        return Response(json.dumps(body), mimetype="application/json")

    def _lead(self, leadgen_id: str) -> dict[str, Any] | None:
        lead = self.leads.get(leadgen_id)
        return _public(lead) if lead else None

    def _profile(self, user_id: str) -> dict[str, Any] | None:
        """A Messenger / Instagram user profile, with only the `fields` asked for (and id)."""
        profile = self.profiles.get(user_id)
        if profile is None:
            return None
        wanted = set(request.args.get("fields", "").split(",")) | {"id"}
        return {k: v for k, v in {"id": user_id, **profile}.items() if k in wanted}

    def _lead_or_none(self, leadgen_id: str) -> dict[str, Any] | None:
        lead = self.leads[leadgen_id]
        since = _since(request.args.get("filtering"))
        return lead if since is None or lead["_created_unix"] > since else None

    def _list(self, ids: list[str], render: Any) -> dict[str, Any]:
        """Cursor paging like Graph's: `after` is the index of the next item, as a string."""
        items = [r for r in (render(i) for i in ids) if r is not None]
        start = int(request.args.get("after", "0"))
        page = items[start:start + self.page_size]
        body: dict[str, Any] = {"data": [_public(item) for item in page]}
        end = start + len(page)
        cursors = {"before": str(start), "after": str(end)}
        body["paging"] = {"cursors": cursors}
        if end < len(items):
            body["paging"]["next"] = f"{self.url}{request.path.removeprefix('/v21.0')}?after={end}"
        return body


def _since(filtering: str | None) -> int | None:
    for rule in json.loads(filtering or "[]"):
        if rule.get("field") == "time_created" and rule.get("operator") == "GREATER_THAN":
            return int(rule["value"])
    return None


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _error(kind: str, headers: dict[str, str]) -> Response:
    status, error = ERRORS[kind]
    body = json.dumps({"error": {**error, "fbtrace_id": "AbCdEf"}}) if error else "<html>500</html>"
    return Response(body, status=status, headers=headers,
                    mimetype="application/json" if error else "text/html")

