"""Reading articles: .txt files (with or without a header block) and .jsonl/.json collections.

`read_articles(paths)` yields `Article` objects one at a time, and `Problem` objects for input
that could not be read (each naming the file and, where it applies, the line), so that one bad
file never stops a batch.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

TEXT_SUFFIXES = {".txt"}
COLLECTION_SUFFIXES = {".jsonl", ".json"}
HEADER_KEYS = {"title", "date", "source", "url", "license", "id"}
HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z-]*):\s*(.*)$")
MONTHS = ("january february march april may june july august september october "
          "november december").split()
_MONTH = r"(?:" + "|".join(m for m in MONTHS) + r"|" + "|".join(m[:3] for m in MONTHS) + r")\.?"
DATE_PATTERNS = [
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"),  # also 2023-03-14T09:30:00Z
    re.compile(r"\b(?P<month>" + _MONTH + r")\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b(?P<day>\d{1,2})\s+(?P<month>" + _MONTH + r")\s+(?P<year>\d{4})\b", re.I),
]
READING_TIME = re.compile(r"^(estimated )?reading time\b|^\d+\s*min(ute)?s?\s+read\b", re.I)


@dataclass
class Article:
    """One news article: its metadata and body text."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when known
    url: str | None = None
    source: str | None = None
    license: str | None = None
    origin: str = ""  # file (and line) it came from, for messages


@dataclass
class Problem:
    """Input that was skipped, with a one-line reason naming the file (and line)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def slugify_id(text: str) -> str:
    """An article id safe for IRIs: letters, digits, '-', '_' and '.' only."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-.")
    return slug or "article"


def parse_date(text: str | None) -> str | None:
    """The first calendar date written in `text`, as ISO yyyy-mm-dd, or None."""
    if not text:
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        try:
            if match.groupdict():
                value = date(int(match.group("year")), _month_number(match.group("month")),
                             int(match.group("day")))
            else:
                value = date(*(int(g) for g in match.groups()))
        except ValueError:
            continue
        return value.isoformat()
    return None


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    return [m[:3] for m in MONTHS].index(key) + 1


def find_inputs(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    """Expand files and folders into article files, in a stable (sorted) order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | COLLECTION_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not files:
                yield Problem(str(path), "folder holds no .txt, .jsonl or .json articles")
            yield from files
        elif path.is_file():
            if path.suffix.lower() in TEXT_SUFFIXES | COLLECTION_SUFFIXES:
                yield path
            else:
                yield Problem(str(path), f"unsupported file type {path.suffix or '(none)'}; "
                                         "expected .txt, .jsonl or .json")
        else:
            yield Problem(str(path), "no such file or folder")


def count_articles(paths: Iterable[Path | Problem]) -> int:
    """A cheap count of the articles the inputs hold (lines of JSONL, one per .txt)."""
    total = 0
    for path in paths:
        if isinstance(path, Problem):
            continue
        if path.suffix.lower() == ".jsonl":
            try:
                with open(path, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:  # reported when the file is read
                continue
        else:
            total += 1
    return total


def read_articles(paths: Iterable[str | Path]) -> Iterator[Article | Problem]:
    """Yield every article of the inputs, or a Problem for each thing that could not be read."""
    for item in find_inputs(paths):
        if isinstance(item, Problem):
            yield item
        elif item.suffix.lower() in TEXT_SUFFIXES:
            yield read_text_file(item)
        else:
            yield from read_collection(item)


def _decode(path: Path) -> str | Problem:
    try:
        data = path.read_bytes()
    except OSError as err:
        return Problem(str(path), f"cannot read: {err.strerror}")
    if b"\x00" in data[:8192]:
        return Problem(str(path), "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return Problem(f"{path}:{line}", "not valid UTF-8 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: Path) -> Article | Problem:
    """Read one .txt article: an optional `Key: value` header block, a blank line, the body."""
    text = _decode(path)
    if isinstance(text, Problem):
        return text
    if not text.strip():
        return Problem(str(path), "empty file")
    header, body = split_header(text)
    if not body.strip():
        return Problem(str(path), "article has no text")
    title = header.get("title")
    published = parse_date(header.get("date"))
    if title is None or published is None:
        guessed_title, guessed_date = guess_title_and_date(body)
        title = title or guessed_title
        published = published or guessed_date
    return Article(id=slugify_id(header.get("id") or path.stem), text=body, title=title,
                   date=published, url=header.get("url"), source=header.get("source"),
                   license=header.get("license"), origin=str(path))


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split a leading block of `Key: value` lines (known keys only) from the body."""
    lines = text.split("\n")
    header: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            if header:
                return header, "\n".join(lines[index + 1:])
            return {}, text
        match = HEADER_LINE.match(line)
        if not match or match.group(1).lower() not in HEADER_KEYS:
            return {}, text
        header[match.group(1).lower()] = match.group(2).strip()
    return {}, text


def guess_title_and_date(body: str) -> tuple[str | None, str | None]:
    """Without a header: the title is the first real line; the date the first one written."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    title = None
    for line in lines[:5]:
        if READING_TIME.search(line) or parse_date(line) and len(line) < 40:
            continue
        title = line
        break
    published = None
    for line in lines[:12]:
        published = parse_date(line)
        if published:
            break
    return title, published


def read_collection(path: Path) -> Iterator[Article | Problem]:
    """Read a .jsonl file (one object a line) or a .json file (an object or a list of them)."""
    text = _decode(path)
    if isinstance(text, Problem):
        yield text
        return
    if not text.strip():
        yield Problem(str(path), "empty file")
        return
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            yield Problem(f"{path}:{err.lineno}", f"not valid JSON: {err.msg}")
            return
        records = data if isinstance(data, list) else [data]
        for number, record in enumerate(records, 1):
            yield _from_record(record, f"{path}[{number}]", f"{path.stem}-{number}")
        return
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(f"{path}:{number}", f"not valid JSON: {err.msg}")
            continue
        yield _from_record(record, f"{path}:{number}", f"{path.stem}-{number}")


def _from_record(record, where: str, fallback_id: str) -> Article | Problem:
    if not isinstance(record, dict):
        return Problem(where, "expected a JSON object with a 'text' field")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        return Problem(where, "article has no text")
    published = record.get("date")
    published = parse_date(str(published)) if published else None
    if published is None:
        published = guess_title_and_date(body)[1]

    def field(name):
        value = record.get(name)
        return str(value).strip() if value not in (None, "") else None

    return Article(id=slugify_id(str(record.get("id") or fallback_id)),
                   text=body.replace("\r\n", "\n"), title=field("title") or
                   guess_title_and_date(body)[0], date=published, url=field("url"),
                   source=field("source"), license=field("license"), origin=where)
