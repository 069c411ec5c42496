"""When a fact happened: a date expression of its sentence, normalised against the article date.

Handles full dates ("March 14, 2023"), months with or without a year ("in February",
"February of 2022"), years ("in 2019"), weekdays ("on Sunday") and yesterday/today/tomorrow.
Anything else falls back to the article's date, marked as such.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Span

from .articles import MONTHS, parse_date

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class When:
    value: str
    datatype: str  # "date", "gYearMonth" or "gYear"
    from_article_date: bool = False
    text: str | None = None


def time_of(sent: Span, article_date: str | None) -> When | None:
    base = date.fromisoformat(article_date) if article_date else None
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        found = normalise(ent.text, base)
        if found:
            return found
    if article_date:
        return When(article_date, "date", True)
    return None


def normalise(text: str, base: date | None) -> When | None:
    lower = text.lower().strip()
    full = parse_date(text)
    if full:
        return When(full, "date", text=text)
    month = next((i + 1 for i, m in enumerate(MONTHS) if re.search(rf"\b{m}\b", lower)), None)
    year_match = re.search(r"\b(1[89]\d\d|20\d\d)\b", lower)
    if month and year_match:
        return When(f"{int(year_match.group(1)):04d}-{month:02d}", "gYearMonth", text=text)
    if year_match and re.fullmatch(r"(in |the year )?\d{4}", lower):
        return When(year_match.group(1), "gYear", text=text)
    if base is None:
        return None
    if month and re.fullmatch(r"(early |late |mid-?)?[a-z]+", lower):
        year = base.year if month <= base.month else base.year - 1
        return When(f"{year:04d}-{month:02d}", "gYearMonth", text=text)
    if lower in WEEKDAYS:
        back = (base.weekday() - WEEKDAYS.index(lower)) % 7 or 7
        return When((base - timedelta(days=back)).isoformat(), "date", text=text)
    offsets = {"yesterday": -1, "today": 0, "tomorrow": 1}
    if lower in offsets:
        return When((base + timedelta(days=offsets[lower])).isoformat(), "date", text=text)
    return None
