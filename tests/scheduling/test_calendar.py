"""Danish holidays, business days, and ScheduleTrigger fire times across DST and closed days."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from typing import Any

import pytest

from sepbots.clock import COPENHAGEN
from sepbots.scheduling.calendar import DanishCalendar
from sepbots.scheduling.config import CalendarConfig, Schedule
from sepbots.scheduling.triggers import ScheduleTrigger, next_fire_times, wall_instants


def trig(calendar: CalendarConfig | None = None, **fields: Any) -> ScheduleTrigger:
    """The trigger of a schedule with these fields (keywords of ``Schedule``)."""
    return ScheduleTrigger(Schedule(name="s", bot="b", **fields), calendar)


def local_times(trigger: ScheduleTrigger, now: datetime, count: int) -> list[str]:
    """Fire times as Danish local ISO strings (offset shows summer/winter time)."""
    return [t.astimezone(COPENHAGEN).isoformat() for t in next_fire_times(trigger, now, count)]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# -- holidays -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 2), "Skærtorsdag"),
        (date(2026, 4, 3), "Langfredag"),
        (date(2026, 4, 5), "Påskedag"),
        (date(2026, 4, 6), "Anden påskedag"),
        (date(2026, 5, 14), "Kristi himmelfartsdag"),
        (date(2026, 5, 25), "Anden pinsedag"),
        (date(2026, 12, 25), "Juledag"),
        (date(2026, 12, 26), "Anden juledag"),
        (date(2027, 1, 1), "Nytårsdag"),
        (date(2023, 5, 5), "Store bededag"),
    ],
)
def test_danish_public_holidays(day: date, name: str) -> None:
    """The public holidays of Denmark, with their Danish names, come from holidays.Denmark."""
    cal = DanishCalendar()
    assert cal.is_holiday(day) and cal.holiday_name(day) == name


def test_store_bededag_abolished_from_2024() -> None:
    """Store bededag (4th Friday after Easter) is a holiday in 2023 but not from 2024 on."""
    cal = DanishCalendar()
    assert cal.is_holiday(date(2023, 5, 5))
    assert not cal.is_holiday(date(2024, 4, 26)) and not cal.is_holiday(date(2026, 5, 1))


def test_ordinary_days_and_christmas_eve() -> None:
    """Juleaftensdag and Grundlovsdag are working days unless optional holidays are enabled."""
    plain, wider = DanishCalendar(), DanishCalendar(optional_holidays=True)
    for day in (date(2026, 12, 24), date(2026, 6, 5), date(2026, 12, 31)):
        assert plain.is_business_day(day) and not wider.is_business_day(day)
    assert wider.holiday_name(date(2026, 12, 24), "da") == "Juleaftensdag"
    assert plain.holiday_name(date(2026, 12, 25), "en") == "Christmas Day"
    assert plain.holiday_name(date(2026, 4, 7)) is None


def test_business_days_and_closed_days() -> None:
    """Weekends, holidays and configured closing days are not business days."""
    cal = DanishCalendar(closed_days=(date(2026, 5, 15),))
    assert cal.is_business_day(date(2026, 5, 13))
    assert not cal.is_business_day(date(2026, 5, 14))  # Kristi himmelfartsdag
    assert not cal.is_business_day(date(2026, 5, 15)) and cal.holiday_name(date(2026, 5, 15)) == "lukkedag"
    assert not cal.is_business_day(date(2026, 5, 16))  # Saturday
    assert cal.next_allowed(date(2026, 5, 13), skip_holidays=False, business_days_only=True) == date(
        2026, 5, 18
    )


# -- DST ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cron", "now", "expected"),
    [
        # spring forward 2026-03-29: 02:00 -> 03:00; a fixed time in the gap fires once, at 03:00
        (
            "30 2 * * *",
            utc(2026, 3, 27, 12),
            ["2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"],
        ),
        ("0 2 * * *", utc(2026, 3, 28, 12), ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"]),
        ("0 3 * * *", utc(2026, 3, 28, 12), ["2026-03-29T03:00:00+02:00", "2026-03-30T03:00:00+02:00"]),
        ("59 1 * * *", utc(2026, 3, 28, 12), ["2026-03-29T01:59:00+01:00", "2026-03-30T01:59:00+02:00"]),
        # fall back 2026-10-25: 03:00 -> 02:00; a fixed time in the repeated hour fires once, first
        (
            "30 2 * * *",
            utc(2026, 10, 23, 12),
            ["2026-10-24T02:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"],
        ),
        (
            "0 * * * *",
            utc(2026, 10, 24, 22, 30),
            [
                "2026-10-25T01:00:00+02:00",
                "2026-10-25T02:00:00+02:00",
                "2026-10-25T02:00:00+01:00",
                "2026-10-25T03:00:00+01:00",
            ],
        ),
        # a *-hour schedule skips the missing hour in spring
        (
            "*/30 * * * *",
            utc(2026, 3, 28, 23, 50),
            [
                "2026-03-29T01:00:00+01:00",
                "2026-03-29T01:30:00+01:00",
                "2026-03-29T03:00:00+02:00",
                "2026-03-29T03:30:00+02:00",
            ],
        ),
        # weekdays only, across the fall-back weekend
        ("30 2 * * 1-5", utc(2026, 10, 22, 12), ["2026-10-23T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]),
    ],
)
def test_cron_across_dst(cron: str, now: datetime, expected: list[str]) -> None:
    """Fixed-time crons fire once on DST days (gap → 03:00, repeat → first); *-hour crons follow the clock."""
    assert local_times(trig(cron=cron), now, len(expected)) == expected


def test_cron_fires_resume_inside_repeated_hour() -> None:
    """Asked from inside the repeated autumn hour, an hourly schedule still fires at 02:00 winter time."""
    t = trig(cron="0 * * * *")
    inside = utc(2026, 10, 25, 0, 30)  # 02:30 summer time, the first pass of the repeated hour
    assert t.get_next_fire_time(None, inside) == utc(2026, 10, 25, 1, 0)
    assert t.get_next_fire_time(utc(2026, 10, 25, 1, 0), inside) == utc(2026, 10, 25, 2, 0)


def test_interval_is_elapsed_time_across_dst() -> None:
    """An hourly interval fires every 60 real minutes, both hours of the repeated hour included."""
    assert local_times(trig(every="1h"), utc(2026, 10, 24, 23, 10), 4) == [
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T04:00:00+01:00",
    ]
    assert local_times(trig(every="1h"), utc(2026, 3, 28, 23, 10), 3) == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T04:00:00+02:00",
    ]


def test_interval_grid_is_anchored() -> None:
    """An interval keeps its grid from 'start' whatever the moment it is asked."""
    t = trig(every="45m", start=datetime(2026, 4, 1, 8, 0))
    assert local_times(t, utc(2026, 4, 1, 6, 50), 3) == [
        "2026-04-01T09:30:00+02:00",
        "2026-04-01T10:15:00+02:00",
        "2026-04-01T11:00:00+02:00",
    ]


def test_one_off_in_the_gap_and_repeat() -> None:
    """A one-off local time in the spring gap fires at 03:00; one in the autumn repeat fires at the first."""
    assert local_times(trig(at=datetime(2026, 3, 29, 2, 30)), utc(2026, 1, 1), 3) == [
        "2026-03-29T03:00:00+02:00"
    ]
    assert local_times(trig(at=datetime(2026, 10, 25, 2, 30)), utc(2026, 1, 1), 3) == [
        "2026-10-25T02:30:00+02:00"
    ]
    assert next_fire_times(trig(at=datetime(2026, 1, 1, 8)), utc(2026, 6, 1), 3) == []


def test_wall_instants_rules() -> None:
    """Wall times map to zero, one or two instants depending on the rule for fixed or *-hour schedules."""
    assert wall_instants(datetime(2026, 3, 29, 2, 30), COPENHAGEN, fixed_hour=False) == []
    assert wall_instants(datetime(2026, 3, 29, 2, 30), COPENHAGEN) == [utc(2026, 3, 29, 1, 0)]
    assert wall_instants(datetime(2026, 10, 25, 2, 30), COPENHAGEN, fixed_hour=False) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 30),
    ]
    assert wall_instants(datetime(2026, 7, 1, 12), COPENHAGEN) == [utc(2026, 7, 1, 10)]


# -- closed days ----------------------------------------------------------------------------------


def test_skip_holidays_over_easter_2026() -> None:
    """A daily 07:00 schedule that skips holidays passes over Skærtorsdag to Anden påskedag."""
    assert local_times(trig(cron="0 7 * * *", skip_holidays=True), utc(2026, 3, 31, 12), 4) == [
        "2026-04-01T07:00:00+02:00",
        "2026-04-04T07:00:00+02:00",
        "2026-04-07T07:00:00+02:00",
        "2026-04-08T07:00:00+02:00",
    ]


def test_business_days_over_christmas() -> None:
    """A business-days schedule runs on juleaftensdag (not a public holiday) and skips 25–27 December."""
    assert local_times(trig(cron="0 7 * * *", business_days_only=True), utc(2026, 12, 23, 12), 3) == [
        "2026-12-24T07:00:00+01:00",
        "2026-12-28T07:00:00+01:00",
        "2026-12-29T07:00:00+01:00",
    ]
    wider = CalendarConfig(optional_holidays=True)
    assert local_times(
        trig(cron="0 7 * * *", business_days_only=True, calendar=wider), utc(2026, 12, 23, 12), 2
    ) == [
        "2026-12-28T07:00:00+01:00",
        "2026-12-29T07:00:00+01:00",
    ]


def test_interval_on_business_days_restarts_on_grid() -> None:
    """A skipped interval resumes on its elapsed-time grid (a winter anchor is 01:00 in summer)."""
    t = trig(every="8h", start=datetime(2026, 1, 1, 0, 0), business_days_only=True)
    assert local_times(t, utc(2026, 4, 2, 12), 3) == [
        "2026-04-07T01:00:00+02:00",
        "2026-04-07T09:00:00+02:00",
        "2026-04-07T17:00:00+02:00",
    ]


def test_skipped_fire_after_previous() -> None:
    """Asked for the fire after Wednesday's, a skip-holidays schedule answers the Saturday after Easter's Friday."""
    t = trig(cron="0 7 * * *", skip_holidays=True)
    assert t.get_next_fire_time(utc(2026, 4, 1, 5), utc(2026, 4, 1, 5)) == utc(2026, 4, 4, 5)


def test_schedule_that_can_never_fire_ends() -> None:
    """A Christmas-Day-only schedule that skips holidays has no fire times (and does not loop)."""
    assert next_fire_times(trig(cron="0 7 25 12 *", skip_holidays=True), utc(2026, 1, 1), 2) == []


def test_rare_schedule_beyond_a_year_still_fires() -> None:
    """A 29 February schedule finds its next fire years ahead; only skipping is bounded."""
    assert local_times(trig(cron="0 7 29 2 *"), utc(2026, 3, 1), 1) == ["2028-02-29T07:00:00+01:00"]


@pytest.mark.parametrize(
    ("cron", "weekdays"),
    [
        ("0 7 * * 1-5", {0, 1, 2, 3, 4}),
        ("0 7 * * 0", {6}),
        ("0 7 * * 7", {6}),
        ("0 7 * * sat,sun", {5, 6}),
        ("0 7 * * */2", {6, 1, 3, 5}),
        ("0 7 * * 5-7", {4, 5, 6}),
        ("0 7 * * *", set(range(7))),
    ],
)
def test_crontab_weekdays_mean_what_cron_means(cron: str, weekdays: set[int]) -> None:
    """Crontab weekday numbers count Sunday as 0 and 7 (APScheduler 3 alone would read 1-5 as Tue-Sat)."""
    times = next_fire_times(trig(cron=cron), utc(2026, 6, 1), 14)
    assert {t.astimezone(COPENHAGEN).weekday() for t in times} == weekdays


def test_trigger_survives_pickling() -> None:
    """The trigger pickles (APScheduler's job store) and computes the same times afterwards."""
    t = trig(
        cron="30 2 * * 1-5", skip_holidays=True, calendar=CalendarConfig(closed_days=(date(2026, 4, 7),))
    )
    clone = pickle.loads(pickle.dumps(t))
    now = utc(2026, 3, 25)
    assert next_fire_times(clone, now, 8) == next_fire_times(t, now, 8)
    assert clone.fingerprint() == t.fingerprint()
    assert date(2026, 4, 7) not in {x.astimezone(COPENHAGEN).date() for x in next_fire_times(clone, now, 8)}
