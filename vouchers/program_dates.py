"""Program dates: a day typed by a person means the whole day in Beijing time.

The scheme's notices set dates, not instants: "使用截止2025年11月30日" lets an enterprise order
until the end of 30 November. Opening dates start at 00:00 Asia/Shanghai of the day; deadlines
end at its last microsecond (23:59:59.999999), so the stored instant still shows the day typed.
A program's dates stay inside its year; only the redemption deadline may run on into the first
quarter of the next year (REDEMPTION_ALLOWANCE_END), so that services delivered in December can
still be invoiced and claimed while no quota carries over by configuration.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

# Month and day of the next year until which a program's redemption deadline may run.
REDEMPTION_ALLOWANCE_END = (3, 31)

OPENING_FIELDS = ("applications_open_at",)
DEADLINE_FIELDS = ("applications_close_at", "use_by_at", "redemption_deadline_at")


def day_start(day: date) -> datetime:
    """00:00 Beijing time of `day`: the first instant a date typed as an opening allows."""
    return datetime.combine(day, time.min, tzinfo=CHINA)


def day_end(day: date) -> datetime:
    """23:59:59.999999 Beijing time of `day`: the last instant a date typed as a deadline allows."""
    return datetime.combine(day, time.max, tzinfo=CHINA)


def china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def whole_day(name: str, day: date) -> datetime:
    """The instant stored for the date field `name`: an opening starts, a deadline ends, the day."""
    return day_start(day) if name in OPENING_FIELDS else day_end(day)


def year_end(year: int) -> datetime:
    return day_end(date(year, 12, 31))


def redemption_allowance_end(year: int) -> datetime:
    month, day = REDEMPTION_ALLOWANCE_END
    return day_end(date(year + 1, month, day))
