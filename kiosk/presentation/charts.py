"""The monthly report's charts as plain SVG, drawn with pygal (pure Python, no JavaScript needed to
show them): pygal's own script and comments are taken out, so the SVG can stand inline in a page.

pygal was chosen over matplotlib (tens of MB with numpy, for four bar and line charts), plotly (its
~3 MB script must be inlined to draw anything) and Vega-Lite/altair (drawn by JavaScript in the
browser): a ~400 kB pure-Python wheel whose charts are finished SVG, sharp in print, that needs
nothing from the internet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pygal
from pygal.style import Style

LOOK: dict[str, Any] = {
    "background": "white",
    "plot_background": "white",
    "foreground": "#222222",
    "foreground_strong": "#000000",
    "foreground_subtle": "#d0d0d0",
    "guide_stroke_color": "#d0d0d0",
    "major_guide_stroke_color": "#d0d0d0",
    "guide_stroke_dasharray": "none",
    "major_guide_stroke_dasharray": "none",
    "font_family": '"DejaVu Sans", "Noto Sans", Arial, sans-serif',
    "label_font_size": 13,
    "major_label_font_size": 13,
    "legend_font_size": 13,
    "value_font_size": 12,
    "opacity": "1",
    "opacity_hover": "1",
    "transition": "none",
}
STYLE = Style(**LOOK, colors=("#1f4e79", "#7fb1dc", "#b03a2e"))
LIGHT = Style(**LOOK, colors=("#9cc3e6",), value_colors=("#000000",))  # a value written on its bar
WIDTH, HEIGHT = 480, 280


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Bars per label, each series stacked on the one before (e.g. walk-ins, then booked)."""
    chart = pygal.StackedBar(**_config(), legend_at_bottom=True, x_labels_major_every=5, truncate_label=-1)
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart, title)


def lines(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    guide: tuple[str, float] | None = None,
) -> str:
    """A line per series (a gap where a value is None), and `guide` as a dashed level line."""
    chart = pygal.Line(
        **_config(),
        legend_at_bottom=True,
        x_labels_major_every=5,
        truncate_label=-1,
        allow_interruptions=True,
        dots_size=2,
    )
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    if guide is not None:
        name, level = guide
        chart.add(name, [level] * len(labels), show_dots=False, stroke_style={"dasharray": "6,4", "width": 2})
    return _render(chart, title)


def bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    top: float,
    shown: Callable[[float], str],
) -> str:
    """A horizontal bar per label from 0 to `top`, each with its value written by `shown`."""
    chart = pygal.HorizontalBar(
        **_config(LIGHT),
        show_legend=False,
        margin_right=24,
        range=(0, top),
        print_values=True,
        value_formatter=shown,
        truncate_label=26,
    )
    chart.x_labels = list(reversed(labels))  # pygal draws the first label at the bottom
    chart.add(title, list(reversed(values)))
    return _render(chart, title)


def _config(style: Style = STYLE) -> dict[str, Any]:
    return {
        "style": style,
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],  # no script from the internet (pygal's default is its tooltips from GitHub)
        "disable_xml_declaration": True,
        "no_data_text": "",
        "margin": 8,
        "spacing": 8,
        "show_minor_x_labels": False,
        "max_scale": 6,
        "x_label_rotation": 0,
    }


def _render(chart: Any, title: str) -> str:
    chart.add_xml_filter(_plain(title))
    return str(chart.render(is_unicode=True))


def _plain(title: str) -> Callable[[Any], Any]:
    """pygal's SVG without its scripts and comments, its <title> the chart's title (for a reader)."""

    def plain(root: Any) -> Any:
        doomed = [
            (parent, child)
            for parent in root.iter()
            for child in parent
            if callable(child.tag) or _name(child.tag) == "script"  # a comment's tag is a function
        ]
        for parent, child in doomed:
            parent.remove(child)
        for element in root.iter():
            if not callable(element.tag) and _name(element.tag) == "title" and element.text == "Pygal":
                element.text = title
        return root

    return plain


def _name(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
