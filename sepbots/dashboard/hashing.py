"""Password checks off the event loop, one at a time, at a low CPU priority.

argon2id is deliberately expensive (about 64 MiB and tens of milliseconds of every core per
check). The dashboard runs the checks on one worker thread of its own, so a login flood queues
behind it instead of taking every core, and on Linux that thread (and the threads argon2 starts
for its lanes, which inherit it) runs at nice 10: the robots on the same machine come first, and
a login still gets about a tenth of a busy core.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from sepbots.dashboard.users import Candidate, Verdict, verify_password

LOW_PRIORITY = 10  # CFS weight ~1/10 of a normal thread: robots first, logins still finish under full load


def _lower_priority() -> None:
    # On Linux a thread is a task of its own: PRIO_PROCESS with the thread id changes only it.
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # not allowed here: the check still runs, at normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOW_PRIORITY)


class PasswordChecker:
    """Runs ``verify_password`` on one low-priority worker thread."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sepbots-argon2",
                                        initializer=_lower_priority)

    async def check(self, candidate: Candidate, password: str) -> Verdict:
        """The verdict for ``password``; waits behind checks already queued."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, verify_password, candidate, password)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
