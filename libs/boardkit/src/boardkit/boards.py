"""What a board service declares: its boards, each a slug with a title, an explanation and
a live view or a panel view; the kit builds the page, its callbacks and its look."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tenant_context import TenantContext

from boardkit.palettes import Palette, checked_palettes
from boardkit.panels import PanelView
from boardkit.views import LiveView


@dataclass(frozen=True, slots=True)
class Board:
    """One board slug a service serves.

    - ``explanation``: Markdown shown beside the data (what it shows, how to read it).
    - ``live``: a :class:`LiveView` (time series per entity); the kit builds controls,
      figure, states and CSV.
    - ``panels``: a :class:`PanelView` (several figures and parts fed by a few sources);
      the kit polls, caches, renders once per interval and patches what changed.
    - ``for_context(context)``: for boards described by the tenant's board settings (entity
      monitors): returns the board to render for this request (title, explanation, live
      view); the declared board itself is used for validation layouts and must be live.
    - ``unavailable``: why this board cannot be shown (e.g. settings ``for_context`` cannot
      read); the page says so beside the title and explanation, and polls nothing.
    - ``palettes``: colour palettes a viewer may choose (``?palette=<slug>``, or the
      picker of a panel view's ``theme_picker``); the first is the default.
    """

    slug: str
    title: str
    explanation: str
    live: LiveView | None = None
    panels: PanelView | None = None
    for_context: Callable[[TenantContext], Board] | None = None
    unavailable: str = ""
    palettes: tuple[Palette, ...] = ()

    def resolved(self, context: TenantContext) -> Board:
        """The board as this request's context describes it."""
        return self if self.for_context is None else self.for_context(context)

    @property
    def palette_slugs(self) -> tuple[str, ...]:
        """The slugs ``?palette=`` may name on this board."""
        return tuple(p.slug for p in self.palettes)

    def __post_init__(self) -> None:
        views = (self.live, self.panels)
        if sum(v is not None for v in views) + bool(self.unavailable) != 1:
            raise ValueError(
                f"board {self.slug!r} needs exactly one of live=, panels= or unavailable="
            )
        checked_palettes(self.palettes)
