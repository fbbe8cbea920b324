"""The Qt user interface: the only package that imports PySide6."""

import PySide6

from workbench.ui.pyside_startup import quicken_feature_check

# Before the window's modules load: PySide6 inspects each module imported after it.
quicken_feature_check()
del PySide6
