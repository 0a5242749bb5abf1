"""Playwright's Chromium (Debian's, never a downloaded one) for the boards' browser tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Playwright's Chromium, headless, for as long as the block runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextlib.contextmanager
def recording_page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors/warnings and page errors in
    ``page.problems``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    problems: list[str] = []
    tab.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    tab.problems = problems
    yield tab
    context.close()


@contextlib.contextmanager
def page_with_errors(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page (downloads accepted) and the list its console errors and page errors
    are added to."""
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab, problems
    context.close()


__all__ = [
    "CHROMIUM_ARGS",
    "chromium",
    "page_with_errors",
    "recording_page",
]
