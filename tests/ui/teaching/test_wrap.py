"""Story, Why (not)? and presenter rows wrap at the tree's width instead of being cut."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from workbench.ui.teaching.wrap import wrap_rows

LONG = (
    "because it must not be true that profile@stats.counters.purchases >= 1, but it is: "
    "profile@stats.counters.purchases is 1, which is at least 1"
)


def _tree(qtbot, width: int) -> tuple[QTreeWidget, QTreeWidgetItem, QTreeWidgetItem]:
    tree = QTreeWidget()
    tree.setHeaderHidden(True)
    qtbot.addWidget(tree)
    wrap_rows(tree)
    parent = QTreeWidgetItem(tree, ["Not in Checkout abandoner"])
    child = QTreeWidgetItem(parent, [LONG])
    tree.expandAll()
    tree.resize(width, 400)
    tree.show()
    qtbot.waitExposed(tree)
    return tree, parent, child


def test_a_long_row_wraps_and_shows_all_of_its_text(qtbot) -> None:
    tree, parent, child = _tree(qtbot, 300)
    short = tree.visualItemRect(parent)
    qtbot.waitUntil(lambda: tree.visualItemRect(child).height() >= 3 * short.height())
    rect = tree.visualItemRect(child)
    assert rect.right() <= tree.viewport().width()  # nothing past the edge
    assert tree.horizontalScrollBar().maximum() == 0
    # Every line of the text fits the row: its wrapped height is what the row has.
    delegate = tree.itemDelegate()
    index = tree.indexFromItem(child)
    width = delegate.cell_width(index)
    metrics = tree.fontMetrics()
    lines = metrics.boundingRect(0, 0, width, 10_000, 0x1000 | 0x2000, LONG).height()
    assert rect.height() >= lines


def test_rows_grow_and_shrink_with_the_width(qtbot) -> None:
    tree, parent, child = _tree(qtbot, 300)
    qtbot.waitUntil(
        lambda: tree.visualItemRect(child).height() > 2 * tree.visualItemRect(parent).height()
    )
    narrow = tree.visualItemRect(child).height()
    tree.resize(1400, 400)
    qtbot.waitUntil(lambda: tree.visualItemRect(child).height() < narrow)
    assert tree.visualItemRect(child).height() == tree.visualItemRect(parent).height()


def test_story_why_not_and_presenter_rows_wrap(qtbot) -> None:
    from workbench.ui.teaching.presenter import PresenterPanel
    from workbench.ui.teaching.story_view import StoryView
    from workbench.ui.teaching.why_not import WhyNotDialog
    from workbench.ui.teaching.wrap import WrappingDelegate

    story = StoryView()
    why = WhyNotDialog(lambda: None, None)
    panel = PresenterPanel()
    for widget in (story, why, panel):
        qtbot.addWidget(widget)
    for tree in (story.tree, why.tree, panel.story.tree, panel.profile):
        assert isinstance(tree.itemDelegate(), WrappingDelegate)
        assert tree.horizontalScrollBar().maximum() == 0
