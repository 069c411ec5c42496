"""Reading articles (kg.articles): .txt with and without a header, .jsonl and .json
collections, and bad input that becomes a `Problem` naming the file (and line) while the rest
of a batch still reads. No spaCy here: these tests are fast."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.articles import Article, Problem, find_inputs, parse_date, read_articles, read_text_file

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_c579be2394bfa4f1.txt"

HEADED = """Title: Germany bans Mahan Air of Iran
Date: Wednesday, January 23, 2019
Source: English Wikinews
URL: https://en.wikinews.org/wiki/Germany_bans_Mahan_Air
License: CC BY 2.5

Germany banned Iran's Mahan Air on Monday.

The ban takes effect at once.
"""


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def articles_and_problems(paths):
    items = list(read_articles(paths))
    return ([i for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, Problem)])


# ---------------------------------------------------------------- .txt

def test_txt_with_header_block(tmp_path):
    path = write(tmp_path / "mahan.txt", HEADED)
    article = read_text_file(path)
    assert isinstance(article, Article)
    assert article.id == "mahan"
    assert article.title == "Germany bans Mahan Air of Iran"
    assert article.date == "2019-01-23"  # "Wednesday, January 23, 2019" normalised to ISO
    assert article.source == "English Wikinews"
    assert article.url == "https://en.wikinews.org/wiki/Germany_bans_Mahan_Air"
    assert article.license == "CC BY 2.5"
    # the body is what follows the blank line: no header lines in it
    assert article.text.startswith("Germany banned Iran's Mahan Air on Monday.")
    assert "Title:" not in article.text and "License:" not in article.text
    assert article.origin == str(path)


@pytest.mark.parametrize("written,iso", [
    ("2023-03-14", "2023-03-14"),
    ("14 March 2023", "2023-03-14"),
    ("March 14, 2023", "2023-03-14"),
    ("Mar. 14, 2023", "2023-03-14"),
    ("Tue, 14 Mar 2023 09:30:00 GMT", "2023-03-14"),
    ("2023-03-14T09:30:00Z", "2023-03-14"),  # ISO date-time, common in feeds
    ("no date here", None),
    ("2023-02-30", None),  # not a calendar date
])
def test_parse_date(written, iso):
    assert parse_date(written) == iso


def test_header_date_time_and_crlf(tmp_path):
    text = "Title: A\r\nDate: 2023-03-14T09:30:00+01:00\r\n\r\nRussia invaded Ukraine.\r\n"
    article = read_text_file(write(tmp_path / "crlf.txt", text.encode("utf-8")))
    assert article.title == "A" and article.date == "2023-03-14"
    assert "\r" not in article.text


def test_txt_without_header_takes_title_and_date_from_text():
    # reading-time line, title, subtitle, the date written twice, then the body
    article = read_text_file(SEED)
    assert isinstance(article, Article)
    assert article.id == "000_c579be2394bfa4f1"
    assert article.title == "Xi could visit Putin, speak to Zelenskiy \u2018next week\u2019"
    assert article.date == "2023-03-14"
    assert article.source is None and article.url is None
    # without a header the body is the whole file, so offsets count from its first character
    assert article.text == SEED.read_text(encoding="utf-8")


def test_header_like_first_paragraph_is_body(tmp_path):
    # "Kyiv: ..." is not a known header key, so the text stays the body
    text = "Kyiv: Russia attacked Kyiv overnight, March 14, 2023.\n\nMore followed.\n"
    article = read_text_file(write(tmp_path / "kyiv.txt", text))
    assert article.text == text
    assert article.date == "2023-03-14"


# ---------------------------------------------------------------- .jsonl / .json

RECORDS = [
    {"id": "a1", "title": "Xi visits Moscow", "date": "March 20, 2023",
     "url": "https://example.org/a1", "source": "Reuters",
     "text": "Chinese President Xi Jinping visited Moscow on Monday."},
    {"id": "a2", "title": "Biden in Kyiv", "date": "2023-02-20", "url": "https://example.org/a2",
     "source": "AP", "text": "US President Joe Biden travelled to Kyiv."},
]


def test_jsonl_collection(tmp_path):
    path = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n\n")
    found, problems = articles_and_problems([path])
    assert problems == []
    assert [a.id for a in found] == ["a1", "a2"]
    first = found[0]
    assert first.title == "Xi visits Moscow"
    assert first.date == "2023-03-20"
    assert first.url == "https://example.org/a1"
    assert first.source == "Reuters"
    assert first.text == RECORDS[0]["text"]
    assert first.origin == f"{path}:1"
    assert found[1].origin == f"{path}:2"


def test_json_list_and_single_object(tmp_path):
    listed = write(tmp_path / "list.json", json.dumps(RECORDS))
    single = write(tmp_path / "one.json", json.dumps(RECORDS[1]))
    found, problems = articles_and_problems([listed, single])
    assert problems == []
    assert [a.id for a in found] == ["a1", "a2", "a2"]
    assert found[2].source == "AP" and found[2].date == "2023-02-20"


def test_json_record_without_id_gets_one_from_the_file(tmp_path):
    path = write(tmp_path / "feed.jsonl", json.dumps({"text": "Russia invaded Ukraine."}) + "\n")
    (article,) = read_articles([path])
    assert article.id == "feed-1"
    assert article.title == "Russia invaded Ukraine."


# ---------------------------------------------------------------- bad input

GOOD = "Title: Good\nDate: 2023-03-14\n\nRussia invaded Ukraine.\n"


def test_bad_inputs_each_give_a_problem_and_the_rest_reads(tmp_path):
    good = write(tmp_path / "good.txt", GOOD)
    empty = write(tmp_path / "empty.txt", "")
    blank = write(tmp_path / "blank.txt", "  \n\n  \n")
    binary = write(tmp_path / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    latin1 = write(tmp_path / "latin1.txt", "Title: Munich\n\nM\u00fcnchen\n".encode("latin-1"))
    feed = write(tmp_path / "feed.jsonl",
                 json.dumps(RECORDS[0]) + "\n"
                 + '{"id": "broken", "text": \n'
                 + json.dumps({"id": "notext", "title": "No text"}) + "\n"
                 + json.dumps({"id": "blanktext", "text": "   "}) + "\n"
                 + "[1, 2]\n"
                 + json.dumps(RECORDS[1]) + "\n")
    bad_json = write(tmp_path / "bad.json", '{"id": "x",\n "text": }')
    missing = tmp_path / "missing.txt"
    unsupported = write(tmp_path / "notes.pdf", "%PDF-1.4")
    empty_dir = tmp_path / "empty-dir"
    empty_dir.mkdir()
    write(empty_dir / "readme.md", "not an article")

    inputs = [good, empty, blank, binary, latin1, feed, bad_json, missing, unsupported, empty_dir]
    found, problems = articles_and_problems(inputs)

    assert [a.id for a in found] == ["good", "a1", "a2"]
    messages = [str(p) for p in problems]
    assert len(messages) == 12, messages
    expected = [
        f"{empty}: empty file",
        f"{blank}: empty file",
        f"{binary}: binary file",
        f"{latin1}:3: not valid UTF-8",  # the first undecodable byte is on line 3
        f"{feed}:2: not valid JSON",
        f"{feed}:3: article has no text",
        f"{feed}:4: article has no text",
        f"{feed}:5: expected a JSON object",
        f"{bad_json}:2: not valid JSON",
        f"{missing}: no such file or folder",
        f"{unsupported}: unsupported file type .pdf",
    ]
    for message, start in zip(messages[:-1], expected):
        assert message.startswith(start), (message, start)
    assert messages[-1] == f"{empty_dir}: folder holds no .txt, .jsonl or .json articles"
    # every message is one line
    assert all("\n" not in m for m in messages)


def test_binary_file_with_nul_bytes_in_a_collection(tmp_path):
    path = write(tmp_path / "dump.jsonl", b'{"text": "a"}\n\x00\x01\x02')
    (problem,) = read_articles([path])
    assert isinstance(problem, Problem)
    assert str(problem) == f"{path}: binary file, not text"


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    path = write(tmp_path / "bom.txt", "\ufeffTitle: T\n\nRussia invaded Ukraine.\n".encode("utf-8"))
    article = read_text_file(path)
    assert article.title == "T"
    assert article.text == "Russia invaded Ukraine.\n"


# ---------------------------------------------------------------- folders

def test_folder_expansion_is_sorted_recursive_and_stable(tmp_path):
    root = tmp_path / "corpus"
    for name in ["b.txt", "a.jsonl", "sub/c.txt", "sub/a.json", "Z.txt", "skip.md",
                 ".hidden/x.txt", ".dot.txt"]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(GOOD, encoding="utf-8")
    first = [p.relative_to(root).as_posix() for p in find_inputs([root])]
    assert first == sorted(first)
    assert set(first) == {"Z.txt", "a.jsonl", "b.txt", "sub/a.json", "sub/c.txt"}
    again = [p.relative_to(root).as_posix() for p in find_inputs([root])]
    assert again == first
    # explicit paths keep the order given
    files = list(find_inputs([root / "b.txt", root / "Z.txt"]))
    assert [p.name for p in files] == ["b.txt", "Z.txt"]
