"""Crontab expressions as a Unix administrator means them, on APScheduler 3.x's ``CronTrigger``.

Two differences are handled here rather than left as traps:

* Day of week: crontab counts 0 (and 7) as Sunday, 1 as Monday; APScheduler 3's
  ``CronTrigger.from_crontab`` passes the numbers through to its own scale where 0 is Monday, so
  ``1-5`` would mean Tuesday–Saturday. Numbers are translated to day names here.
* Day of month *and* day of week both restricted: cron fires when *either* matches, APScheduler
  when *both* do. Such expressions are rejected with an explanation instead of guessed.
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _day_number(text: str) -> int:
    low = text.lower()
    if low in _NAMES:
        return _NAMES.index(low)
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"day of week {text!r} must be 0-7 (0 and 7 are Sunday) or a name such as 'mon'")
    return int(text) % 7


def _days_of_week(field: str) -> str:
    """The crontab day-of-week field as APScheduler day names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for token in field.split(","):
        span, _, step_text = token.partition("/")
        step = int(step_text) if step_text else 1
        if step_text and (not step_text.isdigit() or step < 1):
            raise ValueError(f"step {step_text!r} in day of week must be a positive number")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            a, b = span.split("-", 1)
            first, last = _day_number(a), _day_number(b)
            if b.strip() == "7":
                last = 7
            if last < first:
                raise ValueError(f"day-of-week range {span!r} runs backwards")
        else:
            first = _day_number(span)
            last = 6 if step_text else first
        days.update(d % 7 for d in range(first, last + 1, step))
    # APScheduler orders days mon..sun, so list names rather than build ranges.
    return ",".join(_NAMES[d] for d in sorted(days, key=lambda d: (d - 1) % 7))


def crontab_trigger(expression: str, timezone: tzinfo) -> CronTrigger:
    """A ``CronTrigger`` for a five-field crontab ``expression`` (minute hour day month weekday).

    Raises:
        ValueError: with a message saying what is wrong with the expression.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"Wrong number of fields; got {len(fields)}, expected 5 (minute hour day month weekday)"
        )
    minute, hour, day, month, weekday = fields
    if day != "*" and weekday != "*":
        raise ValueError(
            "restrict either the day of month or the day of week, not both "
            "(cron would fire when either matches; make two schedules instead)"
        )
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=_days_of_week(weekday), timezone=timezone
    )
