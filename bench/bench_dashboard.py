"""Time every dashboard page on the year of data made by ``gen_dashboard_data.py``.

    python bench/bench_dashboard.py --home /tmp/sepbots-bench [--repeat 30]

Serves the real app with uvicorn in a thread, logs in with httpx like a browser, requests each
page ``--repeat`` times after one warm-up, and prints p50/p95/max per page (goal: p95 ≤ 300 ms).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sepbots.clock import SystemClock  # noqa: E402
from sepbots.config import load_settings  # noqa: E402
from sepbots.dashboard import create_app, users  # noqa: E402
from sepbots.dashboard.server import ServerThread  # noqa: E402
from sepbots.environment import Environment  # noqa: E402
from sepbots.store import Store  # noqa: E402
from sepbots.store.schema import runs, work_items  # noqa: E402

GOAL_MS = 300.0
PASSWORD = "bench-password-123"


def pages(store: Store) -> dict[str, str]:
    """The URLs to time, picked from the data (a failed item with a screenshot, a big run, a bot)."""
    with store.engine.connect() as conn:
        last_run = conn.execute(select(runs.c.id).order_by(runs.c.started_at.desc()).limit(1)).scalar_one()
        big_run = conn.execute(select(runs.c.id).order_by(runs.c.produced.desc()).limit(1)).scalar_one()
        bot = conn.execute(select(runs.c.bot).limit(1)).scalar_one()
        failed = conn.execute(
            select(work_items.c.id, work_items.c.artifacts)
            .where(work_items.c.state == "failed", work_items.c.artifacts.is_not(None))
            .order_by(work_items.c.id.desc()).limit(1)
        ).one()
        conn.rollback()
    return {
        "overview": "/",
        "runs": "/runs",
        "runs filtered": f"/runs?bot={bot}&status=completed&from=2026-01-01",
        "runs page 150": "/runs?page=150",
        "run detail (last)": f"/runs/{last_run}",
        "run detail (biggest)": f"/runs/{big_run}",
        "run detail state filter": f"/runs/{big_run}?state=done&page=2",
        "item (failed, screenshot, log)": f"/items/{failed.id}",
        "screenshot": f"/artifacts/{failed.artifacts[0]}",
        "manual queue": "/queue",
        "manual queue page 3": "/queue?page=3&state=business_exception",
        "audit": "/audit",
        "audit deep page": "/audit?before=500000",
        "audit by actor": "/audit?actor=operator1",
        "audit by item": f"/audit?item={failed.id}",
        "schedules": "/schedules",
        "catalogue": "/catalogue",
        "gains": "/gains",
    }


def login(client: httpx.Client) -> None:
    client.get("/login")
    token = client.cookies["sepbots_login_csrf"]
    r = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf": token, "next": "/"})
    if r.status_code != 303:
        raise SystemExit(f"login failed: {r.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/sepbots-bench"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings = load_settings(home=args.home, environ={})
    env = Environment.open(settings, environ={}, create=True)
    store = env.store
    with store.begin() as conn:
        try:
            users.get_user(conn, "bench")
        except users.UserError:
            users.add_user(conn, "bench", PASSWORD, users.Role.ADMIN, SystemClock())
    targets = pages(store)
    app = create_app(env)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# dashboard page timings — {platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {load:.1f}, "
          f"{args.repeat} requests/page")
    chain = app.state.deps.chain
    began = time.perf_counter()
    status = chain.check_now()
    print(f"audit chain verify: ok={status.ok}, {status.rows:,} rows in {time.perf_counter() - began:.1f} s "
          "(background thread; pages show the cached result)")
    print(f"{'page':34} {'status':>6} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal")
    worst = 0.0
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        login(client)
        for name, url in targets.items():
            began = time.perf_counter()
            status = client.get(url).status_code  # first (cold) request
            first = (time.perf_counter() - began) * 1000
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
                status = r.status_code
            times.sort()
            p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
            worst = max(worst, p95)
            ok = "ok" if p95 <= GOAL_MS else "SLOW"
            print(f"{name:34} {status:>6} {first:9.1f} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}  {ok}")
    env.close()
    print(f"worst p95: {worst:.1f} ms (goal ≤ {GOAL_MS:.0f} ms)")


if __name__ == "__main__":
    main()
