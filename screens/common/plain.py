"""Text from outside shown as text: a DataTable whose string cells are never read as markup (a name
like "[/]" stopped the front desk with a MarkupError). `plain()` does the same for one value."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey


def plain(value: Any) -> Any:
    """A string as plain Text (drawn as it is); anything else as it is."""
    return Text(value, end="") if isinstance(value, str) else value


def _unwrapped(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_unwrapped(v) for v in value)
    return value.plain if isinstance(value, Text) else value


class PlainTable(DataTable[Any]):
    """A DataTable whose string cells are plain text (`rich.text.Text`; `str()` of a cell gives the
    string back). Sorting sees the strings themselves."""

    def add_row(
        self, *cells: CellType, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        return super().add_row(*(plain(c) for c in cells), height=height, key=key, label=plain(label))

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, plain(value), update_width=update_width)

    def sort(self, *columns: ColumnKey | str, key: Any = None, reverse: bool = False) -> PlainTable:
        def by(values: Any) -> Any:
            values = _unwrapped(values)
            return key(values) if key is not None else values

        super().sort(*columns, key=by, reverse=reverse)
        return self
