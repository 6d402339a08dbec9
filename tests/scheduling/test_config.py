"""schedules.toml validation: every problem named with file and entry, nothing half-loaded."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sepbots.exceptions import ConfigError
from sepbots.scheduling.config import ScheduleConfig, ScheduleConfigError, TriggerKind, load_schedules, parse_duration

BOTS = {"refusion", "flytning"}

GOOD = """
[calendar]
optional_holidays = true
closed_days = [2026-05-15]

[[schedule]]
name = "refusion-nat"
bot = "refusion"
cron = "30 2 * * 1-5"
skip_holidays = true
priority = 5
[schedule.params]
input = "inbox/refusion.xlsx"

[[schedule]]
name = "flytning-kvarter"
bot = "flytning"
every = "15m"
max_concurrent = 2
coalesce = false

[[schedule]]
name = "engang"
bot = "flytning"
at = 2026-12-01T08:00:00

[[queue_trigger]]
bot = "refusion"
min_items = 5
priority = 3
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config" / "schedules.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, body: str) -> tuple[Path, ScheduleConfigError]:
    path = write(tmp_path, body)
    with pytest.raises(ScheduleConfigError) as info:
        load_schedules(path, known_bots=BOTS)
    return path, info.value


def test_valid_file_loads_every_kind(tmp_path: Path) -> None:
    """A valid file yields cron, interval and date schedules, params, calendar and queue triggers."""
    config = load_schedules(write(tmp_path, GOOD), known_bots=BOTS)
    kinds = {s.name: s.kind for s in config.schedules}
    assert kinds == {
        "refusion-nat": TriggerKind.CRON,
        "flytning-kvarter": TriggerKind.INTERVAL,
        "engang": TriggerKind.DATE,
    }
    nightly = config.schedule("refusion-nat")
    assert (
        nightly.params == {"input": "inbox/refusion.xlsx"} and nightly.priority == 5 and nightly.skip_holidays
    )
    assert nightly.timezone == "Europe/Copenhagen" and nightly.max_concurrent == 1 and nightly.coalesce
    assert config.schedule("flytning-kvarter").every == timedelta(minutes=15)
    assert config.schedule("engang").at == datetime(2026, 12, 1, 8, 0)
    assert config.calendar.optional_holidays and len(config.calendar.closed_days) == 1
    assert config.queue_triggers[0].bot == "refusion" and config.queue_triggers[0].min_items == 5


def test_missing_file_means_no_schedules(tmp_path: Path) -> None:
    """Without schedules.toml the service has no schedules rather than failing."""
    config = load_schedules(tmp_path / "nope.toml", known_bots=BOTS)
    assert config.schedules == () and config.queue_triggers == ()


def test_invalid_cron_names_file_and_entry(tmp_path: Path) -> None:
    """An invalid cron expression is reported with the file, the entry index and its name."""
    path, err = problems_of(tmp_path, '[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "61 2 * * *"\n')
    assert str(path) in str(err)
    assert len(err.problems) == 1
    assert "schedule[1] 'a'" in err.problems[0] and "ugyldigt cron-udtryk / invalid cron expression '61 2 * * *'" in err.problems[0]


def test_cron_with_wrong_field_count_is_rejected(tmp_path: Path) -> None:
    """A cron expression with four fields is an error, not a silently different schedule."""
    _, err = problems_of(tmp_path, '[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "2 * * *"\n')
    assert "Wrong number of fields" in err.problems[0]


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("0 7 1 * 1", "restrict either the day of month or the day of week"),
        ("0 7 * * 8", "must be 0-7"),
        ("0 7 * * 5-1", "runs backwards"),
        ("0 25 * * *", "Error validating expression"),
    ],
)
def test_cron_traps_are_rejected(tmp_path: Path, cron: str, message: str) -> None:
    """Cron expressions that APScheduler would read differently from cron are rejected with a reason."""
    _, err = problems_of(tmp_path, f'[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "{cron}"\n')
    assert message in err.problems[0]


def test_unknown_bot_lists_known_ones(tmp_path: Path) -> None:
    """A schedule for a bot that does not exist names the bot and the known bots."""
    _, err = problems_of(tmp_path, '[[schedule]]\nname = "a"\nbot = "ukendt"\ncron = "0 7 * * *"\n')
    assert err.problems == ["schedule[1] 'a': ukendt bot / unknown bot 'ukendt'; kendte/known: flytning, refusion"]


def test_unknown_timezone(tmp_path: Path) -> None:
    """An unknown timezone is reported for the entry that uses it."""
    _, err = problems_of(
        tmp_path,
        '[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "0 7 * * *"\ntimezone = "Europe/Kobenhavn"\n',
    )
    assert err.problems[0] == ("schedule[1] 'a': timezone: ukendt tidszone 'Europe/Kobenhavn'; brug et IANA-navn som "
                               "'Europe/Copenhagen' / unknown timezone 'Europe/Kobenhavn'; use an IANA name such as "
                               "'Europe/Copenhagen'")


def test_duplicate_names_name_both_entries(tmp_path: Path) -> None:
    """Two schedules with one name are an error that points at both entries."""
    body = '[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "0 7 * * *"\n' * 2
    _, err = problems_of(tmp_path, body)
    assert err.problems == ["schedule[2] 'a': navnet 'a' er allerede brugt / the name 'a' is already used: schedule[1] 'a'"]


