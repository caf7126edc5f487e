"""A real browser for the page tests: playwright driving Debian's Chromium (/usr/bin/chromium).

Tests that need it take the ``browser`` fixture (tests/python/conftest.py); without Chromium
they are skipped with a message, except where STOREFRONT_REQUIRE_BROWSER=1 (CI), where they
fail. Every page a test opens records its console errors and the requests that leave the app."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("STOREFRONT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found: apt-get install -y chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[dev]'"
    return None


@dataclass
class Watched:
    """A page with what went wrong on it."""

    page: object
    origin: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


def watch(page, origin: str) -> Watched:
    watched = Watched(page, origin)
    page.on("console", lambda msg: msg.type == "error"
            and watched.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: watched.console_errors.append(str(exc)))

    def request(req) -> None:
        parts = urlsplit(req.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != origin:
            watched.outside_requests.append(req.url)

    page.on("request", request)
    return watched
