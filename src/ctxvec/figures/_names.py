"""The file kinds figures are written as, in a module that imports nothing (the CLI reads them at start-up)."""

from __future__ import annotations

#: file suffixes of static figures (matplotlib) and of interactive pages
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
PAGE_SUFFIXES = (".html", ".htm")
PLOT_SUFFIXES = FIGURE_SUFFIXES + PAGE_SUFFIXES
