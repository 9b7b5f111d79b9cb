"""Peak memory of every whole-log command on a synthetic ledger, each in a fresh process.

Issue 16: ``timeline`` without a filter (text and ``--json``), ``export``
(every table, and each format), ``diff``, ``actor``, ``history``, ``chart``,
``check``, ``verify``, ``export-log`` and ``migrate`` must each stay under
300 MB of peak resident memory at 1,000,000 acts. Each runs as the installed
``ledger`` with its output thrown away (or written to a file in a temporary
folder), and its peak RSS is the child's own (``ru_maxrss`` from ``wait4``),
so that nothing of the measuring process counts. Run through
``python -m benchmarks.compare``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time

TARGET_MB = 300
AS_OF = "2014-03"
COMMANDS = [
    # name, arguments after 'ledger' ({folder}: a temporary folder; {store}: the ledger)
    ("timeline", ["timeline"]),
    ("timeline --json", ["timeline", "--json"]),
    ("export status json", ["export", "status", "--as-of", AS_OF]),
    ("export status csv", ["export", "status", "--as-of", AS_OF, "--format", "csv"]),
    ("export provisions ndjson", ["export", "provisions", "--as-of", AS_OF, "--format", "ndjson"]),
    ("export acts json", ["export", "acts", "--as-of", AS_OF]),
    ("export acts plover", ["export", "acts", "--as-of", AS_OF, "--format", "plover"]),
    ("export claims json", ["export", "claims", "--as-of", AS_OF]),
    ("export demands json", ["export", "demands", "--as-of", AS_OF]),
    ("export violations csv", ["export", "violations", "--as-of", AS_OF, "--format", "csv"]),
    ("export contrast json", ["export", "contrast", "--as-of", AS_OF]),
    ("diff", ["diff", "--from", "2013", "--to", "2014"]),
    ("actor", ["actor", "POL", "--as-of", AS_OF]),
    ("history --actor", ["history", "--actor", "POL"]),
    ("history ACT_ID", ["history", "synthetic-act-77"]),
    ("chart", ["chart", "--from", "1990", "--to", "2024", "--instrument", "synthetic-7",
               "--out", "{folder}/chart.png"]),  # fmt: skip
    ("check", ["check"]),
    ("verify", ["verify"]),
    ("export-log", ["export-log", "--out", "{folder}/log.jsonl"]),
    ("migrate", ["migrate", "--from", "{store}", "--to", "{folder}/copy.db"]),
]
"""Every whole-log command of issue 16, as measured (a chart of one synthetic instrument)."""


def peak(argv: list[str]) -> tuple[float, float, int]:
    """Run a command to its end; return (peak RSS in MB, seconds, exit status).

    Output is thrown away; the child's own peak (``ru_maxrss``, KiB on Linux)
    is read when it is reaped.
    """
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - start, child.returncode


def command_peaks(command: str, store: str, acts: int) -> None:
    """Print the peak RSS and time of every command on the ledger ``store`` of ``acts`` acts.

    ``check`` exits 1 on a synthetic ledger (it holds a few duplicate acts):
    the exit status is printed, not judged.
    """
    print(f"\n{acts:,} acts, whole-log commands, each a fresh process:")
    print(f"{'command':<26} {'peak MB':>8} {'seconds':>8} {'exit':>4}  target")
    for name, args in COMMANDS:
        with tempfile.TemporaryDirectory(prefix="ledger-memory-") as folder:
            argv = [command, *(a.format(folder=folder, store=store) for a in args)]
            if args[0] != "migrate":
                argv += ["--store", store]
            megabytes, seconds, status = peak(argv)
        met = "met" if megabytes < TARGET_MB else f"missed ({megabytes / TARGET_MB:.1f}x over)"
        print(f"{name:<26} {megabytes:>8,.0f} {seconds:>8,.1f} {status:>4}  "
              f"peak < {TARGET_MB} MB: {met}", flush=True)  # fmt: skip
