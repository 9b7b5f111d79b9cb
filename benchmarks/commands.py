"""Whole-process timings of the reading commands on the shipped record, and of the API.

Each reading command runs as the installed ``ledger`` on a ledger holding
the shipped record (168 entries), the median of 7 runs after one warm-up
run, interleaved with the bare-import baseline
``python -c "import click, orjson, pydantic"`` so that a busy spell of a
shared machine hits both alike. Targets (issue 16): each command within 2
times the baseline, ``chart`` under 1 s, and ``ledger serve`` answering
``/replay?as_of=2014-03`` at least 10 times faster than the 37 requests/s
of before. Run through ``python -m benchmarks.compare``.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
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


def _whole_process(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def shipped_commands(command: str, folder: str) -> None:
    """Time every reading command on the shipped record beside the bare-import baseline."""
    env = _child_env()
    store = str(Path(folder, "shipped.db"))
    subprocess.run([command, "import", "--shipped", "--store", store], check=True,
                   capture_output=True, env=env)  # fmt: skip
    runs = {name: [command, *[a.format(folder=folder) for a in args], "--store", store]
            for name, args, _ in COMMANDS}  # fmt: skip
    runs["bare import"] = [sys.executable, *BASELINE]
    for argv in runs.values():  # warm-up: bytecode cached, files in the page cache
        _whole_process(argv, env)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(RUNS):  # interleaved, so that a busy spell of the machine hits all alike
        for name, argv in runs.items():
            times[name].append(_whole_process(argv, env))
    base = statistics.median(times["bare import"])
    print(f"\nshipped record, whole processes, median of {RUNS}:")
    print(f"{'command':<16} {'seconds':>8} {'x bare':>7}  target")
    print(f"{'bare import':<16} {base:>8.3f} {1:>7.2f}  python {' '.join(BASELINE)}")
    for name, _, limit in COMMANDS:
        seconds = statistics.median(times[name])
        if limit is None:
            target = "<= 2 x bare: " + ("met" if seconds <= 2 * base else "missed")
        else:
            target = f"< {limit:g} s: " + ("met" if seconds < limit else "missed")
        print(f"{name:<16} {seconds:>8.3f} {seconds / base:>7.2f}  {target}", flush=True)
    rate = _api_rate(command, store, env)
    met = "met" if rate >= API_TARGET else "missed"
    print(f"ledger serve /replay?as_of={AS_OF}: {rate:,.0f} requests/s, 1 client "
          f"(target >= {API_TARGET:.0f}: {met})")  # fmt: skip


def _api_rate(command: str, store: str, env: dict[str, str], seconds: float = 5.0) -> float:
    """Requests per second of ``ledger serve`` on one replay, one client with keep-alive."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [command, "serve", "--port", str(port), "--store", store],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    path = f"/replay?as_of={AS_OF}"
    try:
        for _ in range(200):
            try:
                client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                client.request("GET", path)
                client.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            client.request("GET", path)
            response = client.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"ledger serve answered {response.status}")
            count += 1
        return count / (time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait()
