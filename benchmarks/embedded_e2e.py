"""Embedded mode, end to end: a form POST to `hub serve` until its lead is stored on a contact.

Run from the repository root: `python benchmarks/embedded_e2e.py [--posts 200]`.
Starts `hub serve` (SQLite, in-process worker) in a temporary folder with the demo form, posts
forms one at a time with Vietnamese names and phones, and for each measures the HTTP answer
time and the time until the lead row exists (polling the SQLite file read-only). Prints
p50 / p95 / max of both.
"""
from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HUB = str(Path(sys.executable).parent / "hub")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(check, timeout: float) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if check():
            return time.perf_counter()
        time.sleep(0.002)
    raise RuntimeError(f"not done after {timeout}s")


def lead_stored(db: Path, ref: str) -> bool:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT 1 FROM leads WHERE source_ref = ?", (ref,)).fetchone() is not None
    except sqlite3.OperationalError:  # the schema is not there yet
        return False


def up(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def run(posts: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hub-e2e-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    server = subprocess.Popen([HUB, "serve", "--port", str(port)], cwd=folder, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait(lambda: up(base + "/healthz"), 60)
        session, answers, stored = requests.Session(), [], []
        for n in range(posts):
            form = {"ho_ten": f"Nguyễn Thị Lan {n}", "so_dien_thoai": f"0912.{n:03d}.{n % 1000:03d}"}
            sent = time.perf_counter()
            response = session.post(f"{base}/webhooks/forms/demo?token=demo", data=form,
                                    headers={"Idempotency-Key": f"e2e-{n}"}, timeout=10)
            answered = time.perf_counter()
            response.raise_for_status()
            done = wait(lambda: lead_stored(folder / "var" / "hub.db", f"demo:e2e-{n}"), 30)
            answers.append((answered - sent) * 1000)
            stored.append((done - sent) * 1000)
    finally:
        server.terminate()
        server.wait(10)
    for label, values in (("HTTP answer", answers), ("POST -> lead stored", stored)):
        q = statistics.quantiles(values, n=20)
        print(f"embedded {label}: p50 {statistics.median(values):.1f} ms, p95 {q[18]:.1f} ms, "
              f"max {max(values):.1f} ms ({posts} posts)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    run(parser.parse_args().posts)
