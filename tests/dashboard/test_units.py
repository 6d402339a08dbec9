"""Formats, log-line reading and artifact path checks, on real files."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sepbots.dashboard.artifacts import item_log_lines, resolve_artifact
from sepbots.dashboard.messages import MESSAGES
from sepbots.i18n import Language, formats, label, moment


def test_danish_and_english_numbers() -> None:
    """Danish uses '.' for thousands and ',' for decimals; English the other way round; a real minus sign."""
    assert formats.number(1234.5, Language.DA, 1) == "1.234,5"
    assert formats.number(Decimal("1234567.891"), Language.EN, 2) == "1,234,567.89"
    assert formats.number(None, Language.DA) == "–"
    assert formats.number(Decimal("-2500"), "da") == "−2.500"
    assert formats.kroner(Decimal("1234.5"), "da") == "1.234,50 kr."
    assert formats.kroner(Decimal("1234.5"), "en") == "1,234.50 DKK"
    assert formats.percent(Decimal("0.853"), "da") == "85,3 %" and formats.percent(0.853, "en") == "85.3%"


def test_times_are_copenhagen_local_across_dst() -> None:
    """UTC times show as Copenhagen wall time: +2 in summer, +1 in winter; dd.mm.yyyy in Danish, ISO in English."""
    assert formats.datetime(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), Language.DA) == "01.07.2026 12:00"
    assert formats.datetime(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), Language.DA) == "01.12.2026 11:00"
    assert formats.datetime(datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC), Language.EN, seconds=True) == "2026-12-01 11:00:05"
    assert formats.datetime(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "da") == "01.01.2027 00:30"  # the local day
    assert formats.date(date(2026, 12, 31), "da") == "31.12.2026" and formats.date(date(2026, 12, 31), "en") == "2026-12-31"
    assert formats.time(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), "en") == "12:00"
    assert formats.day_month(date(2026, 12, 31), "da") == "31.12" and formats.day_month(date(2026, 12, 31), "en") == "12-31"
    assert moment(datetime(2026, 11, 28, 13, 5, 9, tzinfo=UTC), "da") == "28.11.2026 14:05:09"
    assert moment(None) == formats.date(None) == "–"


def test_durations_and_translation_fallbacks() -> None:
    """Durations pick a readable unit; unknown keys fall back to the given default, then the key."""
    assert formats.duration(812, Language.DA) == "812 ms"
    assert formats.duration(4200, Language.DA) == "4,2 s"
    assert formats.duration(184_000, Language.EN) == "3 min 4 s"
    assert formats.duration(7_500_000, Language.DA) == "2 t 5 min"
    assert MESSAGES.text(Language.EN, "state.failed") == "failed"
    assert MESSAGES.text(Language.DA, "trigger.cron", "cron") == "cron"
    assert MESSAGES.text(Language.DA, "no.such.key") == "no.such.key"
    assert Language.parse("en", Language.DA) is Language.EN and Language.parse("fr", Language.DA) is Language.DA


def test_item_state_labels_live_once() -> None:
    """The dashboard and the command line use the same words for an item's state."""
    for state in ("new", "done", "business_exception", "failed", "abandoned"):
        for lang in Language:
            assert MESSAGES.text(lang, f"state.{state}") == label(lang, "state", state)
    assert label("da", "state", "business_exception") == "manuel behandling"


def test_log_lines_for_one_item_redacted(tmp_path: Path) -> None:
    """Only the item's lines are returned, extra fields pass through the redactor, broken lines are skipped."""
    run = tmp_path / "r1"
    run.mkdir()
    lines = [
        {"event": "item_claimed", "level": "info", "timestamp": "t1", "item_id": 7, "attempt": 1},
        {"event": "item_error", "level": "error", "timestamp": "t2", "item_id": 7, "attempt": 1, "error": "secret"},
        {"event": "item_claimed", "level": "info", "timestamp": "t3", "item_id": 70, "attempt": 1},
    ]
    (run / "log.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n{not json 7\n", encoding="utf-8")
    got = item_log_lines(tmp_path, "r1", 7, lambda text: text.replace("secret", "[SECRET]"))
    assert [(line.event, line.attempt) for line in got] == [("item_claimed", 1), ("item_error", 1)]
    assert got[1].fields == {"error": "[SECRET]"}
    assert got[0].at is None  # not a time: the page shows the text as it is
    assert replace(got[0], timestamp="2026-12-31T13:05:09.5Z").at == datetime(2026, 12, 31, 13, 5, 9, 500000, tzinfo=UTC)
    assert item_log_lines(tmp_path, "../r1", 7, str) == []
    assert item_log_lines(tmp_path, "missing", 7, str) == []


def test_artifact_paths_stay_inside_runs_dir(tmp_path: Path) -> None:
    """Relative paths inside runs_dir resolve; traversal, absolute paths and symlinks out do not."""
    runs = tmp_path / "runs"
    (runs / "r1" / "items").mkdir(parents=True)
    shot = runs / "r1" / "items" / "a.png"
    shot.write_bytes(b"png")
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"secret")
    (runs / "r1" / "items" / "link.png").symlink_to(outside)
    assert resolve_artifact(runs, "r1/items/a.png") == shot.resolve()
    assert resolve_artifact(runs, "r1\\items\\a.png") == shot.resolve()
    for bad in ["../outside.png", "/etc/passwd", "r1/../../outside.png", "r1/items/link.png", "", "r1/items"]:
        assert resolve_artifact(runs, bad) is None, bad
