"""The tenant's landing page: its boards as cards, in its theme."""

from __future__ import annotations

from html import escape

from gateway.routes import RouteTable

_THEMES = {
    "light": ("#f6f7f9", "#1d2330", "#ffffff", "#d8dce3", "#1f5fbf"),
    "dark": ("#14171c", "#e6e9ef", "#1e232b", "#2e3440", "#7fb0ff"),
}

_PAGE = """<!doctype html>
<html lang="en" data-theme="{theme}"><head><meta charset="utf-8">
<title>{name} · Dazzler</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{background:{bg};color:{fg};font-family:system-ui,sans-serif;margin:0}}
header{{padding:1.5rem 2rem;border-bottom:1px solid {border}}}
h1{{margin:0;font-weight:600}}
main{{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem;
padding:2rem}}
a.card{{display:block;background:{card};border:1px solid {border};border-radius:.5rem;
padding:1rem 1.25rem;color:inherit;text-decoration:none}}
a.card:hover{{border-color:{accent}}}
a.card h2{{margin:0 0 .5rem;font-size:1.1rem;color:{accent}}}
a.card p{{margin:0;opacity:.85}}
</style></head>
<body><header><h1>{name}</h1></header>
<main>
{cards}
</main></body></html>
"""

_CARD = '<a class="card" href="{href}"><h2>{title}</h2><p>{description}</p></a>'
_EMPTY = "<p>No dashboards are available for this tenant yet.</p>"


def landing_page(table: RouteTable, home_prefix: str) -> bytes:
    """Return the HTML listing every board of the tenant, linked under ``home_prefix``."""
    theme = table.tenant.theme if table.tenant.theme in _THEMES else "light"
    bg, fg, card, border, accent = _THEMES[theme]
    cards = "\n".join(
        _CARD.format(
            href=escape(f"{home_prefix}/{grant.mount_path}/"),
            title=escape(grant.title or grant.board),
            description=escape(grant.description),
        )
        for grant in table.boards
    )
    return _PAGE.format(
        theme=theme,
        name=escape(table.tenant.display_name),
        bg=bg,
        fg=fg,
        card=card,
        border=border,
        accent=accent,
        cards=cards or _EMPTY,
    ).encode()
