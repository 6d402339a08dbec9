"""Lint and types are part of the test command: ``ruff check`` and ``mypy --strict`` report nothing.

Both run as their own processes with the settings in ``pyproject.toml``; a failure shows their
findings (file:line: message). ``mypy`` covers ``sepbots/``, ``bots/``, ``tests/`` and ``bench/``, all strict.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINTED = ("sepbots", "bots", "tests", "bench")
TYPED = ("sepbots", "bots", "tests", "bench")
# "# type: ignore[code]  # why": a code, and a reason after it on the same line
_IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)$")
_WITH_REASON = re.compile(r"^\[[a-z0-9-]+(,\s*[a-z0-9-]+)*\]\s+#\s*\S")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", *LINTED)
    assert result.returncode == 0, f"ruff check {' '.join(LINTED)}:\n{result.stdout}{result.stderr}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_mypy_strict_finds_nothing() -> None:
    result = _run("mypy", *TYPED)
    assert result.returncode == 0, f"mypy {' '.join(TYPED)} (strict, see [tool.mypy]):\n{result.stdout}{result.stderr}"


def test_every_type_ignore_names_its_code_and_a_reason() -> None:
    bare = []
    for folder in LINTED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                found = _IGNORE.search(line)
                if found and not _WITH_REASON.match(found["rest"]):
                    bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bare, "write '# type: ignore[code]  # reason':\n" + "\n".join(bare)
