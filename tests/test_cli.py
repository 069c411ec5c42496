"""The `kg` command line: build, query and render through click's CliRunner (in process, with
the session spaCy pipeline patched in), plus the installed console script once for the help
and a query. Every failure is one clear line, never a traceback."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c579be2394bfa4f1.txt"
GOOD = "Title: Good\nDate: 2023-03-14\n\nChinese President Xi Jinping visited Moscow on Monday.\n"
SUMMARY = re.compile(r"^built (\d+) articles?: (\d+) entities, (\d+) facts in \d+\.\d s -> ", re.M)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def session_nlp(monkeypatch, nlp):
    """`kg build` in process without loading spaCy again."""
    import kg.builder
    import kg.nlp

    monkeypatch.setattr(kg.builder, "load_pipeline", lambda *args, **kwargs: nlp)
    monkeypatch.setattr(kg.nlp, "load_pipeline", lambda *args, **kwargs: nlp)
    return nlp


@pytest.fixture(scope="module")
def graph(seed_build):
    return str(seed_build.out_dir / "graph.trig")


def run(runner, *args):
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_error_line(result, *fragments):
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# ---------------------------------------------------------------- help

def test_help(runner):
    result = run(runner, "--help")
    assert result.exit_code == 0
    for command in ("build", "query", "render"):
        assert command in result.output
    result = run(runner, "build", "--help")
    assert result.exit_code == 0
    assert "--output" in result.output and "INPUTS" in result.output
    for command in ("query", "render"):
        assert run(runner, command, "--help").exit_code == 0


def test_console_script(graph):
    """The installed `kg` entry point (no spaCy needed for help and query)."""
    kg_script = shutil.which("kg") or str(Path(sys.executable).with_name("kg"))
    done = subprocess.run([kg_script, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "build" in done.stdout
    done = subprocess.run([kg_script, "query", graph, "--name", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "unknown query 'nope'" in done.stderr


# ---------------------------------------------------------------- build

def test_build_prints_the_summary(runner, session_nlp, tmp_path):
    out = tmp_path / "out"
    result = run(runner, "build", SEED, "-o", out)
    assert result.exit_code == 0, result.output
    match = SUMMARY.search(result.stdout)
    assert match, result.stdout
    assert match.group(1) == "1" and int(match.group(2)) > 10 and int(match.group(3)) > 10
    assert str(out / "graph.trig") in result.stdout
    assert result.stderr == ""
    for name in ("graph.trig", "graph.ttl", "graph.html"):
        assert (out / name).is_file()


def test_build_with_bad_inputs_skips_them_and_fails(runner, session_nlp, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "feed.jsonl").write_text('{"id": "ok", "text": "Russia invaded Ukraine."}\n{oops\n',
                                       encoding="utf-8")
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out"
    result = run(runner, "build", folder, missing, "-o", out)
    assert result.exit_code == 1
    skipped = result.stderr.strip().splitlines()
    assert len(skipped) == 3, skipped
    assert skipped[0] == f"kg: skipped {folder / 'empty.txt'}: empty file"
    assert skipped[1].startswith(f"kg: skipped {folder / 'feed.jsonl'}:2: not valid JSON: ")
    assert skipped[2] == f"kg: skipped {missing}: no such file or folder"
    match = SUMMARY.search(result.stdout)
    assert match and match.group(1) == "2", result.stdout
    assert "skipped 3 inputs" in result.stdout
    assert (out / "graph.trig").is_file()


def test_build_with_nothing_buildable(runner, session_nlp, tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = run(runner, "build", tmp_path / "empty.txt", tmp_path / "missing.txt",
                 "-o", tmp_path / "out")
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert lines[:2] == [f"kg: skipped {tmp_path / 'empty.txt'}: empty file",
                         f"kg: skipped {tmp_path / 'missing.txt'}: no such file or folder"]
    assert lines[2:] == ["Error: no article could be built from the input; nothing written"]
    assert not (tmp_path / "out" / "graph.trig").exists()


def test_build_into_a_file_is_a_clear_error(runner, session_nlp, tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = run(runner, "build", tmp_path / "good.txt", "-o", tmp_path / "afile" / "out")
    one_error_line(result, str(tmp_path / "afile" / "out"), "cannot create the output folder")


def test_build_needs_an_input(runner):
    result = run(runner, "build")
    assert result.exit_code == 2 and "Missing argument" in result.output


# ---------------------------------------------------------------- query

def test_query_canned_visits(runner, graph):
    result = run(runner, "query", graph, "--name", "visits")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["visitor", "visited"]
    assert set(lines[1]) <= {"-", " "}
    assert re.fullmatch(r"\(\d+ rows\)", lines[-1])
    assert any("Xi Jinping" in line and "Moscow" in line and "planned" in line for line in lines)


def test_query_expression(runner, graph):
    sparql = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
              "SELECT ?label WHERE { <https://kg.example.org/id/xi-jinping> rdfs:label ?label }")
    result = run(runner, "query", graph, "-e", sparql, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "label\nXi Jinping\n"


def test_query_rq_file_and_ask(runner, graph, tmp_path):
    rq = tmp_path / "count.rq"
    rq.write_text("PREFIX kg: <https://kg.example.org/ontology#>\n"
                  "SELECT (COUNT(?f) AS ?n) WHERE { ?f a kg:Fact }\n", encoding="utf-8")
    result = run(runner, "query", rq, graph, "-f", "tsv")
    assert result.exit_code == 0, result.output
    header, value = result.stdout.splitlines()
    assert header == "n" and int(value) > 10
    result = run(runner, "query", graph, "-e", "ASK { ?s ?p ?o }")
    assert result.exit_code == 0 and result.stdout == "true\n"


def test_query_formats(runner, graph):
    def query(fmt):
        result = run(runner, "query", graph, "--name", "visits", "--format", fmt)
        assert result.exit_code == 0, result.output
        return result.stdout

    rows = list(csv.reader(io.StringIO(query("csv"))))
    assert rows[0][:2] == ["visitor", "visited"]
    assert ["Xi Jinping", "Moscow"] in [r[:2] for r in rows[1:]]
    tsv = [line.split("\t") for line in query("tsv").splitlines()]
    assert tsv[0] == rows[0] and len(tsv) == len(rows)
    assert all(len(r) == len(tsv[0]) for r in tsv)
    data = json.loads(query("json"))
    assert set(data["head"]["vars"]) == set(rows[0])
    assert len(data["results"]["bindings"]) == len(rows) - 1
    table = query("table")
    assert table.splitlines()[-1] == f"({len(rows) - 1} rows)"
    result = run(runner, "query", graph, "--name", "visits", "--format", "xml")
    assert result.exit_code == 2 and "Invalid value" in result.output


def test_query_list(runner):
    result = run(runner, "query", "--list")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"visits", "entity", "facts", "entities"} <= set(names)
    assert names == sorted(names)
    entity_line = next(line for line in result.stdout.splitlines() if line.startswith("entity "))
    assert "--param entity=..." in entity_line


def test_query_entity_param(runner, graph):
    result = run(runner, "query", graph, "--name", "entity", "--param", "entity=Xi Jinping",
                 "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) >= 5
    assert all("Xi Jinping" in (r["subject"], r["object"]) for r in rows)
    assert {"visits", "leads"} <= {r["relation"] for r in rows}
    # an alternative label finds the same node; a hostile value is only ever a value
    same = run(runner, "query", graph, "-n", "entity", "-p", "entity=xi", "-f", "csv")
    assert same.stdout == result.stdout
    hostile = run(runner, "query", graph, "-n", "entity", "-p", 'entity=x" ) } #', "-f", "csv")
    assert hostile.exit_code == 0 and hostile.stdout.splitlines()[1:] == []


@pytest.mark.parametrize("args,fragments", [
    (["-e", "SELECT ?x WHERE { ?x "], ["SPARQL syntax error"]),
    (["--name", "nope"], ["unknown query 'nope'", "visits"]),
    (["--name", "entity"], ["missing parameter 'entity'"]),
    (["--name", "entity", "-p", "entity=Xi", "-p", "colour=red"], ["unknown parameter 'colour'"]),
    (["--name", "entity", "-p", "entity"], ["expected NAME=VALUE"]),
    (["--name", "visits", "-e", "ASK {}"], ["give one query"]),
    ([], ["give one query"]),
])
def test_query_errors(runner, graph, args, fragments):
    one_error_line(run(runner, "query", graph, *args), *fragments)


def test_query_missing_or_bad_graph(runner, tmp_path):
    missing = tmp_path / "nope.trig"
    one_error_line(run(runner, "query", missing, "--name", "visits"), f"{missing}: no such file")
    bad = tmp_path / "bad.trig"
    bad.write_text("<a> <b> {\n", encoding="utf-8")
    one_error_line(run(runner, "query", bad, "--name", "visits"), str(bad), "cannot parse")
    one_error_line(run(runner, "query", "--name", "visits"), "name at least one graph file")


# ---------------------------------------------------------------- render

def test_render(runner, graph, tmp_path):
    page = tmp_path / "all.html"
    result = run(runner, "render", graph, "-o", page)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {page}\n"
    text = page.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "Yevgeny Prigozhin" in text

    focused = tmp_path / "xi.html"
    result = run(runner, "render", graph, "-o", focused, "--focus", "Xi Jinping", "--depth", "1",
                 "--relation", "visits")
    assert result.exit_code == 0, result.output
    text = focused.read_text(encoding="utf-8")
    assert "Xi Jinping" in text and "Moscow" in text
    assert "Yevgeny Prigozhin" not in text  # not a neighbour of Xi by a visit


def test_render_errors(runner, graph, tmp_path):
    page = tmp_path / "x.html"
    one_error_line(run(runner, "render", graph, "-o", page, "--focus", "Nobody At All"),
                   "no entity named 'Nobody At All'")
    one_error_line(run(runner, "render", graph, "-o", page, "--relation", "likes"),
                   "unknown relation", "likes")
    one_error_line(run(runner, "render", tmp_path / "nope.trig", "-o", page), "no such file")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    one_error_line(run(runner, "render", graph, "-o", tmp_path / "afile" / "x.html"),
                   "cannot write")
    assert not page.exists()
    result = run(runner, "render", graph)
    assert result.exit_code == 2 and "--output" in result.output
