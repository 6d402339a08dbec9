"""Formats, log-line reading and artifact path checks, on real files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sepbots.dashboard.artifacts import item_log_lines, resolve_artifact
from sepbots.dashboard.i18n import Lang, fmt_datetime, fmt_duration, fmt_number, translate


def test_danish_and_english_numbers() -> None:
    """Danish uses '.' for thousands and ',' for decimals; English the other way round."""
    assert fmt_number(1234.5, Lang.DA, 1) == "1.234,5"
    assert fmt_number(Decimal("1234567.891"), Lang.EN, 2) == "1,234,567.89"
    assert fmt_number(None, Lang.DA) == "–"


def test_times_are_copenhagen_local_across_dst() -> None:
    """UTC times show as Copenhagen wall time: +2 in summer, +1 in winter; dd-mm-yyyy in Danish."""
    assert fmt_datetime(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), Lang.DA) == "01-07-2026 12:00"
    assert fmt_datetime(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), Lang.DA) == "01-12-2026 11:00"
    assert fmt_datetime(datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC), Lang.EN, seconds=True) == "2026-12-01 11:00:05"


def test_durations_and_translation_fallbacks() -> None:
    """Durations pick a readable unit; unknown keys fall back to the given default, then the key."""
    assert fmt_duration(812, Lang.DA) == "812 ms"
    assert fmt_duration(4200, Lang.DA) == "4,2 s"
    assert fmt_duration(184_000, Lang.EN) == "3 min 4 s"
    assert fmt_duration(7_500_000, Lang.DA) == "2 t 5 min"
    assert translate(Lang.EN, "state.failed") == "failed"
    assert translate(Lang.DA, "trigger.cron", "cron") == "cron"
    assert translate(Lang.DA, "no.such.key") == "no.such.key"


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
