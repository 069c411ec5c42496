"""Stores chosen by name (kg.stores, `--store SPEC`): the in-memory rdflib store and a persistent
Oxigraph store give the same answers; building again replaces an article's graph."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, Variable

import kg
from kg import sparql
from kg.cli import main
from kg.errors import KgError
from kg.graphfiles import load
from kg.stores import MemoryStore, OxigraphStore, open_store, query_store, substitute_params

pytest.importorskip("pyoxigraph")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c579be2394bfa4f1.txt"
# a value for each parameter of the canned queries that matches something in the seed
PARAMS = {"entity": "Russia", "source": "Reuters", "modality": "planned"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(store) -> int:
    return int(next(iter(store.query(COUNT)))[0])


def rows(result) -> set[tuple[str, ...]]:
    return {tuple("" if x is None else str(x) for x in row) for row in result}


@pytest.fixture(scope="module")
def built(tmp_path_factory, nlp):
    """The seed built into files and into an Oxigraph store, twice."""
    root = tmp_path_factory.mktemp("stores")
    store = open_store(f"oxigraph:{root / 'ox'}")
    first = kg.build([SEED], root / "out", nlp=nlp, html=False, store=store)
    after_one = count(store)
    kg.build([SEED], root / "out", nlp=nlp, html=False, store=store)
    yield root, store, first, after_one
    store.close()


@pytest.fixture(scope="module")
def memory(built):
    root = built[0]
    store = open_store("memory")
    store.load_file(root / "out" / "graph.trig")
    return store


def test_build_into_oxigraph_stores_every_triple_of_the_files(built):
    root, store, report, after_one = built
    assert report.store == store.spec and f"stored in {store.spec}" in report.summary()
    quads = sum(1 for _ in load([root / "out" / "graph.trig"]).quads())
    assert after_one == quads > 100


def test_building_again_replaces_not_duplicates(built):
    _, store, _, after_one = built
    assert count(store) == after_one


def test_entities_are_merged_not_repeated(built):
    _, store, _, _ = built
    res = store.query("SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?e rdfs:label ?l } } "
                      "GROUP BY ?e HAVING (COUNT(*) > 1)" % kg.namespaces.Base().entities_graph)
    assert list(res) == []
    labels = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?e rdfs:label ?l } }"
                         % kg.namespaces.Base().entities_graph)
    assert int(next(iter(labels))[0]) > 10


@pytest.mark.parametrize("info", sparql.list_queries(), ids=lambda info: info.name)
def test_every_canned_query_gives_the_same_rows_in_memory_and_in_oxigraph(built, memory, info):
    _, store, _, _ = built
    params = {p.name: PARAMS[p.name] for p in info.params}
    text = sparql.load_query(info.name)
    expected = rows(memory.query(text, params))
    got = rows(store.query(text, params))
    assert got == expected
    if info.name in ("entity", "attributed", "by-modality", "facts", "entities"):
        assert expected, info.name  # the comparison is not between two empty answers


def test_ask_construct_and_formats(built, memory):
    _, store, _, _ = built
    assert store.query("ASK { ?f a kg:Fact }").askAnswer is True
    graph = store.query("CONSTRUCT { ?f a kg:Fact } WHERE { ?f a kg:Fact }").graph
    assert len(graph) == len(memory.query("CONSTRUCT { ?f a kg:Fact } WHERE { ?f a kg:Fact }")
                             .graph) > 10
    for fmt in sparql.FORMATS:
        q = "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l"
        assert (sparql.format_result(store.query(q), fmt)
                == sparql.format_result(memory.query(q), fmt))


def test_parameters_are_bound_safely(built):
    _, store, _, _ = built
    q = sparql.load_query("entity")
    assert rows(store.query(q, {"entity": 'Russia" ) } } DROP ALL #'})) == set()
    with pytest.raises(KgError, match="missing parameter"):
        store.query(q, {})
    with pytest.raises(KgError, match="unknown parameter"):
        store.query(q, {"entity": "Russia", "other": "x"})
    text = substitute_params('SELECT * { ?s ?p ?x FILTER(?x != "?x") } # ?x',
                             {Variable("x"): Literal('a"b')})
    assert text == 'SELECT * { ?s ?p "a\\"b" FILTER("a\\"b" != "?x") } # ?x'


def test_syntax_errors_are_one_line(built):
    _, store, _, _ = built
    with pytest.raises(KgError, match="SPARQL syntax error"):
        store.query("SELECT WHERE {")


def test_load_file_replaces_graphs_and_counts_quads(built, tmp_path):
    root = built[0]
    trig = root / "out" / "graph.trig"
    expected = sum(1 for _ in load([trig]).quads())
    with open_store(f"oxigraph:{tmp_path / 'ox'}") as store:
        assert store.load_file(trig) == expected
        assert store.load_file(trig) == expected
        assert count(store) == expected
        assert store.graphs_loaded == 6  # (the article, entities, reports) x 2 loads
    memory = MemoryStore()
    assert memory.load_file(trig) == expected
    assert memory.load_file(trig) == expected
    assert sum(1 for _ in memory.dataset.quads()) == expected


def test_a_bad_file_changes_nothing(built, tmp_path):
    root = built[0]
    bad = tmp_path / "bad.trig"
    bad.write_text("<http://x/g> { <http://x/a> <http://x/b> <http://x/c> .\n oops }\n")
    for store in (open_store(f"oxigraph:{tmp_path / 'ox'}"), open_store("memory")):
        before = store.load_file(root / "out" / "graph.trig")
        with pytest.raises(KgError, match=r"bad\.trig"):
            store.load_file(bad)
        with pytest.raises(KgError, match="no such file"):
            store.load_file(tmp_path / "missing.nt")
        assert count(store) == before
        store.close()


def test_open_store_specs(tmp_path):
    assert isinstance(open_store("memory"), MemoryStore)
    assert isinstance(kg.open_store(f"oxigraph:{tmp_path / 'ox'}"), OxigraphStore)
    for spec, message in [("", "unknown store"), ("postgres:x", "unknown store"),
                          ("oxigraph:", "needs a folder"), ("sparql:ftp://x", "http")]:
        with pytest.raises(KgError, match=message):
            open_store(spec)
    (tmp_path / "file").write_text("x")
    with pytest.raises(KgError, match="not a folder"):
        open_store(f"oxigraph:{tmp_path / 'file'}")


def test_sparql_spec_without_the_module_is_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "kg.store_sparql", None)  # import fails
    with pytest.raises(KgError, match="sparql:URL stores are not available"):
        open_store("sparql:http://localhost:8890/sparql")


def test_query_store_binds_for_stores_without_parameters(built, memory):
    _, store, _, _ = built

    class Plain:  # a store whose query() takes only text, as a remote one may
        def query(self, text):
            return memory.dataset.query(text)

    q = sparql.load_query("entity")
    assert rows(query_store(Plain(), q, {"entity": "Russia"})) == rows(
        store.query(q, {"entity": "Russia"}))


# ------------------------------------------------------------------------------------ CLI

@pytest.fixture
def session_nlp(monkeypatch, nlp):
    import kg.builder

    monkeypatch.setattr(kg.builder, "load_pipeline", lambda *args, **kwargs: nlp)
    return nlp


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_cli_round_trip(session_nlp, tmp_path):
    spec = f"oxigraph:{tmp_path / 'ox'}"
    out = tmp_path / "out"
    built = run("build", SEED, "-o", out, "--no-html", "--store", spec)
    assert built.exit_code == 0, built.output
    assert f"stored in {spec}" in built.stdout
    for name in ("entity", "facts"):
        params = ["--param", "entity=Russia"] if name == "entity" else []
        for fmt in ("csv", "json"):
            from_store = run("query", "--store", spec, "-n", name, *params, "-f", fmt)
            from_files = run("query", out / "graph.trig", "-n", name, *params, "-f", fmt)
            assert from_store.exit_code == from_files.exit_code == 0, from_store.output
            if fmt == "csv":  # same rows; the order of unordered ties may differ
                assert (sorted(from_store.stdout.splitlines())
                        == sorted(from_files.stdout.splitlines()))
    ask = run("query", "--store", spec, "-e", "ASK { ?f a kg:Fact }")
    assert ask.stdout == "true\n"
    quads = sum(1 for _ in load([out / "graph.trig"]).quads())
    spec2 = f"oxigraph:{tmp_path / 'ox2'}"
    loaded = run("load", out / "graph.trig", "--store", spec2)
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout == f"loaded {quads} quads in 3 graphs from 1 file into {spec2}\n"
    n = run("query", "--store", spec2, "-e", COUNT, "-f", "csv")
    assert n.stdout == f"n\n{quads}\n"


def test_cli_bad_file_and_bad_spec(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle at all\n")
    spec = f"oxigraph:{tmp_path / 'ox'}"
    result = run("load", bad, "--store", spec)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kg: {bad}:") and len(result.stderr.splitlines()) == 1
    for args in (["load", bad, "--store", "nope"], ["query", "--store", "nope:x", "-n", "facts"],
                 ["build", SEED, "--store", "oxigraph:"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kg: "), result.stderr
    both = run("query", "--store", spec, bad, "-n", "facts")
    assert both.exit_code != 0 and "not both" in both.stderr


def test_cli_with_a_sparql_store(session_nlp, virtuoso, tmp_path):
    """build/query/load --store sparql:URL against the throwaway Virtuoso (own base IRI; the
    graphs are dropped again so the other Virtuoso tests see only their own data)."""
    from kg.namespaces import Base

    base = "https://stores-test.example.org/"
    iris = Base(base)
    spec = f"sparql:{virtuoso}"
    out = tmp_path / "out"
    graphs = [iris.entities_graph, iris.article_graph("000_c579be2394bfa4f1"), iris.graph["reports"]]
    store = open_store(spec)

    def counts() -> list[int]:
        return [int(next(iter(store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")))[0])
            for g in graphs]
    try:
        for _ in range(2):  # building again replaces
            result = run("build", SEED, "-o", out, "--no-html", "--base", base,
                         "--store", spec)
            assert result.exit_code == 0, result.output
            assert f"stored in {spec}" in result.stdout
            ds = load([out / "graph.trig"])
            assert counts() == [len(ds.graph(g)) for g in graphs]
        quads = sum(counts())
        loaded = run("load", out / "graph.trig", "--store", spec)
        assert loaded.stdout == f"loaded {quads} quads in 3 graphs from 1 file into {spec}\n"
        assert sum(counts()) == quads
        q = (f"SELECT ?l WHERE {{ GRAPH <{graphs[0]}> {{ ?e rdfs:label ?l "
             "FILTER(STR(?l) = STR(?name)) }}")
        one = run("query", "--store", spec, "-e", q, "-p", "name=Xi Jinping", "-f", "csv")
        assert one.exit_code == 0, one.output
        assert one.stdout == "l\nXi Jinping\n"
    finally:
        for g in graphs:
            store.update(f"DROP SILENT GRAPH <{g}>")
        store.close()
