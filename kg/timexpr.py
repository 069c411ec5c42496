"""When a fact happened: a date expression of its sentence, normalised against the article date.

The expressions are spaCy's DATE entities of the sentence, tried in order; the first that can be
normalised gives the time. Cheap exact rules come first:

- full dates ("March 14, 2023", "14 March 2023", "2023-03-14") -> xsd:date;
- months with a year ("February of 2022", "March 2021", "June of this year") -> xsd:gYearMonth;
- years ("in 2019", "mid-2022") -> xsd:gYear;
- weekdays ("on Sunday", "last Friday", "next Sunday"), "yesterday", "today", "tomorrow",
  "N days/weeks ago" -> xsd:date; "N months ago" -> xsd:gYearMonth; "N years ago" -> xsd:gYear;
- months without a year ("in February", "last October", "next May") -> xsd:gYearMonth;
- "last/this/next month" -> xsd:gYearMonth; "last/this/next year" -> xsd:gYear;
- weeks and weekends ("next week", "earlier this week", "last weekend") and explicit ranges
  ("from March 1 to March 5", "March 15 to 17", "between 2015 and 2017") -> an interval.

What is left ("Feb. 24", "the 24th of February", "a fortnight ago", ...) goes to `dateparser`
(English only, RELATIVE_BASE = the article date), but only when it names a month, a weekday, a
year or a relative anchor ("ago", "yesterday", ...): durations ("three days"), ages, decades
("the 1990s"), vague spans ("recent years", "the past") give no time.

Without a year, a month or weekday is the most recent one not after the article date; when the
verb the expression belongs to is future ("will", "plans to", ...) it is the first one not before
it. A weekday equal to the article's is the article's day. Weeks run Monday to Sunday.

An interval's `value`/`datatype` is its start at the precision written (a week: its Monday, an
xsd:date); `start` and `end` are its first and last days. Anything else falls back to the
article's date, marked `from_article_date`.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from spacy.tokens import Span

from .articles import MONTHS, parse_date
from .syntax import governing_verb

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {"a": 1, "an": 1, "one": 1, "a couple of": 2, "two": 2, "three": 3, "four": 4,
           "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
           "twelve": 12}

_MONTH = r"(?:" + "|".join(MONTHS) + r"|" + "|".join(m[:3] for m in MONTHS if m != "may") + r"|sept)"
MONTH_WORD = re.compile(rf"\b{_MONTH}\b")
_WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
_DIRECTION = r"(?:(?P<dir>last|this|next|this past|this coming|past|coming) )?"
_PART_OF_DAY = r"(?: (?:morning|afternoon|evening|night|noon))?"
_QUALIFIER = re.compile(r"^(?:(?:on|in|at|by|since|until|during|of|around|about|as of|"
                        r"early|late|mid|earlier|later|"
                        r"(?:the )?(?:end|start|beginning|middle|first half|second half) of)\b[\s-]*"
                        r"|mid-)+")

FULL_YEAR = re.compile(r"(?:the years? )?(?P<year>\d{4})")
MONTH_YEAR = re.compile(rf"(?P<month>{_MONTH})\.?,?(?: of)? (?P<year>\d{{4}})")
WEEKDAY = re.compile(rf"{_DIRECTION}(?P<day>{_WEEKDAY}){_PART_OF_DAY}")
MONTH_ONLY = re.compile(rf"{_DIRECTION}(?P<month>{_MONTH})\.?")
DAY_WORD = re.compile(rf"(?P<word>yesterday|today|tomorrow|tonight|last night|"
                      rf"the day before yesterday|the day after tomorrow){_PART_OF_DAY}")
AGO = re.compile(r"(?P<n>\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) +
                 r") (?P<unit>day|week|month|year)s? ago")
RELATIVE = re.compile(r"(?P<dir>last|this|next|earlier this|later this|the coming) "
                      r"(?P<unit>week|month|year)")
WEEKEND = re.compile(r"(?:(?P<dir>last|this|next|this past|this coming|the coming|over the|the) )?"
                     r"weekend")
RANGE = re.compile(r"(?:between (?P<a1>.+) and (?P<b1>.+))"
                   r"|(?:(?:from )?(?P<a2>.+?)\s*(?: to | through | until | till |[–—]|"
                   r"(?<=\d)-(?=\d))\s*(?P<b2>.+))")
DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR_WORDS = re.compile(r"\b(?:of )?(?P<dir>this|last|next) year\b")
# Only these go to dateparser: something that anchors a time...
ANCHOR = re.compile(rf"\b(?:{_MONTH}|{_WEEKDAY}|\d{{4}}|ago|yesterday|today|tomorrow|tonight|"
                    rf"fortnight|from now)\b")
# ...and none of these: durations, ages, decades and vague spans give no time.
VAGUE = re.compile(r"\b(?:decades?|centur(?:y|ies)|millenni\w*|\d+0s|\w+-(?:year|month|day)s?\b|"
                   r"years? olds?|olds?|age|aged|daily|weekly|monthly|annual(?:ly)?|every|each|recent|"
                   r"several|few|many|some|over|past \d|season|summer|winter|spring|autumn|fall)\b")


@dataclass(frozen=True)
class When:
    value: str
    datatype: str  # "date", "gYearMonth" or "gYear"
    from_article_date: bool = False
    text: str | None = None  # the date expression as written
    start: str | None = None  # an interval's first day (ISO date); None for a point
    end: str | None = None  # an interval's last day


def time_of(sent: Span, article_date: str | None) -> When | None:
    base = date.fromisoformat(article_date) if article_date else None
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        text = " ".join(ent.text.split())
        found = normalise(text, base, is_future(ent))
        if found:
            return found
    if article_date:
        return When(article_date, "date", True)
    return None


FUTURE_AUX = {"will", "shall", "'ll", "wo"}
FUTURE_HEADS = {"plan", "schedule", "expect", "set", "due", "go", "intend", "aim", "prepare"}


def is_future(ent: Span) -> bool:
    """Whether the verb the expression belongs to is future: "will meet on Sunday", "plans to
    visit next week"."""
    verb = governing_verb(ent.root)
    if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_ in FUTURE_HEADS


