"""How the showcase uses the page's width: below the explanation card, the figures take
the whole row instead of leaving the explanation's column empty beside them.

The kit lays out every board as an explanation column and a body column; the showcase's
body is much taller than its explanation, so on wide screens its figures row is placed
across both columns (CSS grid over the kit's row). Served with every colour theme.
"""

from __future__ import annotations

BODY_ID = "showcase-body"
FIGURES_ID = "showcase-figures"

_ROW = f'.row:has(> [class*="col-"] > #{BODY_ID})'

LAYOUT_CSS = f"""
@media (min-width: 992px) {{
  {_ROW} {{ display: grid; grid-template-columns: 3fr 9fr; }}
  {_ROW} > [class*="col-"] {{ width: auto; max-width: none; }}
  {_ROW} > [class*="col-"]:has(> #{BODY_ID}), #{BODY_ID} {{ display: contents; }}
  #{FIGURES_ID} {{ grid-column: 1 / -1; }}
  #{BODY_ID} > .row {{ margin-left: 0; margin-right: 0; }}
}}
"""
