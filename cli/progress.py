"""A progress bar on standard error for long work: shown on a terminal, silent when piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

SHOW_FROM = 50_000
"""Work of fewer items than this shows no bar: it is over before a bar would help."""


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, total)`` callback that draws a bar once work is known to be long.

    The bar goes to standard error, and only when it is a terminal and
    ``total`` is at least :data:`SHOW_FROM`; output on standard output is
    never touched.
    """
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if total < SHOW_FROM or not sys.stderr.isatty():
                return
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