@lru_cache(maxsize=4096)
def normalise(text: str, base: date | None, future: bool = False) -> When | None:
    """The time of one date expression, or None; `future` prefers dates after `base`."""
    if len(text) > 80:  # no date expression is that long: a misread span
        return None
    lower = text.lower().strip(" ,.;:")
    lower = re.sub(r"['’]s$", "", lower)
    match = None if ISO.search(lower) else RANGE.fullmatch(lower)
    ends = _ends(match, base, future) if match else None
    if ends:  # a range whose ends are out of order gives no time
        first, start, end = ends
        return When(first.value, first.datatype, text=text, start=start.isoformat(),
                    end=end.isoformat()) if start <= end else None
    point = _point(lower, base, future)
    if isinstance(point, tuple):  # a week or weekend: its Monday or Saturday, as a date
        start, end = point
        return When(start.isoformat(), "date", text=text, start=start.isoformat(),
                    end=end.isoformat())
    return When(point.value, point.datatype, text=text) if point else None


@dataclass(frozen=True)
class _Point:
    value: str
    datatype: str


def _point(lower: str, base: date | None, future: bool) -> _Point | tuple[date, date] | None:
    """A point (value, datatype) or a (first day, last day) pair for weeks and weekends."""
    full = parse_date(lower)
    if full:
        return _Point(full, "date")
    if base is not None and MONTH_WORD.search(lower):
        lower = YEAR_WORDS.sub(lambda m: " " + str(base.year + _step(m.group("dir"))), lower)
        lower = " ".join(lower.split())
        full = parse_date(lower)
        if full:
            return _Point(full, "date")
    core = _QUALIFIER.sub("", lower).strip()
    match = MONTH_YEAR.fullmatch(core)
    if match:
        return _Point(f"{int(match.group('year')):04d}-{_month(match.group('month')):02d}", "gYearMonth")
    match = FULL_YEAR.fullmatch(core)
    if match:
        year = int(match.group("year"))
        return _Point(f"{year:04d}", "gYear") if 1000 <= year <= 2100 else None
    if base is None:
        return None
    return _relative(core, base, future) or _parsed(core, base, future)


def _relative(core: str, base: date, future: bool) -> _Point | tuple[date, date] | None:
    match = DAY_WORD.fullmatch(core)
    if match:
        word = match.group("word")
        shift = {"yesterday": -1, "last night": -1, "the day before yesterday": -2,
                 "tomorrow": 1, "the day after tomorrow": 2}.get(word, 0)
        return _Point((base + timedelta(days=shift)).isoformat(), "date")
    match = WEEKDAY.fullmatch(core)
    if match:
        return _Point(_weekday(WEEKDAYS.index(match.group("day")), match.group("dir"), base,
                               future).isoformat(), "date")
    match = MONTH_ONLY.fullmatch(core)
    if match:
        return _month_only(_month(match.group("month")), match.group("dir"), base, future)
    match = AGO.fullmatch(core)
    if match:
        n = int(match.group("n")) if match.group("n").isdigit() else NUMBERS[match.group("n")]
        return _shifted(base, match.group("unit"), -n)
    match = WEEKEND.fullmatch(core)
    if match:
        direction = {"the coming": "next", "over the": None, "the": None}.get(
            match.group("dir"), match.group("dir"))
        saturday = _weekday(5, direction, base, future)
        return saturday, saturday + timedelta(days=1)
    match = RELATIVE.fullmatch(core)
    if match:
        step = _step(match.group("dir"))
        if match.group("unit") == "week":
            monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
            return monday, monday + timedelta(days=6)
        return _shifted(base, match.group("unit"), step)
    return None