def test_all_problems_reported_and_nothing_loaded(tmp_path: Path) -> None:
    """Several bad entries give one error listing each, even when other entries are fine."""
    body = GOOD + (
        '[[schedule]]\nname = "b"\nbot = "refusion"\n'
        '[[schedule]]\nname = "c"\nbot = "refusion"\nevery = "soon"\n'
        '[[queue_trigger]]\nbot = "refusion"\n'
        '[[queue_trigger]]\nbot = "nobot"\nmin_items = 0\n'
    )
    _, err = problems_of(tmp_path, body)
    text = "\n".join(err.problems)
    assert ("schedule[4] 'b': angiv præcis én af 'cron', 'every' eller 'at' / give exactly one of 'cron', 'every' or 'at' "
            "(fundet/found: ingen/none)") in text
    assert "schedule[5] 'c': every: 'soon' er ikke en varighed; skriv fx '90s'" in text and "/ 'soon' is not a duration" in text
    assert (
        "queue_trigger[2] 'refusion': bot 'refusion' har allerede en køudløser / already has a queue trigger "
        "(queue_trigger[1] 'refusion')"
        in text
    )
    assert "queue_trigger[3] 'nobot': min_items: skal være mindst 1 / must be at least 1" in text
    assert "nothing was loaded" in str(err)


def test_a_bad_value_in_an_entry_is_explained_in_danish_and_english_without_quoting_it(tmp_path: Path) -> None:
    """Pydantic's reason for a bad value names the entry and the field, in both languages, and leaves the value out."""
    _, err = problems_of(tmp_path, '[[queue_trigger]]\nbot = "refusion"\nmin_items = "0101901234x"\n'
                                   '[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "0 7 * * *"\nenabled = "0101901234"\n')
    assert err.problems == [
        "schedule[1] 'a': enabled: skal være sand eller falsk (true/false) / must be true or false",
        "queue_trigger[1] 'refusion': min_items: skal være et helt tal / must be a whole number",
    ]
    assert "0101901234" not in str(err)


def test_two_trigger_fields_are_rejected(tmp_path: Path) -> None:
    """A schedule with both cron and every is ambiguous and rejected."""
    _, err = problems_of(
        tmp_path, '[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "0 7 * * *"\nevery = 60\n'
    )
    assert "fundet/found: cron, every" in err.problems[0]


def test_one_off_cannot_skip_holidays(tmp_path: Path) -> None:
    """A one-off date with skip_holidays is rejected rather than silently never firing."""
    _, err = problems_of(
        tmp_path,
        '[[schedule]]\nname = "a"\nbot = "refusion"\nat = 2026-12-25T08:00:00\nskip_holidays = true\n',
    )
    assert "cannot skip holidays" in err.problems[0]


def test_unknown_keys_and_sections_are_errors(tmp_path: Path) -> None:
    """A misspelt option or section is reported instead of ignored."""
    _, err = problems_of(
        tmp_path,
        '[schedules]\n[[schedule]]\nname = "a"\nbot = "refusion"\ncron = "0 7 * * *"\nskip_holiday = true\n',
    )
    text = "\n".join(err.problems)
    assert (
        "unknown section 'schedules'" in text
        and "schedule[1] 'a': skip_holiday: ukendt felt, ikke tilladt her / unknown field, not permitted here" in text
    )


def test_toml_syntax_error_names_file(tmp_path: Path) -> None:
    """A file that is not TOML is reported with its path and the parser's position."""
    path, err = problems_of(tmp_path, '[[schedule]\nname = "a"\n')
    assert str(path) in str(err) and "not valid TOML" in str(err) and "line 1" in str(err)


def test_schedule_lookup_of_unknown_name(tmp_path: Path) -> None:
    """Asking for a schedule that is not configured is a ConfigError naming it."""
    config = load_schedules(write(tmp_path, GOOD), known_bots=BOTS)
    with pytest.raises(ConfigError, match="no schedule named 'x'"):
        config.schedule("x")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("1h30m", 5400), ("1d", 86400), (45, 45), ("2H", 7200)]
)
def test_parse_duration(text: str | int, seconds: int) -> None:
    """Durations are written as seconds or with d/h/m/s units."""
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "15", "15x", "m15", "0s", -5, True])
def test_parse_duration_rejects(text: str | int) -> None:
    """Texts that are not positive durations are rejected."""
    with pytest.raises(ValueError):
        parse_duration(text)


def test_shipped_template_and_its_commented_examples_are_valid() -> None:
    """config/schedules.toml loads as is (no schedules), and its commented examples load when uncommented."""
    import re

    template = Path(__file__).resolve().parents[2] / "config" / "schedules.toml"
    assert load_schedules(template, known_bots={"fakturakontrol"}).schedules == ()
    lines = template.read_text(encoding="utf-8").splitlines()
    uncommented = "\n".join(re.sub(r"^# (?=\[|\w+ = )", "", line) for line in lines)
    config = parse_schedules_text(uncommented)
    assert [s.name for s in config.schedules] == ["fakturakontrol-morgen", "postkasse", "engang"]
    assert config.queue_triggers[0].min_items == 5


def parse_schedules_text(text: str) -> ScheduleConfig:
    import tomllib

    from sepbots.scheduling.config import parse_schedules

    return parse_schedules(tomllib.loads(text), known_bots={"fakturakontrol"})


@pytest.mark.parametrize("section", ["schedule", "queue_trigger"])
def test_a_section_written_as_one_table_says_how_to_write_an_array(tmp_path: Path, section: str) -> None:
    """`[schedule]` instead of `[[schedule]]` (and the same for queue triggers) is named with the fix."""
    _, err = problems_of(tmp_path, f'[{section}]\nname = "a"\nbot = "flytning"\n')
    assert err.problems == [f"'{section}' skal være en liste af tabeller: skriv [[{section}]] / "
                            f"must be an array of tables: write [[{section}]]"]
