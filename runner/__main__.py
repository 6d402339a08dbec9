"""``python -m runner [--poll-s S]``: the same as ``sepbots runner start`` (home from SEPBOTS_HOME or the cwd)."""

from __future__ import annotations

import sys

from sepbots.cli.runner import app

app(args=["start", *sys.argv[1:]], prog_name="python -m runner")
