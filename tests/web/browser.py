"""Shared by the browser tests: the workbench served by uvicorn on a free loopback port, and a page of Debian's
chromium driven by Playwright (never `playwright install`). Skips when Playwright or chromium is absent, unless
CI=true."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "test-output" / "screenshots"
_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def need(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` served on loopback for the duration of the block; yields its base address."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(500):  # waits for start-up, not a timing assertion
        if srv.started:
            break
        time.sleep(0.02)
    assert srv.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


@contextmanager
def chromium_page(*, downloads: bool = False):
    """A chromium page (1400×1000). ``page.dialogs`` collects every alert(): markup from a document that ran."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    need(sync_playwright is not None, "playwright (pip) not installed")
    need(Path(CHROMIUM).exists(), "chromium not installed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=downloads)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        try:
            yield page
        finally:
            browser.close()
