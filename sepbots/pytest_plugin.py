"""A pytest plugin (registered as ``pytest11`` entry point ``sepbots``): no CPR number in test output.

A failing test of a bot prints its traceback — with ``--showlocals`` (``-l``) every local variable,
and assertion rewriting prints the compared values. A payload's CPR number would land in the CI
log. This plugin passes every failure report through a ``Redactor`` with a key made for the test
session, so each CPR number is shown as its correlation token ``[CPR:…]`` (the same number gives the
same token within one session, so a failure can still be read).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from sepbots.redaction import Redactor

_REDACTOR = pytest.StashKey[Redactor]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_REDACTOR] = Redactor(os.urandom(32))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.longrepr is None or report.passed:
        return
    redactor = item.config.stash[_REDACTOR]
    text = str(report.longrepr)
    if redactor.contains_cpr(text):
        report.longrepr = redactor.redact(text)
    for index, (title, content) in enumerate(report.sections):
        if redactor.contains_cpr(content):
            report.sections[index] = (title, redactor.redact(content))
