"""The sepbots pytest plugin keeps CPR numbers out of failure output (tracebacks, locals, assertion values)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FAILING = '''
def test_claim():
    cpr = "0102031234"
    payload = {"employee_cpr": "020304-1234", "amount": 12}
    assert payload["employee_cpr"] == cpr
'''


def test_a_failing_test_shows_tokens_not_cpr_numbers(tmp_path: Path) -> None:
    """With --showlocals and assertion rewriting, the output shows [CPR:…] tokens and never the numbers."""
    (tmp_path / "test_claim.py").write_text(FAILING, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-l", "-p", "no:cacheprovider", "-p", "no:randomly",
                             str(tmp_path / "test_claim.py")], capture_output=True, text=True, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "test_claim" in out and "AssertionError" in out
    assert "[CPR:" in out
    assert "0102031234" not in out and "020304-1234" not in out and "0203041234" not in out
