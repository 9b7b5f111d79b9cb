"""Whole-process timings of the reading commands on the shipped record, and of the API.

Each reading command runs as the installed ``ledger`` on a ledger holding
the shipped record as it is now (its size is counted and printed), the
median of 7 runs after one warm-up run, interleaved with the bare-import
baseline ``python -c "import click, orjson, pydantic"`` so that a busy spell
of a shared machine hits both alike. Each run's wall time and CPU time (user
plus system, from the kernel's accounting of the child) are taken; on a
loaded machine the CPU seconds and their ratio to the baseline's move much
less than wall time. The load average is printed before and after.
Targets (issue 16): each command within 2 times the baseline, ``chart``
under 1 s, and ``ledger serve`` answering ``/replay?as_of=2014-03`` at least
10 times faster than the 37 requests/s of before.

Run through ``python -m benchmarks.compare``, or alone as ``python -m
benchmarks.commands [--before LEDGER]``, where ``LEDGER`` is the ``ledger``
command of another installation (an earlier version in a venv of its own):
its runs are interleaved with these, on the same store, and printed beside
them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2014-03"
BASELINE = ["-c", "import click, orjson, pydantic"]
COMMANDS = [
    # name, arguments after 'ledger', target in seconds (None: 2 x the bare-import baseline)
    ("replay", ["replay", "--as-of", AS_OF], None),
    ("replay --json", ["replay", "--as-of", AS_OF, "--json"], None),
    ("timeline", ["timeline"], None),
    ("instruments", ["instruments"], None),
    ("actor", ["actor", "RUS", "--as-of", AS_OF], None),
    ("diff", ["diff", "--from", "2019-01", "--to", "2019-12"], None),
    ("export", ["export", "status", "--as-of", AS_OF, "--format", "csv"], None),
    ("history", ["history", "--instrument", "inf-1987"], None),
    ("check", ["check"], None),
    ("verify", ["verify"], None),
    ("chart", ["chart", "--from", "1990", "--to", "2024", "--out", "{folder}/chart.png"], 1.0),
]
NEXT_LEVERS = {
    "2 x bare": "a read path without pydantic models (records and read models as plain "
    "classes, pydantic kept to validate input and to write --json and schemas) and without "
    "the eventsourcing modules (the index and entries read with sqlite3 directly): importing "
    "modules is about three quarters of replay's instructions",
    "chart": "a chart drawn without matplotlib's figure, Agg canvas and dates modules, whose "
    "import is about 0.33 s of CPU (a lighter library for PNG and SVG)",
}
"""What would close each missed target of the shipped record, printed under the table."""
API_TARGET = 370.0  # requests/s: 10 x the 37 of before on /replay?as_of=2014-03
RUNS = 7


def installed_command() -> str | None:
    # The installed command beside this interpreter (as in the venv), else on PATH.
    beside = Path(sys.executable).with_name("ledger")
    return str(beside) if beside.exists() else shutil.which("ledger")


def _child_env() -> dict[str, str]:
    """This environment, letting Python cache bytecode as an installed package has it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _whole_process(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one process to its end: (wall seconds, CPU seconds of user and system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # only this child ended meanwhile
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def shipped_commands(command: str, folder: str, before: str | None = None) -> None:
    """Time every reading command on the shipped record beside the bare-import baseline.

    ``before``: the ``ledger`` command of another installation, timed in the
    same rounds on the same store, each of its figures printed beside these.
    """
    env = _child_env()
    store = str(Path(folder, "shipped.db"))
    done = subprocess.run([command, "import", "--shipped", "--store", store], check=True,
                          capture_output=True, text=True, env=env)  # fmt: skip
    size = re.search(r"Log size (\d+)", done.stdout)
    sides = {"": command} if before is None else {"": command, "before ": before}
    runs = {
        f"{side}{name}": [ledger, *[a.format(folder=folder) for a in args], "--store", store]
        for side, ledger in sides.items()
        for name, args, _ in COMMANDS
    }  # fmt: skip
    runs["bare import"] = [sys.executable, *BASELINE]
    print(f"\nshipped record ({size.group(1) if size else '?'} entries), whole processes, "
          f"median of {RUNS}; load average {_load()} (1, 5, 15 min) at the start")  # fmt: skip
    for argv in runs.values():  # warm-up: bytecode cached, files in the page cache
        _whole_process(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(RUNS):  # interleaved, so that a busy spell of the machine hits all alike
        for name, argv in runs.items():
            wall, cpu = _whole_process(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall_base, cpu_base = (
        statistics.median(walls["bare import"]),
        statistics.median(cpus["bare import"]),
    )
    heading = f"{'command':<16} {'wall s':>7} {'x bare':>7} {'CPU s':>7} {'x bare':>7}"
    if before is not None:
        heading += f" | {'before':>7} {'x bare':>7} {'CPU s':>7} {'x bare':>7}"
    print(f"{heading}  target (wall)")
    blank = f" | {'':>31}" if before is not None else ""
    print(f"{'bare import':<16} {wall_base:>7.3f} {1:>7.2f} {cpu_base:>7.3f} {1:>7.2f}"
          f"{blank}  python {' '.join(BASELINE)}")  # fmt: skip
    for name, _, limit in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        if limit is None:
            target = "<= 2 x bare: " + ("met" if wall <= 2 * wall_base else "missed")
        else:
            target = f"< {limit:g} s: " + ("met" if wall < limit else "missed")
        line = (
            f"{name:<16} {wall:>7.3f} {wall / wall_base:>7.2f} {cpu:>7.3f} {cpu / cpu_base:>7.2f}"
        )
        if before is not None:
            old_wall = statistics.median(walls[f"before {name}"])
            old_cpu = statistics.median(cpus[f"before {name}"])
            line += (f" | {old_wall:>7.3f} {old_wall / wall_base:>7.2f} {old_cpu:>7.3f} "
                     f"{old_cpu / cpu_base:>7.2f}")  # fmt: skip
        print(f"{line}  {target}", flush=True)
    ratios = [statistics.median(walls[name]) / wall_base for name, _, limit in COMMANDS
              if limit is None]  # fmt: skip
    if max(ratios) > 2:
        print(f"2 x bare missed by up to {max(ratios) / 2:.1f} x (worst {max(ratios):.2f} x "
              f"bare); next lever: {NEXT_LEVERS['2 x bare']}")  # fmt: skip
    chart = [(name, limit) for name, _, limit in COMMANDS if limit is not None]
    for name, limit in chart:
        if statistics.median(walls[name]) >= limit:
            print(f"{name} missed by {statistics.median(walls[name]) - limit:.2f} s; "
                  f"next lever: {NEXT_LEVERS['chart']}")  # fmt: skip
    print(f"load average {_load()} at the end")
    first, rate = api_rate(command, store, env)
    met = "met" if rate >= API_TARGET else "missed"
    print(f"ledger serve /replay?as_of={AS_OF}: {rate:,.0f} requests/s, 1 client "
          f"(target >= {API_TARGET:.0f}: {met}); first answer {first * 1000:,.0f} ms")  # fmt: skip


def api_rate(
    command: str, store: str, env: dict[str, str] | None = None, seconds: float = 5.0
) -> tuple[float, float]:
    """Serve ``store``; return (seconds to the first whole-record answer, requests/s after).

    One client with keep-alive asks ``/replay?as_of=2014-03`` again and again
    for ``seconds``. The first answer replays the whole record (the server
    keeps an answer until the log grows); the rate is of the answers after
    it. The server's start is not counted.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [command, "serve", "--port", str(port), "--store", store],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or _child_env(),
    )  # fmt: skip
    path = f"/replay?as_of={AS_OF}"
    try:
        for _ in range(200):  # until the server listens
            try:
                client = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
                client.request("HEAD", "/docs")
                client.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        start = time.perf_counter()
        _get(client, path)
        first = time.perf_counter() - start
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            _get(client, path)
            count += 1
        return first, count / (time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait()


def _get(client: http.client.HTTPConnection, path: str) -> None:
    client.request("GET", path)
    response = client.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"ledger serve answered {response.status}")


def main() -> None:
    """Time the reading commands of the installed ledger, and optionally of another one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--before", metavar="LEDGER", help="the ledger command of another installation"
    )
    args = parser.parse_args()
    command = installed_command()
    if command is None:
        sys.exit("no installed 'ledger' command beside this interpreter or on PATH")
    with tempfile.TemporaryDirectory() as folder:
        shipped_commands(command, folder, before=args.before)


if __name__ == "__main__":
    main()
