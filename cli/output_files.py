"""``--out`` files of the streamed outputs: written whole or not at all, never over a database.

An export or a copy of the log is written as it is read, which may take
minutes at a million acts. It goes to a temporary file beside the one named,
which replaces it only when everything is written; a failure, an interrupt or
a SIGTERM leaves the file named as it was and removes the temporary one.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

import click

_SQLITE_HEADER = b"SQLite format 3\x00"
_UTF8 = {"encoding": "utf-8"}


@contextmanager
def output_file(out: str, *, binary: bool, store: str | None = None) -> Iterator[IO]:
    """Open ``--out`` (``-`` for stdout, yielded as it is): a file replaced only when complete.

    The output goes to a temporary file beside the regular file ``out`` names
    (beside a symbolic link's target), which replaces it, flushed to disk,
    only when the block ends without an error. A replaced file keeps its
    permissions; a new one gets those the umask gives (0666 masked).
    ``/dev/stdout`` and ``/dev/stderr`` (and their ``/dev/fd`` and
    ``/proc/self/fd`` names) are the streams already open, whatever they
    lead to (a file opened with ``>>`` is appended to, not replaced); any
    other path under ``/dev`` or ``/proc``, and a path that is not a regular
    file (a FIFO), is written directly. Text is UTF-8.

    Args:
        out: the path given to ``--out``.
        binary: whether the block writes bytes (else text).
        store: the ledger's location, which ``out`` must not name.

    Raises:
        click.BadParameter: ``out`` is empty or ends with a slash, names the
            store, a SQLite database, or the ``-wal``, ``-shm`` or
            ``-journal`` file beside one (exit 2; nothing written).
        OSError: the folder cannot be written, or a write fails (named by
            ``out``; the CLI prints one line).
    """
    stream = _STREAMS.get(out)
    if stream is not None:
        opened_stream = getattr(sys, stream)
        yield opened_stream.buffer if binary else opened_stream  # as click's runner sets them
        return
    _refuse_a_database(out, store)
    opened = {} if binary else _UTF8
    if out.startswith(("/dev/", "/proc/")) or (
        os.path.exists(out) and not stat.S_ISREG(os.stat(out).st_mode)
    ):
        with _named(out), open(out, "wb" if binary else "w", **opened) as handle:
            yield handle
        return
    target = os.path.realpath(out)
    with _terminated_as_exit():
        with _named(out):
            descriptor, temporary = tempfile.mkstemp(prefix=".ledger-", suffix=".part",
                                                     dir=os.path.dirname(target))  # fmt: skip
        try:
            os.fchmod(descriptor, _mode_for(target))
            with _named(out), os.fdopen(descriptor, "wb" if binary else "w", **opened) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            with _named(out):
                os.replace(temporary, target)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


_STREAMS = {
    "-": "stdout", "/dev/stdout": "stdout", "/dev/fd/1": "stdout", "/proc/self/fd/1": "stdout",
    "/dev/stderr": "stderr", "/dev/fd/2": "stderr", "/proc/self/fd/2": "stderr",
}  # fmt: skip
"""The names of the streams already open, by the ``sys`` attribute that holds each."""
_BESIDE = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database, named by the database's name and these."""


def _refuse_a_database(out: str, store: str | None) -> None:
    if not out.strip():
        raise click.BadParameter("give a file name", param_hint="--out")
    if out.endswith("/"):
        raise click.BadParameter(f"{out!r} names a folder; give a file name", param_hint="--out")
    target = os.path.realpath(out)
    if store is not None and "://" not in store:
        base = os.path.realpath(store)
        if target == base or target in {base + suffix for suffix in _BESIDE}:
            raise click.BadParameter(
                f"{out!r} is the ledger's store; refusing to write over it", param_hint="--out"
            )
    if _is_sqlite(target):
        raise click.BadParameter(
            f"{out!r} is a SQLite database; refusing to write over it", param_hint="--out"
        )
    for suffix in _BESIDE:
        if target.endswith(suffix) and _is_sqlite(target.removesuffix(suffix)):
            raise click.BadParameter(
                f"{out!r} is a file SQLite keeps beside a database; refusing to write over it",
                param_hint="--out",
            )


def _is_sqlite(path: str) -> bool:
    """Whether ``path`` is a regular file that begins as a SQLite database does (never a FIFO)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as existing:
            return existing.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _mode_for(target: str) -> int:
    """The permissions of the file being replaced, else 0666 masked by the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextmanager
def _named(out: str) -> Iterator[None]:
    """Name ``out`` in an OSError that names no file or the temporary one."""
    try:
        yield
    except OSError as err:
        if err.filename is None or str(err.filename).endswith(".part"):
            raise OSError(err.errno, err.strerror, out) from err
        raise


@contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit (128 + the signal) for the block, to clean up.

    Only in the main thread, where Python runs signal handlers; elsewhere the
    block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {number: signal.signal(number, stop) for number in _STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_STOPPING = (signal.SIGTERM, signal.SIGHUP)
"""The signals that stop a command whose output is then cleaned up (SIGINT already raises)."""
