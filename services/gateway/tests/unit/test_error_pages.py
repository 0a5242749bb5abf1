from __future__ import annotations

from gateway.error_pages import render_error
from gateway.errors import Forbidden, GatewayError, NotFound


def _page(exc: GatewayError, path: str) -> str:
    _, body, content_type, _ = render_error(exc, False, path)
    assert content_type.startswith(b"text/html")
    return body.decode()


def test_404_under_a_tenant_links_back_to_that_tenants_boards():
    page = _page(NotFound("board"), "/dazzler/acme/-/nope/")
    assert '<a href="/dazzler/acme/-/">Back to the boards</a>' in page


def test_404_page_is_the_same_whatever_the_reason():
    # Unknown tenant, disabled tenant, ungranted board: one page, only the address differs.
    pages = {_page(NotFound(reason), "/dazzler/acme/-/x/") for reason in ("tenant", "board")}
    assert len(pages) == 1


def test_no_link_for_other_addresses_or_odd_tenant_names():
    for path in ("/elsewhere", "/dazzler/", '/dazzler/a"><script>/-/x', "/dazzler/acme/x"):
        assert "Back to the boards" not in _page(NotFound("x"), path)


def test_no_link_on_other_errors():
    assert "Back to the boards" not in _page(Forbidden("no"), "/dazzler/acme/-/x/")


def test_json_answers_are_unchanged():
    status, body, content_type, _ = render_error(NotFound("x"), True, "/dazzler/acme/-/x/")
    assert (status, content_type) == (404, b"application/json")
    assert b"Back" not in body
