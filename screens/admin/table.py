"""The front desk's ticket table: Textual's DataTable with a bulk load that adds the day's rows in
one step. Its `add_row` re-validates the cursor for every row, and the table measures every new cell
when idle: for 5,000 rows, most of the time the desk took to open. Textual is pinned exactly, so the
internals this relies on cannot move under it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest
from typing import Any

from textual.widgets import DataTable
from textual.widgets._data_table import Row, RowKey


class TicketTable(DataTable[Any]):
    def load_rows(self, rows: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """Append `(key, cells)` rows as `add_row` would, then settle the cursor once. The caller
        has set the columns' widths to fit these cells (the table would measure every cell again
        when idle), and every row is one line high with no label."""
        columns = self.ordered_columns
        for key, cells in rows:
            row_key = RowKey(key)
            self._row_locations[row_key] = len(self._data)
            self._data[row_key] = {column.key: cell for column, cell in zip_longest(columns, cells)}
            self.rows[row_key] = Row(row_key, 1, None, False)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if self.row_count and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()
