"""A downstream CRM's webhook endpoint on 127.0.0.1, scripted by the test.

`answers` is a list of status codes used one per request before falling back to `default`;
`down()` closes the port (connections refused) and `up()` opens the same port again. Every
request is kept in `received` with the status it was answered with.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.default = 200
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> Receiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    status = owner.answers.pop(0) if owner.answers else owner.default
                    owner.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                   body, status, time.monotonic()))
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"http://127.0.0.1:{owner.port}/elsewhere")
                payload = b'{"ok":true}' if status < 300 else b"<html>l\xe1\xbb\x97i m\xc3\xa1y ch\xe1\xbb\xa7</html>" * 200
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def delivered(self, path: str | None = None) -> list[Received]:
        """Requests answered 2xx (on `path` if given)."""
        with self.lock:
            return [r for r in self.received if 200 <= r.status < 300 and (path is None or r.path == path)]