def _parsed(core: str, base: date, future: bool) -> _Point | None:
    """The rest, through dateparser, when it anchors a time and is not a vague span."""
    if not ANCHOR.search(core) or VAGUE.search(core):
        return None
    ahead = future or re.match(r"(?:this )?(?:next|coming)\b", core)  # "next Wednesday, July 31"
    found = _dateparser(core, base, "future" if ahead else "past")
    if found is None:
        return None
    moment, period = found
    if not 1000 <= moment.year <= 2100:
        return None
    if period == "year":
        return _Point(f"{moment.year:04d}", "gYear")
    if period == "month":
        return _Point(f"{moment.year:04d}-{moment.month:02d}", "gYearMonth")
    if period in ("day", "week", "part_of_day"):
        return _Point(moment.date().isoformat(), "date")
    return None  # hours, minutes, seconds: a misreading ("1990s" as seconds)


def _dateparser(text: str, base: date, prefer: str) -> tuple[datetime, str] | None:
    # imported on first use: it takes a while, and most expressions never need it
    from dateparser.date import DateDataParser

    parser = DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True,
        "PARSERS": ["relative-time", "absolute-time"]})
    data = parser.get_date_data(text)
    return (data.date_obj, data.period) if data.date_obj else None


def _ends(match: re.Match, base: date | None, future: bool) -> tuple[_Point, date, date] | None:
    """An explicit range's first end, first day and last day, or None when an end is no date.
    A bare day borrows the other end's month, a missing year the other end's year."""
    a = (match.group("a1") or match.group("a2")).strip()
    b = (match.group("b1") or match.group("b2")).strip()
    month_a, month_b = MONTH_WORD.search(a), MONTH_WORD.search(b)
    if month_a and not month_b and DAY_NUMBER.match(b):
        b = f"{month_a.group(0)} {b}"
    elif month_b and not month_a and DAY_NUMBER.fullmatch(a):
        a = f"{a} {month_b.group(0)}"
    year_a, year_b = re.search(r"\b\d{4}\b", a), re.search(r"\b\d{4}\b", b)
    if year_b and not year_a and MONTH_WORD.search(a):
        a = f"{a} {year_b.group(0)}"
    elif year_a and not year_b and MONTH_WORD.search(b):
        b = f"{b} {year_a.group(0)}"
    elif year_a and re.fullmatch(r"\d{4}", a) and re.fullmatch(r"\d{2}", b):  # "2022-23"
        b = a[:2] + b
    first, last = _point(a, base, future), _point(b, base, future)
    if not isinstance(first, _Point) or not isinstance(last, _Point):
        return None
    start, end = _bounds(first)[0], _bounds(last)[1]
    if end < start and not future:  # "March 10 to March 20" on March 14: the end is not past
        later = _point(b, base, True)
        end = _bounds(later)[1] if isinstance(later, _Point) else end
    return first, start, end


def _bounds(point: _Point) -> tuple[date, date]:
    if point.datatype == "date":
        day = date.fromisoformat(point.value)
        return day, day
    if point.datatype == "gYearMonth":
        year, month = (int(p) for p in point.value.split("-"))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    year = int(point.value)
    return date(year, 1, 1), date(year, 12, 31)


def _step(direction: str | None) -> int:
    return {"last": -1, "past": -1, "this past": -1, "next": 1, "coming": 1, "this coming": 1,
            "the coming": 1}.get(direction or "", 0)


def _month(name: str) -> int:
    return [m[:3] for m in MONTHS].index(name[:3]) + 1


def _weekday(target: int, direction: str | None, base: date, future: bool) -> date:
    """The weekday `target` (0 = Monday): "this" in the article's week, "last" the most recent
    before the article's day, "next" the first after it; otherwise the most recent not after
    it (the first not before it when `future`)."""
    if direction == "this":
        return base + timedelta(days=target - base.weekday())
    back = (base.weekday() - target) % 7
    if direction in ("last", "past", "this past"):
        return base - timedelta(days=back or 7)
    ahead = (target - base.weekday()) % 7
    if direction in ("next", "coming", "this coming"):
        return base + timedelta(days=ahead or 7)
    return base + timedelta(days=ahead) if future else base - timedelta(days=back)


def _month_only(month: int, direction: str | None, base: date, future: bool) -> _Point:
    """A month without a year: "this" in the article's year, "last" the most recent before the
    article's month, "next" the first after it; otherwise the most recent not after it (the first
    not before it when `future`)."""
    year = base.year
    if direction in ("last", "past", "this past"):
        year = base.year if month < base.month else base.year - 1
    elif direction in ("next", "coming", "this coming"):
        year = base.year if month > base.month else base.year + 1
    elif direction != "this":
        if future:
            year = base.year if month >= base.month else base.year + 1
        else:
            year = base.year if month <= base.month else base.year - 1
    return _Point(f"{year:04d}-{month:02d}", "gYearMonth")


def _shifted(base: date, unit: str, n: int) -> _Point:
    """The day, month or year `n` units from `base` (weeks are days)."""
    if unit in ("day", "week"):
        return _Point((base + timedelta(days=n * (7 if unit == "week" else 1))).isoformat(), "date")
    if unit == "month":
        index = base.year * 12 + base.month - 1 + n
        return _Point(f"{index // 12:04d}-{index % 12 + 1:02d}", "gYearMonth")
    return _Point(f"{base.year + n:04d}", "gYear")
