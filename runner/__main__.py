"""``python -m runner [--poll-s S]``: the same as ``sepbots runner start`` (home from SEPBOTS_HOME or the cwd)."""

from __future__ import annotations

import os
import sys

from sepbots.cli.runner import app

os.umask(0o077)  # logs, run artifacts and screenshots are owner-only
app(args=["start", *sys.argv[1:]], prog_name="python -m runner")
