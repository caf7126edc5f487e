"""Swagger UI and ReDoc render offline, in headless Chromium: zero console errors, no request
leaving the app."""

from __future__ import annotations

import pytest

from browser import watch


@pytest.mark.parametrize(("path", "ready"), [
    ("/docs", "#swagger-ui .opblock-tag"),
    ("/redoc", "[role=navigation] li, .menu-content li"),
])
def test_docs_render_offline(api, browser, path, ready):
    page = browser.new_page()
    watched = watch(page, api.url)
    page.goto(api.url + path)
    page.wait_for_selector(ready, timeout=20_000)
    text = page.inner_text("body")
    assert "/analytics/top-products/" in text or "top-products" in text.lower()
    assert watched.console_errors == []
    assert watched.outside_requests == []
    page.close()
