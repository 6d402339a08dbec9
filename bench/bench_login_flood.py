"""A bot run beside a login flood against a real dashboard server (issue 13, finding 10).

    python bench/bench_login_flood.py [--items 40] [--item-ms 0] [--logins 100] [--parallel 12] [--rounds 3]

Sets up an installation in a temporary folder (``sepbots init`` semantics, one dashboard user),
starts ``sepbots dashboard`` as a real server process, then times a run of a 40-item bot in this
process: ``--rounds`` times alone, and ``--rounds`` times while another process sends ``--logins``
wrong logins with random user names, ``--parallel`` at a time, each round from its own loopback
address (127.0.0.N), so the per-address limit starts afresh. It prints the medians, their ratio
(goal ≤ 1.5), what the flood got back (401/429/other) and whether the dashboard kept answering.
``--no-limits`` raises the login limits out of reach to show the effect of checking passwords
outside the write transaction on its own. The flood's client runs on this machine at normal
priority; ``--client-nice 19`` lowers it, as if the attacker's CPU were elsewhere on the network.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sepbots.config import load_settings  # noqa: E402
from sepbots.dashboard import users  # noqa: E402
from sepbots.installation import initialise  # noqa: E402
from sepbots.logging import configure_logging  # noqa: E402
from sepbots.runtime import Runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-123"

BOT = textwrap.dedent('''
    from __future__ import annotations
    import os, time
    from typing import Any
    from pydantic import BaseModel
    from sepbots import BotContext, NewItem, WorkItem, bot

    class Case(BaseModel):
        n: int

    def produce(ctx: BotContext[Any]):
        for n in range(int(os.environ["BENCH_ITEMS"])):
            yield NewItem(reference=f"{ctx.run_id[:8]}-{n}", payload=Case(n=n))

    @bot(name="flood_bench", producer=produce, max_attempts=1)
    def flood_bench(item: WorkItem[Case], ctx: BotContext[Any]) -> None:
        time.sleep(int(os.environ["BENCH_ITEM_MS"]) / 1000)  # waiting on the target system, if asked
        ctx.log.info("case_done", n=item.payload.n)
''')

FLOOD = textwrap.dedent('''
    import json, sys, threading, time, uuid
    from concurrent.futures import ThreadPoolExecutor
    import httpx
    url, address, logins, parallel = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    # One client per flood thread, made before the flood starts (an attacker's set-up is not the flood).
    clients = [httpx.Client(base_url=url, timeout=120, transport=httpx.HTTPTransport(local_address=address))
               for _ in range(parallel)]
    local, handed = threading.local(), iter(clients)
    lock = threading.Lock()

    def one(n):
        if not hasattr(local, "client"):
            with lock:
                local.client = next(handed)
        c = local.client
        c.get("/login")
        token = c.cookies["sepbots_login_csrf"]
        r = c.post("/login", data={"username": uuid.uuid4().hex[:12], "password": "gæt-" + str(n), "csrf": token})
        return r.status_code, "database is locked" in r.text

    print("started", flush=True)
    began = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        results = list(pool.map(one, range(logins)))
    codes = {}
    for code, _ in results:
        codes[str(code)] = codes.get(str(code), 0) + 1
    print(json.dumps({"codes": codes, "locked": sum(l for _, l in results),
                      "seconds": time.perf_counter() - began}), flush=True)
''')


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--item-ms", type=int, default=0)
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--client-nice", type=int, default=0,
                        help="niceness of the flood's client process, which stands in for a remote attacker "
                             "(its CPU would be elsewhere); 0 to let it compete with the robot at full weight")
    args = parser.parse_args()
    os.environ["BENCH_ITEMS"], os.environ["BENCH_ITEM_MS"] = str(args.items), str(args.item_ms)
    with tempfile.TemporaryDirectory(prefix="sepbots-flood-") as tmp:
        home = Path(tmp)
        (home / "bots" / "flood_bench").mkdir(parents=True)
        (home / "bots" / "flood_bench" / "bot.py").write_text(BOT, encoding="utf-8")
        (home / "config").mkdir()
        limits = "login_failures_per_address = 100000\nlogin_failures_total = 100000\n" if args.no_limits else ""
        (home / "config" / "sepbots.toml").write_text(
            f'[logging]\nconsole = "never"\n[dashboard]\n{limits}', encoding="utf-8")
        settings = load_settings(home, environ={})
        env = initialise(settings, environ={}).env
        configure_logging(logs_dir=settings.logs_dir, redactor=env.redactor, console="never")
        with env.store.begin() as conn:
            users.add_user(conn, "bench", PASSWORD, users.Role.ADMIN, env.clock)
        port = _free_port()
        child = {k: v for k, v in os.environ.items() if not k.startswith("SEPBOTS_")}
        child.update(SEPBOTS_HOME=str(home), PYTHONPATH=str(ROOT))
        server = subprocess.Popen([sys.executable, "-m", "sepbots", "dashboard", "--port", str(port)],
                                  env=child, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            import httpx

            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(url + "/login", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the dashboard did not start") from None
                    time.sleep(0.2)

            def timed_run() -> float:
                began = time.perf_counter()
                summary = Runner(env).run("flood_bench", {}, test_mode=True)
                elapsed = time.perf_counter() - began
                assert summary.counts.done == args.items, summary
                return elapsed

            timed_run()  # warm-up (imports, first connections)
            alone = [timed_run() for _ in range(args.rounds)]
            beside, floods, answered = [], [], []
            for n in range(args.rounds):
                flood = subprocess.Popen(
                    [sys.executable, "-c", FLOOD, url, f"127.0.0.{n + 2}", str(args.logins), str(args.parallel)],
                    env=child, stdout=subprocess.PIPE, text=True,
                    preexec_fn=(lambda: os.nice(args.client_nice)) if args.client_nice else None)
                assert flood.stdout is not None
                flood.stdout.readline()  # "started"
                time.sleep(0.3)  # the first logins are in flight
                beside.append(timed_run())
                probe = httpx.get(url + "/login", timeout=120)
                answered.append(probe.status_code == 200 and "database is locked" not in probe.text)
                floods.append(json.loads(flood.stdout.readline()))
                flood.wait(120)
        finally:
            server.terminate()
            server.wait(30)
            env.close()
    a, b = statistics.median(alone), statistics.median(beside)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"bot run of {args.items} items ({args.item_ms} ms wait each), median of {args.rounds}; "
          f"flood client at nice {args.client_nice}; limits {'off' if args.no_limits else 'on'}:")
    print(f"  alone:        {a:.3f} s  {[round(x, 3) for x in alone]}")
    print(f"  beside flood: {b:.3f} s  {[round(x, 3) for x in beside]}")
    print(f"  ratio:        {b / a:.2f}  (goal ≤ 1.5)")
    for n, f in enumerate(floods, start=1):
        print(f"  flood {n}: {args.logins} logins, {args.parallel} at a time: answers {f['codes']}, "
              f"'database is locked' {f['locked']}×, {f['seconds']:.1f} s")
    print(f"  dashboard answered during every flood: {all(answered)}")


if __name__ == "__main__":
    main()
