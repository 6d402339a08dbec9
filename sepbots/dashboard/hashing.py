"""Password checks off the event loop, one at a time.

argon2id is deliberately expensive (about 64 MiB and tens of milliseconds of every core per
check). The dashboard runs the checks on one worker thread of its own, so a login flood queues
behind it instead of taking every core from the robots on the same machine, and the event loop
and the other pages' threads stay free.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sepbots.dashboard.users import Candidate, Verdict, verify_password


class PasswordChecker:
    """Runs ``verify_password`` on one worker thread."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sepbots-argon2")

    async def check(self, candidate: Candidate, password: str) -> Verdict:
        """The verdict for ``password``; waits behind checks already queued."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, verify_password, candidate, password)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
