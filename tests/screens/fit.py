"""Does the screen fit the terminal? A check for any Textual app under test, at any size.

    from tests.screens.fit import assert_fits, misfits

    async with app.run_test(size=(80, 24)) as pilot:
        ...                                # get to the screen (a modal on top is checked instead)
        assert_fits(pilot)                 # raises AssertionError listing every problem
        problems = misfits(pilot.app)      # or the list itself, one readable line a problem

It looks at the top screen (a dialog when one is open; the screen under it is meant to be covered)
and at every widget on it that is shown (`display` and `visible`), and reports a widget:

- **outside**: not wholly inside the terminal, or cut by its container (clipped by an ancestor);
- **no room**: shown but given no cells (zero width or height) while it has text;
- **hidden**: some of its cells are covered by another widget that is not its own descendant
  (checked for the leaves: widgets with no shown children);
- **cut text**: the words drawn in its cells (Button, Label, Static and their subclasses) are not
  its own words in order: a word missing, broken across lines (labels must wrap at word
  boundaries), or replaced by an ellipsis "…". Borders and block letters (U+2500-U+259F) are left
  out of both sides, so a border never counts as text and big letters are compared as words of
  blocks.

`scrolling=True` lets a widget lie outside the view of a scrolling container (one that can scroll
that way and shows it with a scrollbar) when scrolling brings it into view; by default every widget
must be visible without scrolling. Widgets inside a scrolling container are then still checked for
cut text, as drawn at their own size. `skip` takes widgets whose text is a picture (e.g. a QR code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import cell_len
from textual.app import App
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Checkbox, RadioButton, Static

_DRAWING = {chr(c) for c in range(0x2500, 0x25A0)}  # box drawing, block elements
_TRANSLATE = {ord(c): " " for c in _DRAWING}


def _words(text: str) -> list[str]:
    return text.translate(_TRANSLATE).split()


def name(widget: Widget) -> str:
    """A widget as a reader finds it: type, id, classes and the start of its text."""
    text = widget_text(widget)
    shown = f' "{text[:40]}"' if text else ""
    ident = f"#{widget.id}" if widget.id else ""
    classes = "".join(f".{c}" for c in sorted(widget.classes) if not c.startswith("-"))
    return f"{type(widget).__name__}{ident}{classes}{shown}".replace("\n", " ")


def widget_text(widget: Widget) -> str | None:
    """The text a Button, Label or Static shows, or None for other widgets."""
    if isinstance(widget, Checkbox | RadioButton):  # its mark, then its label
        return f"{widget.BUTTON_INNER} {widget.label.plain}"
    if isinstance(widget, Button):
        return widget.label.plain
    if isinstance(widget, Static):
        plain = getattr(widget.visual, "plain", None)
        return plain if isinstance(plain, str) else None
    return None


def _grid(app: App[object]) -> list[list[str]]:
    """What the top screen draws, one character a cell ("" for the second cell of a wide one)."""
    strips = app.screen._compositor.render_strips(app.screen.size)
    rows = []
    for strip in strips:
        cells: list[str] = []
        for segment in strip:
            for char in segment.text:
                cells.append(char)
                cells.extend([""] * (cell_len(char) - 1))
        rows.append(cells)
    return rows


def _drawn(grid: list[list[str]], region: Region) -> str:
    return "\n".join("".join(grid[y][region.x : region.right]) for y in range(region.y, region.bottom))


def _own_drawing(widget: Widget) -> str:
    """The widget drawn at its own size, whether it is in view or not."""
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def _cut(expected: str, drawn: str) -> str | None:
    """Why `drawn` does not show the words of `expected`, or None when it does."""
    want, got = _words(expected), _words(drawn)
    if want == got:
        return None
    if "…" in drawn and "…" not in expected:
        return f"ends in an ellipsis: {' '.join(got)!r}"
    return f"shows {' '.join(got)!r}"


def _scrolls_into_view(widget: Widget, region: Region) -> bool:
    """Whether a scrolling container around `widget` can bring `region` into its view."""
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Widget) and isinstance(ancestor, ScrollableContainer):
            view = ancestor.scrollable_content_region
            vertical = region.y < view.y or region.bottom > view.bottom
            horizontal = region.x < view.x or region.right > view.right
            return not (
                (vertical and not ancestor.show_vertical_scrollbar)
                or (horizontal and not ancestor.show_horizontal_scrollbar)
            )
    return False


def _tops(
    layers: list[list[tuple[Widget, Region, Region]]], width: int, height: int
) -> dict[tuple[int, int], Widget]:
    """The widget on top at each cell, as the compositor's `get_widget_at` finds it (none on the
    screen's own ground), row by row: each row's widgets come top first."""
    tops: dict[tuple[int, int], Widget] = {}
    for y, layer in enumerate(layers[:height]):
        row: list[Widget | None] = [None] * width
        left = width
        for widget, cropped, _ in layer:
            if not widget.visible:
                continue
            for x in range(max(cropped.x, 0), min(cropped.right, width)):
                if row[x] is None:
                    row[x] = widget
                    left -= 1
            if not left:
                break
        tops.update(((x, y), w) for x, w in enumerate(row) if w is not None)
    return tops


def _shown(widgets: Iterable[Widget]) -> list[Widget]:
    return [
        w
        for w in widgets
        if w.visible and all(a.display for a in w.ancestors_with_self if isinstance(a, Widget))
    ]


def misfits(
    app: App[object] | Pilot[object],
    *,
    scrolling: bool = False,
    skip: Callable[[Widget], bool] = lambda widget: False,
) -> list[str]:
    """Every problem of the top screen's layout, one line each; [] when it fits (see the module)."""
    if isinstance(app, Pilot):
        app = app.app
    screen = app.screen
    compositor = screen._compositor
    full = compositor.full_map
    bounds = screen.region
    grid = _grid(app)
    problems: list[str] = []

    tops = _tops(compositor.layers_visible, bounds.width, bounds.height)

    widgets = _shown(screen.query("*"))
    for widget in widgets:
        if skip(widget):
            continue
        geometry = full.get(widget)
        text = widget_text(widget)
        if geometry is None or geometry.region.area == 0:
            if text and text.strip():
                problems.append(f"{name(widget)}: no room (not laid out, or no cells)")
            continue
        region, clip = geometry.region, geometry.clip
        visible = region.intersection(clip).intersection(bounds)
        whole = visible == region
        if not whole and not (scrolling and _scrolls_into_view(widget, region)):
            where = "cut by its container" if bounds.contains_region(region) else "outside the terminal"
            problems.append(f"{name(widget)}: {where} (at {tuple(region)}, visible {tuple(visible)})")
            continue
        leaf = not any(isinstance(c, Widget) and c.display and c.visible for c in widget.children)
        if leaf and visible.area:
            covers: set[str] = set()
            for y in range(visible.y, visible.bottom):
                for x in range(visible.x, visible.right):
                    top = tops.get((x, y))
                    if top is not None and top is not widget and widget not in top.ancestors:
                        covers.add(name(top))
            if covers:
                problems.append(f"{name(widget)}: hidden behind {', '.join(sorted(covers))}")
        if text is not None:
            drawn = _drawn(grid, visible) if whole else _own_drawing(widget)
            why = _cut(text, drawn)
            if why:
                problems.append(f"{name(widget)}: cut text, {why}")
    return problems


def assert_fits(
    app: App[object] | Pilot[object],
    *,
    scrolling: bool = False,
    skip: Callable[[Widget], bool] = lambda widget: False,
    context: str = "",
) -> None:
    """Fail with every problem listed (see `misfits`); `context` names the case in the message."""
    problems = misfits(app, scrolling=scrolling, skip=skip)
    if problems:
        size = (app.app if isinstance(app, Pilot) else app).size
        head = f"{context} at {size.width}x{size.height}: " if context else f"at {size.width}x{size.height}: "
        raise AssertionError(head + f"{len(problems)} misfit(s)\n  " + "\n  ".join(problems))
