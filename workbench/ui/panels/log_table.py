"""The dense request table the history panel and the live traffic view share.

One line per request, fixed 22 px rows, no row numbers, alternating colours and
columns of set widths (the last one stretches): a log that reads like a
browser's network panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

__all__ = ["ROW_HEIGHT", "make_log_table"]

ROW_HEIGHT = 22


def make_log_table(
    parent: QWidget,
    model: QAbstractItemModel,
    column_widths: Sequence[int],
    selection_mode: QAbstractItemView.SelectionMode,
) -> QTableView:
    """A table over *model*: whole rows selected, one line each, columns *column_widths* wide."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection_mode)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setDefaultSectionSize(ROW_HEIGHT)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    for column, width in enumerate(column_widths):
        header.resizeSection(column, width)
    return table
