"""`kg evaluate` and kg.evaluate: the same figures as the project's fact scorer
(tests/data/score.py) on the seed and development builds and on small hand-written graphs, the
per-article rows, gold-file errors, and the command line (text, JSON, exit codes)."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.errors import KgError
from kg.evaluate import NO_DOC, GoldFact, evaluate, format_report, load_gold

DATA = Path(__file__).resolve().parent / "data"
SCORER = DATA / "score.py"

PREFIXES = """\
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <https://ex.org/ontology#> .
@prefix e: <https://ex.org/id/> .
@prefix f: <https://ex.org/fact/> .
"""
NAMES = """\
e:xi rdfs:label "Xi Jinping" ; skos:altLabel "Xi" ; owl:sameAs <http://www.wikidata.org/entity/Q15031> .
e:moscow rdfs:label "Moscow" .
e:putin rdfs:label "Vladimir Putin" .
e:china rdfs:label "China" .
e:russia rdfs:label "Russia" .
e:reuters rdfs:label "Reuters" .
e:tass rdfs:label "TASS" .
e:who owl:sameAs <http://www.wikidata.org/entity/Q7747> .
"""


def fact(node: str, s: str, p: str, o: str, modality: str = "asserted", extra: str = "") -> str:
    """One statement node in Turtle."""
    return (f"f:{node} rdf:subject e:{s} ; rdf:predicate ex:{p} ; rdf:object e:{o} ; "
            f"ex:modality ex:{modality} ; prov:wasDerivedFrom e:sentence {extra}.\n")


def gold_line(id: str, s, p, o, **more) -> str:
    return json.dumps({"id": id, "s": s, "p": p, "o": o, **more})


def load_scorer():
    spec = importlib.util.spec_from_file_location("kg_test_score_evaluate", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scorer_json(gold: Path, graph: Path) -> dict:
    """The scorer's --json output, run as its own process."""
    done = subprocess.run([sys.executable, str(SCORER), str(gold), str(graph), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def totals(result) -> dict:
    """kg's JSON without the per-article rows and the modality misses: exactly the scorer's keys."""
    data = result.as_dict()
    data.pop("docs")
    data.pop("wrong_modality")
    return data


def score_both(tmp_path: Path, gold: list[str], trig: str):
    """Write a gold file and a TriG graph, score them with kg and with the scorer (in process),
    check they agree and return kg's Evaluation."""
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("\n".join(gold) + "\n", encoding="utf-8")
    graph = tmp_path / "graph.trig"
    graph.write_text(PREFIXES + NAMES + trig, encoding="utf-8")
    result = evaluate(load_gold(gold_file), [graph])
    scorer = load_scorer()
    expected = scorer.score([json.loads(line) for line in gold], scorer.load([str(graph)]))
    assert totals(result) == expected
    return result


def in_graph(name: str, *facts: str) -> str:
    return f"<https://ex.org/graph/{name}> {{\n{''.join(facts)}}}\n"


# ---------------------------------------------------------------- the builds score as the scorer says

@pytest.fixture(scope="module")
def dev_build(tmp_path_factory, nlp):
    out = tmp_path_factory.mktemp("dev")
    return kg.build([DATA / "dev"], out, nlp=nlp, html=False)


@pytest.mark.parametrize("name", ["seed", "dev"])
@pytest.mark.parametrize("graph_file", ["graph.trig", "graph.ttl"])
def test_build_totals_equal_the_scorer(request, name, graph_file):
    report = request.getfixturevalue(f"{name}_build")
    gold = DATA / "gold" / f"{name}.jsonl"
    graph = report.out_dir / graph_file
    result = evaluate(gold, [graph])
    assert totals(result) == scorer_json(gold, graph)


def test_dev_rows_split_the_totals(dev_build):
    gold = load_gold(DATA / "gold" / "dev.jsonl")
    result = evaluate(gold, [dev_build.out_dir / "graph.trig"])
    docs = sorted({g.doc for g in gold})
    assert [row.doc for row in result.docs] == docs
    assert sum(row.gold for row in result.docs) == result.gold == 56
    assert sum(row.found for row in result.docs) == result.found
    assert sum(row.statements for row in result.docs) == result.statements
    for row in result.docs:
        assert row.precision == row.true_positives / row.triples
        assert row.recall == row.found / row.gold


def test_seed_report_text_ends_with_the_scorer_lines(seed_build):
    gold = DATA / "gold" / "seed.jsonl"
    graph = seed_build.out_dir / "graph.trig"
    done = subprocess.run([sys.executable, str(SCORER), str(gold), str(graph), "--show"],
                          capture_output=True, text=True, check=True)
    report = format_report(evaluate(gold, [graph]), show=True)
    scorer_lines = done.stdout.splitlines()
    lines = report.splitlines()
    assert lines[-2:] == scorer_lines[-2:]
    shown = [line for line in lines if line.startswith(("missed ", "extra "))]
    assert shown == scorer_lines[:-2]
    assert "000_c579be2394bfa4f1" in report


def test_api_is_lazy_and_callable_after_importing_the_module(seed_build):
    code = ("import sys, kg; assert 'kg.evaluate' not in sys.modules; "
            "a = kg.evaluate(sys.argv[1], sys.argv[2]); import kg.evaluate; "
            "b = kg.evaluate(sys.argv[1], [sys.argv[2]]); "
            "from kg.evaluate import load_gold; print(a.f1 == b.f1, len(load_gold(sys.argv[1])))")
    done = subprocess.run([sys.executable, "-c", code, str(DATA / "gold" / "seed.jsonl"),
                           str(seed_build.out_dir / "graph.trig")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", str(len(load_gold(DATA / "gold" / "seed.jsonl")))]


# ---------------------------------------------------------------- hand-written cases

def test_regex_names_match_the_whole_normalised_name(tmp_path):
    result = score_both(tmp_path, [
        gold_line("r1", ["re:xi( jinping)?"], "visits", ["re:mos.*"]),
        gold_line("r2", ["re:jinping"], "visits", ["Moscow"]),  # not the whole name
    ], in_graph("a", fact("f1", "xi", "visits", "moscow")))
    assert [g.id for g in result.missed] == ["r2"]
    assert (result.found, result.gold, result.precision) == (1, 2, 1.0)


def test_a_list_of_relations_accepts_any_of_them(tmp_path):
    result = score_both(tmp_path, [
        gold_line("l1", ["China"], ["accuses", "opposes"], ["Russia"]),
    ], in_graph("a", fact("f1", "china", "opposes", "russia")))
    assert (result.found, result.precision, result.missed) == (1, 1.0, [])


def test_optional_facts_are_credited_but_never_missed(tmp_path):
    result = score_both(tmp_path, [
        gold_line("o1", ["Xi"], "visits", ["Moscow"], required=False),
        gold_line("o2", ["Xi"], "visits", ["Russia"], required=False),
        gold_line("o3", ["Putin"], "invites", ["Xi"]),
    ], in_graph("a", fact("f1", "xi", "visits", "moscow")))
    assert (result.gold, result.found, result.true_positives, result.triples) == (1, 0, 1, 1)
    assert [g.id for g in result.missed] == ["o3"]


def test_wikidata_names_match_owl_same_as(tmp_path):
    result = score_both(tmp_path, [
        gold_line("w1", ["wd:Q7747"], "invites", ["wd:Q15031"]),
        gold_line("w2", ["wd:Q1"], "invites", ["Xi"]),
    ], in_graph("a", fact("f1", "who", "invites", "xi")))
    assert [g.id for g in result.missed] == ["w2"]


def test_symmetric_relations_match_either_way_round(tmp_path):
    result = score_both(tmp_path, [
        gold_line("m1", ["Vladimir Putin"], "meetsWith", ["Xi"]),
        gold_line("m2", ["Moscow"], "visits", ["Xi"]),
    ], in_graph("a", fact("f1", "xi", "meetsWith", "putin"), fact("f2", "xi", "visits", "moscow")))
    assert [g.id for g in result.missed] == ["m2"]
    assert result.extra[0].text == "xi -visits-> moscow"  # the first name in sort order


def test_modality_accuracy_counts_statements(tmp_path):
    result = score_both(tmp_path, [
        gold_line("d1", ["Xi"], "visits", ["Moscow"], modality=["planned"]),
        gold_line("d2", ["China"], "opposes", ["Russia"]),  # asserted by default
    ], in_graph("a", fact("f1", "xi", "visits", "moscow", "planned"),
                fact("f2", "xi", "visits", "moscow", "asserted"),
                fact("f3", "china", "opposes", "russia", "negated")))
    assert (result.modality_hits, result.modality_total) == (1, 3)
    assert result.as_dict()["modality_accuracy"] == 0.333


def test_attribution_accuracy_counts_triples_whose_gold_names_a_source(tmp_path):
    result = score_both(tmp_path, [
        gold_line("a1", ["Xi"], "visits", ["Moscow"], by=["Reuters"]),
        gold_line("a2", ["Vladimir Putin"], "invites", ["Xi"], by=["re:reuters|sources"]),
        gold_line("a3", ["China"], "opposes", ["Russia"]),
    ], in_graph("a", fact("f1", "xi", "visits", "moscow", extra="; ex:claimedBy e:reuters "),
                fact("f2", "putin", "invites", "xi", extra="; ex:accordingTo e:tass "),
                fact("f3", "china", "opposes", "russia")))
    assert (result.attribution_hits, result.attribution_total) == (1, 2)
    assert result.attribution_accuracy == 0.5


def test_no_source_in_the_gold_gives_no_attribution_figure(tmp_path):
    result = score_both(tmp_path, [gold_line("n1", ["Xi"], "visits", ["Moscow"])],
                        in_graph("a", fact("f1", "xi", "visits", "moscow")))
    assert result.attribution_accuracy is None and result.as_dict()["attribution_accuracy"] is None
    assert "attribution=None" in format_report(result)


def test_a_duplicated_triple_counts_once_for_precision(tmp_path):
    result = score_both(tmp_path, [gold_line("p1", ["Xi"], "visits", ["Moscow"])],
                        in_graph("a", fact("f1", "xi", "visits", "moscow"),
                                 fact("f2", "xi", "visits", "moscow", "planned"),
                                 fact("f3", "china", "supports", "russia")))
    assert (result.statements, result.triples, result.true_positives) == (3, 2, 1)
    assert result.precision == 0.5 and result.recall == 1.0
    assert [e.text for e in result.extra] == ["china -supports-> russia"]


def test_statements_without_provenance_lower_the_share(tmp_path):
    bare = ("f:f2 rdf:subject e:china ; rdf:predicate ex:opposes ; rdf:object e:russia ; "
            "ex:modality ex:asserted .\n")
    result = score_both(tmp_path, [gold_line("v1", ["Xi"], "visits", ["Moscow"])],
                        in_graph("a", fact("f1", "xi", "visits", "moscow"), bare))
    assert result.provenance == 0.5


def test_rows_by_article(tmp_path):
    result = score_both(tmp_path, [
        gold_line("x1", ["Xi"], "visits", ["Moscow"], doc="a"),
        gold_line("x2", ["Vladimir Putin"], "invites", ["Xi"], doc="a"),
        gold_line("x3", ["China"], "opposes", ["Russia"], doc="b", required=False),
        gold_line("x4", ["China"], "supports", ["Russia"], doc="c"),
        gold_line("x5", ["Russia"], "supports", ["China"]),
    ], in_graph("a", fact("f1", "xi", "visits", "moscow"), fact("f2", "china", "supports", "xi"))
       + in_graph("b", fact("f3", "xi", "visits", "moscow"), fact("f4", "china", "opposes", "russia"))
       + in_graph("z", fact("f5", "russia", "supports", "china")
                  + "f:f5 ex:article <https://ex.org/article/z> .\n"))
    rows = {row.doc: row for row in result.docs}
    assert [row.doc for row in result.docs] == ["a", "b", "c", "z", None]
    a, b, c, z, none = (rows[d] for d in ("a", "b", "c", "z", None))
    assert (a.gold, a.found, a.triples, a.true_positives) == (2, 1, 2, 1)
    assert (a.precision, a.recall, a.f1) == (0.5, 0.5, 0.5)
    assert (b.gold, b.found, b.triples, b.true_positives) == (0, 0, 2, 2)
    assert b.recall is None and b.f1 is None and b.precision == 1.0
    assert (c.gold, c.found, c.triples) == (1, 0, 0) and c.precision is None and c.f1 is None
    assert (z.gold, z.triples, z.true_positives) == (0, 1, 1)
    assert (none.gold, none.found, none.triples) == (1, 1, 0)
    assert sum(row.gold for row in result.docs) == result.gold
    assert sum(row.found for row in result.docs) == result.found
    one = result.as_dict("a")
    assert [row["doc"] for row in one["docs"]] == ["a"]
    assert one["missed"] == ["x2: Vladimir Putin -invites-> Xi"]
    assert one["false_positives"] == ["china -supports-> xi"]
    assert result.doc(NO_DOC) is none
    with pytest.raises(KgError, match="no article 'nope'"):
        result.doc("nope")


# ---------------------------------------------------------------- gold files

def test_load_gold_reads_every_field(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(gold_line("g1", ["Xi"], "visits", ["Moscow"], doc="d", by=["Reuters"],
                              modality=["planned"], required=False, evidence="Xi could visit")
                    + "\n\n" + gold_line("g2", ["A"], ["accuses", "opposes"], ["B"]) + "\n")
    assert load_gold(path) == [
        GoldFact("g1", ("Xi",), ("visits",), ("Moscow",), ("planned",), ("Reuters",), False, "d",
                 "Xi could visit"),
        GoldFact("g2", ("A",), ("accuses", "opposes"), ("B",)),
    ]


@pytest.mark.parametrize("line, reason", [
    ('{"id": "b1", "s": ["Xi"], "p": "visits"', "not valid JSON"),
    ('["b1"]', "expected a JSON object"),
    ('{"id": "b1", "s": ["Xi"], "p": "visits"}', "missing key o"),
    ('{"s": ["Xi"], "o": ["Moscow"]}', "missing keys id, p"),
    ('{"id": "b1", "s": "Xi", "p": "visits", "o": ["Moscow"]}', "'s' must be a list"),
    ('{"id": "b1", "s": [], "p": "visits", "o": ["Moscow"]}', "'s' must be a non-empty list"),
    ('{"id": "b1", "s": ["Xi"], "p": [], "o": ["Moscow"]}', "'p' must be a relation"),
    ('{"id": "b1", "s": ["re:(x"], "p": "visits", "o": ["M"]}', "bad regular expression"),
    ('{"id": "b1", "s": ["Xi"], "p": "visits", "o": ["M"], "required": "no"}', "'required'"),
    ('{"id": "b1", "s": ["Xi"], "p": "visits", "o": ["M"], "by": "Reuters"}', "'by' must be"),
    ('{"id": "g1", "s": ["Xi"], "p": "visits", "o": ["M"]}', "duplicate id 'g1' (first on line 1)"),
])
def test_bad_gold_line_names_file_and_line(tmp_path, line, reason):
    path = tmp_path / "gold.jsonl"
    path.write_text(gold_line("g1", ["Xi"], "visits", ["Moscow"]) + "\n\n" + line + "\n")
    with pytest.raises(KgError) as err:
        load_gold(path)
    assert str(err.value).startswith(f"{path}:3: ")
    assert reason in str(err.value)


def test_missing_gold_file(tmp_path):
    with pytest.raises(KgError, match="no such file"):
        load_gold(tmp_path / "none.jsonl")


# ---------------------------------------------------------------- the command line

@pytest.fixture
def seed_files(seed_build):
    return str(DATA / "gold" / "seed.jsonl"), str(seed_build.out_dir / "graph.trig")


def run(*args: str):
    return CliRunner().invoke(main, ["evaluate", *args])


def test_cli_text(seed_files):
    result = run(*seed_files)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["article", "gold", "found", "triples", "precision", "recall", "f1"]
    assert lines[2].split()[0] == "000_c579be2394bfa4f1"
    assert re.match(r"statements=\d+ triples=\d+ ", lines[-2]) and lines[-1].startswith("precision=")
    assert not any(line.startswith(("missed", "extra")) for line in lines)
    shown = run(*seed_files, "--show").stdout.splitlines()
    assert any(line.startswith(("missed", "extra")) for line in shown)
    assert shown[-2:] == lines[-2:]


def test_cli_json_equals_the_scorer(seed_files):
    result = run(*seed_files, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [row["doc"] for row in data.pop("docs")] == ["000_c579be2394bfa4f1"]
    assert isinstance(data.pop("wrong_modality"), list)
    assert data == scorer_json(*map(Path, seed_files))


def test_cli_doc_keeps_one_article(seed_files):
    result = run(*seed_files, "--doc", "000_c579be2394bfa4f1", "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)["docs"]) == 1
    result = run(*seed_files, "--doc", "nope")
    assert result.exit_code == 2 and result.stderr.startswith("kg: no article 'nope'")


def test_cli_min_f1(seed_files):
    assert run(*seed_files, "--min-f1", "0.5").exit_code == 0
    result = run(*seed_files, "--min-f1", "1")
    assert result.exit_code == 1 and "below --min-f1" in result.stderr


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: "), result.stderr
    return lines[0]


def test_cli_bad_gold_line_is_one_line_exit_2(tmp_path, seed_files):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(gold_line("g1", ["Xi"], "visits", ["Moscow"]) + "\n{not json\n")
    line = one_line_error(run(str(gold), seed_files[1]))
    assert line.startswith(f"kg: {gold}:2: not valid JSON")


def test_cli_missing_files_exit_2(tmp_path, seed_files):
    missing = tmp_path / "none.jsonl"
    assert one_line_error(run(str(missing), seed_files[1])) == f"kg: {missing}: no such file"
    graph = tmp_path / "none.trig"
    assert one_line_error(run(seed_files[0], str(graph))) == f"kg: {graph}: no such file"
    bad = tmp_path / "bad.trig"
    bad.write_text("<a> <b> .\n")
    assert one_line_error(run(seed_files[0], str(bad))).startswith(f"kg: {bad}:")


def test_installed_command_prints_no_traceback(tmp_path, seed_files):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "x"}\n')
    done = subprocess.run([sys.executable, "-m", "kg.cli", "evaluate", str(gold), seed_files[1]],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == f"kg: {gold}:1: missing keys s, p, o\n"


def test_show_lists_facts_with_a_modality_gold_rules_out(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "g1", "doc": "d", "s": ["Xi"], "p": "visits", "o": ["Moscow"], '
                    '"modality": ["planned"]}\n', encoding="utf-8")
    graph = tmp_path / "g.ttl"
    graph.write_text("""@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:xi rdfs:label "Xi" . ex:moscow rdfs:label "Moscow" .
ex:f1 rdf:subject ex:xi ; rdf:predicate ex:visits ; rdf:object ex:moscow ; ex:modality ex:asserted .
""", encoding="utf-8")
    result = evaluate(gold, [graph])
    assert result.modality_accuracy == 0.0
    assert format_report(result, show=True).splitlines()[0] == \
        "modality xi -visits-> moscow: asserted (gold: planned)"
