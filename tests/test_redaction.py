"""CPR numbers and secrets never reach a log file or the database."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from sepbots import BotContext, BusinessException, NewItem, Runner, WorkItem, bot
from sepbots.environment import Environment
from sepbots.logging import configure_logging
from sepbots.redaction import Redactor

# 010165-1234 fails modulus 11 (numbers like it exist since 2007); 290200-4013 is a leap day.
CPRS = ["010165-1234", "0101651234", "290200-4013", "311299 1238"]


@pytest.mark.parametrize("text", CPRS)
def test_cpr_numbers_are_replaced_with_tokens_without_a_modulus_11_check(text: str) -> None:
    """Both DDMMYY-SSSS and DDMMYYSSSS with a real date are redacted, whether or not modulus 11 holds."""
    r = Redactor(b"k" * 32)
    out = r.redact(f"borger {text} ringede")
    assert text not in out and "[CPR:" in out


@pytest.mark.parametrize("text", ["320165-1234", "010065-1234", "12345678901", "290201-4013", "1234-5678"])
def test_numbers_that_cannot_be_cpr_numbers_are_left_alone(text: str) -> None:
    """Impossible dates (32nd, month 00, 29 Feb in a non-leap year) and longer digit runs stay as they are."""
    assert Redactor(b"k" * 32).redact(f"x {text} y") == f"x {text} y"


def test_the_same_number_gets_the_same_token_so_lines_can_be_correlated() -> None:
    """The token is a keyed hash: equal for equal numbers, different under another key."""
    a, b = Redactor(b"a" * 32), Redactor(b"b" * 32)
    assert a.redact("010165-1234") == a.redact("0101651234")
    assert a.redact("010165-1234") != b.redact("010165-1234")


def test_registered_secrets_are_replaced_longest_first() -> None:
    """A secret is replaced wherever it appears, including inside a longer registered secret."""
    r = Redactor(b"k" * 32)
    r.add_secret("hemmelig")
    r.add_secret("hemmelig-kode-42")
    assert r.redact("pw=hemmelig-kode-42 og hemmelig") == "pw=[SECRET] og [SECRET]"


class Citizen(BaseModel):
    cpr: str
    note: str


@bot(name="leaky", max_attempts=2, retry_delay=timedelta(milliseconds=10))
def leaky(item: WorkItem[Citizen], ctx: BotContext[Any]) -> dict[str, str]:
    cred = ctx.credential("portal")
    ctx.log.info("looked_up", payload=item.payload.model_dump(), password=cred.password.get_secret_value())
    if item.payload.note == "business":
        raise BusinessException(f"borgeren {item.payload.cpr} findes ikke", code="NOT_FOUND")
    if item.payload.note == "crash":
        raise ValueError(f"unexpected answer for {item.payload.cpr} with {cred.password.get_secret_value()}")
    return {"echo": f"done for {item.payload.cpr}"}


def test_cpr_numbers_and_secrets_never_reach_log_files_or_the_database(env: Environment, home: Path) -> None:
    """Payload logging, business messages, exception texts, outputs and references are all redacted."""
    configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
    try:
        env.vault.set("portal", "S3cret-Pa55word!", username="robot", actor="test")
        with env.store.begin() as conn:
            env.queues.add(conn, "leaky", [
                NewItem(reference=f"borger-{CPRS[0]}", payload=Citizen(cpr=CPRS[0], note="ok")),
                NewItem(reference="b2", payload=Citizen(cpr=CPRS[1], note="business")),
                NewItem(reference="b3", payload=Citizen(cpr=CPRS[2], note="crash")),
            ], max_attempts=2, run_id=None, actor="test")
        summary = Runner(env).run(leaky)
        assert summary.counts.done == 1 and summary.counts.business == 1 and summary.counts.failed == 1
    finally:
        for handler in list(logging.getLogger().handlers):
            handler.flush()
        configure_logging(logs_dir=None, redactor=Redactor(b"test-session-key"), console="never")
    env.store.dispose()
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "sepbots.jsonl" for p in files) and any(p.name == "log.jsonl" for p in files)
    forbidden = [c.encode() for c in CPRS[:3]] + [c.replace("-", "").encode() for c in CPRS[:3]]
    forbidden.append(b"S3cret-Pa55word!")
    for path in files:
        data = path.read_bytes()
        for needle in forbidden:
            assert needle not in data, f"{needle!r} leaked into {path}"
    logs = (env.settings.logs_dir / "sepbots.jsonl").read_text()
    assert "[CPR:" in logs and "[SECRET]" in logs and "ValueError" in logs
