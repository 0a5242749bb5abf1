"""How the showcase uses the page's width: below the explanation card, the figures take
the whole row instead of leaving the explanation's column empty beside them.

The kit lays out every board as an explanation column and a body column; the showcase's
body is much taller than its explanation, so on wide screens its figures row is placed
across both columns (CSS grid over the kit's row). Served with every colour theme.
"""

from __future__ import annotations

BODY_ID = "showcase-body"
FIGURES_ID = "showcase-figures"

_ROW = f'.row:has(> [class*="col-"] > div > #{BODY_ID})'
# The kit's panel wrapper (status line, then the body) between the column and the body.
_WRAP = f'{_ROW} > [class*="col-"] > div:has(> #{BODY_ID})'

# The explanation spans the status line's and the controls' rows; the figures row below
# takes the whole width.
LAYOUT_CSS = f"""
@media (min-width: 992px) {{
  {_ROW} {{ display: grid; grid-template-columns: 3fr 9fr; }}
  {_ROW} > [class*="col-"] {{ width: auto; max-width: none; }}
  {_ROW} > [class*="col-"]:first-child {{ grid-row: span 2; }}
  {_ROW} > [class*="col-"]:has(> div > #{BODY_ID}), {_WRAP}, #{BODY_ID} {{ display: contents; }}
  {_WRAP} > *, #{BODY_ID} > * {{ grid-column: 2; }}
  #{BODY_ID} > #{FIGURES_ID} {{ grid-column: 1 / -1; }}
  #{BODY_ID} > .row {{ margin-left: 0; margin-right: 0; }}
}}
"""
