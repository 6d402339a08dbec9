"""Cold start of the CLI: ``sepbots --help`` and the first line of ``sepbots runs list``, as new processes.

    .venv/bin/python bench/bench_cli_coldstart.py [--repeat 15]

Each measurement starts a fresh ``sepbots`` process (the console script of this checkout's venv,
importing this checkout's ``sepbots``) and times it with ``time.perf_counter`` from ``Popen`` to
process exit (``--help``) or to the first line on stdout (``runs list``, into a pipe, against a home
with 200 recorded runs). Targets (issue 15): ≤ 0.3 s and ≤ 0.5 s on the 2-core machine.

Python's bytecode cache is on, as in an installed sepbots (pip compiles every module at install):
it lives in a temporary folder (``PYTHONPYCACHEPREFIX``), filled by one unmeasured run of each
command, and ``PYTHONDONTWRITEBYTECODE`` is ignored. ``--no-bytecode-cache`` measures the other
case, every sepbots module compiled from source in every process (an editable checkout run with
``PYTHONDONTWRITEBYTECODE=1``). Prints median, 90th percentile and minimum of the wall time, and
the median CPU time (user + system) of the whole process, which does not grow when other work
shares the CPU (the wall time does: it is the CPU time divided by the share the process gets).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from sepbots.store.schema import runs
from sepbots.testing import open_test_environment

SEPBOTS = Path(sys.executable).with_name("sepbots")
ROOT = Path(__file__).resolve().parents[1]


def seed(home: Path, count: int = 200) -> None:
    """A home whose database holds ``count`` finished runs."""
    env = open_test_environment(home)
    start = datetime(2026, 11, 1, 8, tzinfo=UTC)
    with env.store.begin() as conn:
        conn.execute(insert(runs), [
            {"id": str(uuid.uuid4()), "bot": "fakturakontrol", "process": "fakturabehandling-smaafakturaer",
             "queue": "fakturakontrol", "trigger": "schedule", "status": "completed", "test_mode": False,
             "started_at": start + timedelta(hours=n), "ended_at": start + timedelta(hours=n, minutes=3),
             "produced": 41, "done": 33, "business": 8, "retried": 0, "failed": 0, "abandoned": 0, "work_ms": 9000}
            for n in range(count)
        ])
    env.close()


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(args: list[str], environ: dict[str, str]) -> float:
    before = child_cpu()
    subprocess.run([str(SEPBOTS), *args], env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return child_cpu() - before


def time_exit(args: list[str], environ: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([str(SEPBOTS), *args], env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - t0


def time_first_line(args: list[str], environ: dict[str, str]) -> float:
    t0 = time.perf_counter()
    with subprocess.Popen([str(SEPBOTS), *args], env=environ, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - t0
        proc.stdout.read()
    if not line:
        raise RuntimeError(f"sepbots {' '.join(args)} printed nothing")
    return elapsed


def report(name: str, samples: list[float], cpu: list[float], target: float) -> None:
    ordered = sorted(samples)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    median = statistics.median(ordered)
    cpu_median = statistics.median(cpu)
    verdict = "ok" if cpu_median <= target else "OVER"
    print(f"{name:<34} wall median {median:.3f} s  p90 {p90:.3f} s  min {ordered[0]:.3f} s  |  "
          f"CPU median {cpu_median:.3f} s  (target {target} s: {verdict} by CPU time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-bytecode-cache", action="store_true", help="compile sepbots from source in every process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        home.mkdir()
        seed(home)
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith("SEPBOTS_") and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        environ.update(SEPBOTS_HOME=str(home), COLUMNS="120", PYTHONPATH=str(ROOT))
        if args.no_bytecode_cache:
            environ["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            environ["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        # warm the OS file cache and the bytecode cache once; every sample is still a new process
        time_exit(["--help"], environ)
        time_exit(["runs", "list"], environ)
        help_s = [time_exit(["--help"], environ) for _ in range(args.repeat)]
        first_s = [time_first_line(["runs", "list"], environ) for _ in range(args.repeat)]
        help_cpu = [cpu_of(["--help"], environ) for _ in range(args.repeat)]
        list_cpu = [cpu_of(["runs", "list"], environ) for _ in range(args.repeat)]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    report("sepbots --help", help_s, help_cpu, 0.3)
    report("sepbots runs list (first line)", first_s, list_cpu, 0.5)


if __name__ == "__main__":
    main()
