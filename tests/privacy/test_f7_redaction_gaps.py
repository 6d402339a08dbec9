"""Issue 13, finding 7: every shape a CPR number or a secret takes is redacted, wherever sepbots writes it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from sepbots import BotContext, BusinessException, NewItem, Runner, WorkItem, bot
from sepbots.environment import Environment
from sepbots.logging import configure_logging
from sepbots.redaction import Redactor

DIGITS = "0101901313"  # 1 January 1990; fails modulus 11, valid all the same (since 2007)
# (name, how the number is written); every one of them is the CPR number DIGITS.
SHAPES = [
    ("plain", "0101901313"),
    ("hyphen", "010190-1313"),
    ("space", "010190 1313"),
    ("non-breaking space", "010190\u00a01313"),
    ("narrow non-breaking space", "010190\u202f1313"),
    ("en dash", "010190\u20131313"),
    ("minus sign", "010190\u22121313"),
    ("slash", "010190/1313"),
    ("double space", "010190  1313"),
    ("spaced hyphen", "010190 - 1313"),
    ("dot", "010190.1313"),
    ("DD.MM.YY-SSSS", "01.01.90-1313"),
    ("DD-MM-YY-SSSS", "01-01-90-1313"),
    ("DD MM YY SSSS", "01 01 90 1313"),
    ("full-width digits", "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff13\uff11\uff13"),
    ("full-width digits and dash", "\uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff13\uff11\uff13"),
]
# Text that holds digits but no CPR number: it must come out unchanged.
NOT_CPR = [
    ("amount in øre", "beløb 123456789 øre"),
    ("ten-digit amount, no date", "beløb 9912345678 øre"),
    ("invoice number", "Faktura 2026-000123"),
    ("phone number with country code", "+45 31 12 90 12"),
    ("phone number in pairs", "tlf. 31 12 90 12"),
    ("phone number in fours", "tlf. 3112 9012"),
    ("date and time", "01-01-2019 12:34"),
    ("ISO timestamp", "2026-11-27T13:00:00+00:00"),
    ("Danish date", "den 27.11.2026"),
    ("thousands separators", "1.301.901.313 kr."),
    ("impossible date", "320190-1313"),
    ("29 February of a common year", "290201-4013"),
    ("eleven digits", "01019013134"),
]


@pytest.fixture
def redactor() -> Redactor:
    return Redactor(b"k" * 32)


@pytest.mark.parametrize(("name", "shape"), SHAPES, ids=[s[0] for s in SHAPES])
def test_f7_every_written_shape_of_a_cpr_number_becomes_its_token(redactor: Redactor, name: str, shape: str) -> None:
    """A CPR number in any shape is replaced by the same correlation token as its plain digits."""
    out = redactor.redact(f"borger {shape} ringede")
    assert out == f"borger {redactor.token(DIGITS)} ringede", name


@pytest.mark.parametrize(("name", "text"), NOT_CPR, ids=[s[0] for s in NOT_CPR])
def test_f7_digits_that_are_no_cpr_number_stay(redactor: Redactor, name: str, text: str) -> None:
    """Amounts, invoice and phone numbers, dates and impossible dates are not taken for CPR numbers."""
    assert redactor.redact(text) == text, name


@pytest.mark.parametrize(("name", "shape"), SHAPES, ids=[s[0] for s in SHAPES])
def test_f7_cpr_numbers_in_dict_keys_are_redacted(redactor: Redactor, name: str, shape: str) -> None:
    """A CPR number used as a dict key (at any depth) is replaced like one in a value."""
    out = redactor.redact_obj({shape: 1, "rows": [{f"cpr {shape}": "x"}]})
    assert out == {redactor.token(DIGITS): 1, "rows": [{f"cpr {redactor.token(DIGITS)}": "x"}]}, name


def test_f7_ten_digit_integers_that_are_cpr_numbers_are_redacted(redactor: Redactor) -> None:
    """``1301901313`` as an int (value or key) becomes a token; other integers, bools and floats stay."""
    out = redactor.redact_obj({"cpr": 1301901313, 1301901313: "key", "ore": 123456789, "big": 9912345678,
                               "flag": True, "x": 1.5})
    token = redactor.token("1301901313")
    assert out == {"cpr": token, token: "key", "ore": 123456789, "big": 9912345678, "flag": True, "x": 1.5}


SECRET = "p@ss/w0rd+?&ÆØ"


def _secret_shapes() -> list[tuple[str, str]]:
    import html
    import json
    from urllib.parse import quote, quote_plus

    return [
        ("as is", SECRET),
        ("URL path", quote(SECRET)),
        ("URL component", quote(SECRET, safe="")),
        ("URL component, lower-case hex", quote(SECRET, safe="").lower()),
        ("form-encoded", quote_plus(SECRET)),
        ("JSON string", json.dumps(SECRET)[1:-1]),
        ("HTML", html.escape(SECRET)),
    ]


@pytest.mark.parametrize(("name", "shape"), _secret_shapes(), ids=[s[0] for s in _secret_shapes()])
def test_f7_registered_secrets_are_redacted_encoded_and_as_dict_keys(redactor: Redactor, name: str,
                                                                    shape: str) -> None:
    """A registered secret is replaced when URL-encoded, JSON-quoted or HTML-escaped, in text and dict keys."""
    redactor.add_secret(SECRET)
    assert redactor.redact(f"https://x/?pw={shape}&u=robot") == "https://x/?pw=[SECRET]&u=robot", name
    assert redactor.redact_obj({shape: {"n": shape}}) == {"[SECRET]": {"n": "[SECRET]"}}, name


# -- end to end: logs, outputs, messages, references, run params ---------------------------------


class Citizen(BaseModel):
    n: int


class Params(BaseModel):
    note: str
    extra: dict[str, Any]


@bot(name="shapes", params=Params)
def shapes(item: WorkItem[Citizen], ctx: BotContext[Params]) -> dict[str, Any]:
    shape = SHAPES[item.payload.n][1]
    ctx.log.info("citizen_seen", cpr=shape, number=1301901313, rows={shape: [shape]}, **{shape: "as key"})
    if item.payload.n % 2:
        raise BusinessException(f"borgeren {shape} findes ikke", code="NOT_FOUND")
    return {shape: shape, "as_int": 1301901313}


def test_f7_no_shape_reaches_logs_database_or_run_folder(env: Environment, home: Path) -> None:
    """Logs, stored outputs, messages, references and run params hold tokens only, for every shape."""
    configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
    try:
        with env.store.begin() as conn:
            env.queues.add(conn, "shapes", [NewItem(reference=f"borger {shape} #{n}", payload=Citizen(n=n))
                                            for n, (_, shape) in enumerate(SHAPES)], max_attempts=1, run_id=None,
                           actor="test")
        summary = Runner(env).run(shapes, {"note": f"kun {SHAPES[1][1]}", "extra": {SHAPES[2][1]: 1301901313}})
        assert summary.counts.done + summary.counts.business == len(SHAPES)
    finally:
        for handler in list(logging.getLogger().handlers):
            handler.flush()
        configure_logging(logs_dir=None, redactor=Redactor(b"test-session-key"), console="never")
    env.store.dispose()
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "log.jsonl" for p in files)
    needles = {shape.encode() for _, shape in SHAPES} | {b"1301901313"}
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"{needle.decode()!r} leaked into {path.relative_to(home)}"
    logs = (env.settings.logs_dir / "sepbots.jsonl").read_text(encoding="utf-8")
    assert env.redactor.token(DIGITS) in logs and env.redactor.token("1301901313") in logs
