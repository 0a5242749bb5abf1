"""``/docs`` and ``/redoc`` work on a network without internet access."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from dazzler_stack import free_port
from fastapi.testclient import TestClient
from registry.app import create_app
from registry.config import Settings

CHROMIUM = "/usr/bin/chromium"
# Anything a page makes the browser fetch: src=, href= and url(...) references.
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


@pytest.fixture
def docs_client(tmp_path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}")
    with TestClient(create_app(settings)) as client:
        yield client


def _references(html: str) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_reference_only_their_own_host(docs_client: TestClient, page: str) -> None:
    response = docs_client.get(page)

    assert response.status_code == 200
    refs = _references(response.text)
    assert refs, "the page loads no assets at all"
    external = [r for r in refs if urlsplit(r).netloc or r.startswith("//")]
    assert external == []
    assert "cdn.jsdelivr.net" not in response.text
    assert "fonts.googleapis.com" not in response.text
    for ref in refs:
        if ref.startswith("/"):
            asset = docs_client.get(ref)
            assert asset.status_code == 200, ref
            assert len(asset.content) > 10_000, ref


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_forbid_the_browser_other_hosts(docs_client: TestClient, page: str) -> None:
    policy = docs_client.get(page).headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy


def test_swagger_ui_does_not_call_the_online_validator(docs_client: TestClient) -> None:
    assert '"validatorUrl": null' in docs_client.get("/docs").text


def test_docs_pages_stay_out_of_the_schema(docs_client: TestClient) -> None:
    paths = docs_client.get("/openapi.json").json()["paths"]

    assert not [p for p in paths if p.startswith(("/docs", "/redoc"))]


@pytest.fixture
def served(tmp_path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DAZZLER_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        "DAZZLER_REGISTRY_PORT": str(port),
        "DAZZLER_REGISTRY_HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy machine imports slowly
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.integration
@pytest.mark.browser
@pytest.mark.parametrize(
    ("page", "rendered"),
    [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")],
)
def test_pages_render_with_every_other_host_unreachable(
    served: str, page: str, rendered: str
) -> None:
    from playwright.sync_api import sync_playwright

    host = urlsplit(served).netloc
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            tab = browser.new_page()

            def only_local(route) -> None:
                url = route.request.url
                if url.startswith("data:") or urlsplit(url).netloc == host:
                    route.continue_()
                else:
                    elsewhere.append(url)
                    route.abort()

            tab.route("**/*", only_local)
            tab.goto(served + page)
            title = tab.wait_for_selector(rendered, timeout=30_000)
            assert title is not None
            assert "Dazzler tenant registry" in title.inner_text()
            # The operations are listed from the schema, not just the page chrome.
            tab.get_by_text("Enabled Tenants").first.wait_for(state="attached", timeout=30_000)
        finally:
            browser.close()

    assert elsewhere == []
