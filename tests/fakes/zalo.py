"""A local fake of the Zalo OA API: user detail and the OAuth v4 refresh, with rotation.

- `GET /v3.0/oa/user/detail?data={"user_id": "..."}`, header `access_token`: HTTP 200 with
  `{"error": 0, "message": "Success", "data": {...}}`, or `{"error": -216, ...}` (unknown
  token) / `{"error": -220, ...}` (expired token).
- `POST /v4/oa/access_token`, form refresh_token, app_id, grant_type=refresh_token, header
  secret_key: a new pair `{"access_token", "refresh_token", "expires_in": "90000"}`; the refresh
  token used is spent, and a spent or unknown one is refused with an OAuth error body.

Script it: `fake.users[...] = {...}`, `fake.issue(app_id, secret)` for a first refresh token,
`fake.expire_access_tokens()`, `fake.fail_next("server_error")`. `fake.refresh_uses` lists
every refresh token presented, in order.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server

INVALID_REFRESH = {"error": -14014, "error_name": "Invalid refresh token",
                   "error_reason": "Refresh token is invalid or has been used",
                   "ref_doc": "https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new",
                   "error_description": "refresh_token is invalid"}
ERRORS: dict[str, tuple[int, Any]] = {
    "server_error": (502, "<html>Bad Gateway</html>"),
    "rate_limit": (200, {"error": -32, "message": "The request exceeded the rate limit"}),
    "not_follower": (200, {"error": -213, "message": "User has not followed OA"}),
}


class _Handler(WSGIRequestHandler):
    """Zalo's headers `access_token` and `secret_key` contain "_", which Werkzeug's server drops
    (against header spoofing behind CGI); keep them, under their own environ keys."""

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        for key, value in self.headers.items():
            if "_" in key:
                environ[f"zalo.header.{key.lower()}"] = value
        return environ


def _header(name: str) -> str:
    return str(request.environ.get(f"zalo.header.{name}", ""))


class FakeZalo:
    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}  # user id -> its `data` object
        self.apps: dict[str, str] = {}  # app id -> secret key
        self.access_tokens: dict[str, str] = {}  # token -> "valid" | "expired"
        self.refresh_tokens: dict[str, str] = {}  # token -> "unused" | "spent"
        self.refresh_uses: list[str] = []
        self.refresh_delay = 0.0  # seconds a refresh takes (widens a race in tests)
        self.failures: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (path, access token or refresh token)
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.app = self._build_app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeZalo:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def reset(self) -> None:
        for collection in (self.users, self.apps, self.access_tokens, self.refresh_tokens):
            collection.clear()
        for log in (self.refresh_uses, self.failures, self.requests):
            log.clear()
        self.refresh_delay = 0.0

    def issue(self, app_id: str, secret_key: str) -> tuple[str, str]:
        """A fresh (access token, refresh token) pair, as the OA authorisation would give."""
        self.apps[app_id] = secret_key
        with self.lock:
            return self._new_pair()

    def expire_access_tokens(self) -> None:
        for token in self.access_tokens:
            self.access_tokens[token] = "expired"

    def fail_next(self, kind: str, times: int = 1) -> None:
        self.failures.extend([kind] * times)

    def _new_pair(self) -> tuple[str, str]:
        n = next(self.counter)
        access, refresh = f"zat-{n}-Hx8qL", f"zrt-{n}-Pq2mV"
        self.access_tokens[access] = "valid"
        self.refresh_tokens[refresh] = "unused"
        return access, refresh

    def _build_app(self) -> Flask:
        app = Flask("fake-zalo")

        @app.get("/v3.0/oa/user/detail")
        def user_detail() -> Response:
            token = _header("access_token")
            self.requests.append((request.path, token))
            if self.failures:
                return _answer(*ERRORS[self.failures.pop(0)])
            state = self.access_tokens.get(token)
            if state != "valid":
                code, message = ((-220, "Access token has expired") if state == "expired"
                                 else (-216, "Access token is invalid"))
                return _answer(200, {"error": code, "message": message})
            try:
                user_id = str(json.loads(request.args.get("data", ""))["user_id"])
            except (ValueError, KeyError, TypeError):
                return _answer(200, {"error": -201, "message": "Parameters are invalid"})
            if user_id not in self.users:
                return _answer(200, {"error": -213, "message": "User has not followed OA"})
            return _answer(200, {"error": 0, "message": "Success", "data": self.users[user_id]})

        @app.post("/v4/oa/access_token")
        def access_token() -> Response:
            refresh = request.form.get("refresh_token", "")
            self.requests.append((request.path, refresh))
            if self.failures:
                return _answer(*ERRORS[self.failures.pop(0)])
            app_id = request.form.get("app_id", "")
            if (request.form.get("grant_type") != "refresh_token"
                    or self.apps.get(app_id) != _header("secret_key")):
                return _answer(200, {"error": -14002, "error_name": "Invalid app",
                                     "error_description": "app_id or secret_key is invalid"})
            time.sleep(self.refresh_delay)
            with self.lock:
                self.refresh_uses.append(refresh)
                if self.refresh_tokens.get(refresh) != "unused":
                    return _answer(200, INVALID_REFRESH)
                self.refresh_tokens[refresh] = "spent"
                access, new_refresh = self._new_pair()
            return _answer(200, {"access_token": access, "refresh_token": new_refresh,
                                 "expires_in": "90000"})

        return app


def _answer(status: int, body: Any) -> Response:
    if isinstance(body, str):
        return Response(body, status=status, mimetype="text/html")
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def zalo_user(user_id: str, display_name: str, shared_info: dict[str, Any] | None = None) -> dict[str, Any]:
    """A user/detail `data` object in the documented shape."""
    return {
        "user_id": user_id, "user_id_by_app": "552177279717587730", "user_external_id": "",
        "display_name": display_name, "user_alias": "", "is_sensitive": False,
        "user_last_interaction_date": "23/11/2026", "user_is_follower": True,
        "avatar": "https://s120-ava-talk.zadn.vn/a/b/c.jpg",
        "avatars": {"120": "https://s120-ava-talk.zadn.vn/a/b/c.jpg", "240": "https://s240-ava-talk.zadn.vn/a/b/c.jpg"},
        "tags_and_notes_info": {"tag_names": [], "notes": []},
        "shared_info": shared_info or {},
    }
