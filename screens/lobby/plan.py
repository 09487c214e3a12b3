"""How a grid of buttons fits the terminal: how many columns and how many rows each button takes,
measured from the texts themselves (every language wraps differently), so that no word is broken
and every choice shows without scrolling where that is possible.

A button here is a tall border (one row above, one below, one column each side) and one column of
padding each side; its text wraps at spaces, like Textual wraps it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

FRAME_ROWS = 2  # the tall border above and below
FRAME_COLUMNS = 4  # the border and the padding each side


def wrapped(text: str, width: int) -> int | None:
    """How many lines `text` takes at `width` cells, or None if a word is wider than that (it
    would be broken)."""
    if width <= 0:
        return None
    total = 0
    for part in text.split("\n"):
        if any(Content(word).cell_length > width for word in part.split()):
            return None
        total += max(1, len(Content(part).wrap(width)))
    return total


@dataclass(frozen=True)
class Grid:
    """`columns` buttons a row; each row as tall as its tallest text needs (`heights`)."""

    columns: int
    heights: tuple[int, ...]
    gutter: int

    @property
    def total(self) -> int:
        return sum(self.heights) + max(0, len(self.heights) - 1) * self.gutter

    def css(self) -> str:
        rows = " ".join(str(h) for h in self.heights)
        return f"grid-size: {self.columns}; grid-rows: {rows}; grid-gutter: {self.gutter} 1;"


def grid(
    labels: Sequence[str], width: int, columns: int, gutter: int = 0, min_height: int = 3
) -> Grid | None:
    """The grid of `labels` in `columns` columns across `width` cells (one cell between columns),
    or None when a word would be broken."""
    cell = (width - (columns - 1)) // columns - FRAME_COLUMNS
    lines = [wrapped(label, cell) for label in labels]
    if not labels or any(n is None for n in lines):
        return None
    heights = [max(min_height, n + FRAME_ROWS) for n in lines if n is not None]
    rows = tuple(max(heights[i : i + columns]) for i in range(0, len(heights), columns))
    return Grid(columns, rows, gutter)


def best_grid(
    labels: Sequence[str], width: int, height: int, columns: Sequence[int], gutter: int = 0
) -> Grid | None:
    """The first of `columns` whose grid fits `width` × `height`, or None."""
    for n in columns:
        plan = grid(labels, width, n, gutter)
        if plan is not None and plan.total <= height:
            return plan
    return None


def smallest_grid(labels: Sequence[str], width: int, columns: Sequence[int]) -> Grid | None:
    """Of `columns`, the grid that takes the fewest rows (a bar of buttons)."""
    plans = [p for p in (grid(labels, width, n) for n in columns) if p is not None]
    return min(plans, key=lambda p: p.total, default=None)


@dataclass(frozen=True)
class Arrangement:
    """A visitor screen's plan: its choices' grid, its bar's grid, whether the hints are shown,
    whether the headings get a row of space around them, and whether the choices must scroll
    (only when even the smallest plan does not fit). With larger text on a screen too small for
    every choice, the choices come in pages instead (`pages`: where each starts), each page ending
    in a big "more" choice; `choices` is then the grid of page `page`."""

    choices: Grid
    bar: Grid | None
    hints: bool
    roomy: bool
    scroll: bool
    pages: tuple[int, ...] = ()
    page: int = 0

    def shown(self, count: int) -> range:
        """The indices of the `count` choices on this page (all of them without pages)."""
        if not self.pages:
            return range(count)
        end = self.pages[self.page + 1] if self.page + 1 < len(self.pages) else count
        return range(self.pages[self.page], end)

    def page_of(self, index: int) -> int:
        """The page that shows choice `index`."""
        return max((n for n, start in enumerate(self.pages) if start <= index), default=0)


PAGE_COLUMNS = (1, 2, 3)  # larger text: a page's columns, the fewest that hold the most choices


def paged(labels: Sequence[str], more: str, width: int, room: int, gutter: int) -> tuple[int, ...]:
    """Where each page starts: as many of `labels` a page as fit `room` rows with the `more`
    choice after them; () when not even one fits."""

    def fits(page: Sequence[str]) -> bool:
        plans = (grid([*page, more], width, n, gutter) for n in PAGE_COLUMNS)
        return any(g is not None and g.total <= room for g in plans)

    starts: list[int] = []
    start = 0
    while start < len(labels):
        sizes = [k for k in range(1, len(labels) - start + 1) if fits(labels[start : start + k])]
        if not sizes:
            return ()
        starts.append(start)
        start += max(sizes)
    return tuple(starts)


def arrange(
    size: tuple[int, int],
    headings: Sequence[str],
    with_hints: Sequence[str],
    without_hints: Sequence[str],
    bar: Sequence[str],
    large: bool,
    more: str = "",
    page: int = 0,
) -> Arrangement:
    """The plan for a screen of `size` cells: headings across the top, a grid of choices (their
    labels with and without hints), a bar at the bottom. Large text takes fewer, wider columns and
    keeps the hints where they fit; where even its plan without hints does not fit, the choices
    come in pages, each ending in the `more` choice. Otherwise the hints go only when nothing else
    fits, and the choices scroll only when nothing fits at all."""
    width, height = size
    bar_plan = smallest_grid(bar, width - 2, range(len(bar), 0, -1)) if bar else None
    roomy = height >= 30
    top = sum(wrapped(text, width - 2) or 1 for text in headings) + (2 if roomy else 0)
    room = height - top - (bar_plan.total if bar_plan else 0)
    inner = width - 4
    gutter = 1 if roomy else 0
    columns = PAGE_COLUMNS if large else (1, 2, 3, 4)
    options = [(h, n) for h in (True, False) for n in columns]
    for hints, n in options:
        labels = with_hints if hints else without_hints
        plan = grid(labels, inner, n, gutter)
        if plan is not None and plan.total <= room:
            return Arrangement(plan, bar_plan, hints, roomy, False)
    pages = paged(without_hints, more, inner, room, gutter) if large and more else ()
    if pages:
        page = min(page, len(pages) - 1)
        end = pages[page + 1] if page + 1 < len(pages) else len(without_hints)
        labels = [*without_hints[pages[page] : end], more]
        fitting = [g for n in PAGE_COLUMNS if (g := grid(labels, inner, n, gutter)) and g.total <= room]
        return Arrangement(fitting[0], bar_plan, False, roomy, False, pages, page)
    labels = with_hints if large else without_hints
    for n in (1, 2, 3, 4) if large else (4, 3, 2, 1):
        plan = grid(labels, inner - 2, n, gutter)  # a scrollbar takes two columns
        if plan is not None:
            return Arrangement(plan, bar_plan, large, roomy, True)
    return Arrangement(Grid(1, (3,) * len(labels), gutter), bar_plan, large, roomy, True)


def dialog_width(size: tuple[int, int], large: bool) -> int:
    """A dialog's outer width: most of a small terminal, at most 80 cells (100 with large text)."""
    return max(20, min(size[0] * 95 // 100, 100 if large else 80))


DIALOG_FRAME = 6  # a dialog's thick border and its padding of two each side
