"""Progress bars on standard error for long work: shown on a terminal, silent when piped."""

from __future__ import annotations

import sys
from typing import Any

import click

SHOW_FROM = 50_000
"""Work of fewer items than this shows no bar: it is over before a bar would help."""


class ProgressBar:
    """A ``progress(done, total)`` callback that draws a bar once the work is known to be long.

    The bar goes to standard error, and only when it is a terminal and
    ``total`` is at least ``show_from``; standard output is never touched.
    Use as a context manager (the bar is closed on exit), or call
    :meth:`close` when the work it measures is over.
    """

    def __init__(self, label: str, show_from: int = SHOW_FROM) -> None:
        self.label = label
        self.show_from = show_from
        self._bar: Any = None
        self._closed = False

    def __call__(self, done: int, total: int) -> None:
        if self._closed:
            return
        if self._bar is None:
            if total < self.show_from or not sys.stderr.isatty():
                return
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)

    def close(self) -> None:
        """Finish the bar (if one was drawn); later calls draw nothing."""
        if self._bar is not None and not self._closed:
            self._bar.__exit__(None, None, None)
        self._closed = True

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress_bar(label: str, show_from: int = SHOW_FROM) -> ProgressBar:
    """Return a :class:`ProgressBar` (a context manager yielding itself)."""
    return ProgressBar(label, show_from)
