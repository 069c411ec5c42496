"""SparqlStore against a real SPARQL 1.1 server: Virtuoso Open Source 7 (tests/virtuoso.py).

Built graph files are loaded into the server and read back: the same triples per named graph,
no duplicates after a second load, and every canned query gives the same rows on the server as
rdflib gives over the files. Rows are compared as multisets (so duplicates count, order does
not) of tuples of terms in N3 form (``.n3()``: datatypes and language tags count, "" for
unbound); the one normalisation is that a GROUP_CONCAT value (the ``class`` column of
``entities``) is compared as a sorted list, since SPARQL leaves its order open. Row order is not
compared: for ``visits`` (ORDER BY ?time over xsd:date and xsd:gYearMonth values, which SPARQL
does not order against each other) Virtuoso and rdflib sort differently. Skipped, with the
reason, when Virtuoso is not installed.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest
from rdflib import Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import XSD

from conftest import DATA, SEED
from kg.errors import KgError
from kg.graphfiles import load
from kg.sparql import list_queries, load_query, run_query
from kg.store_sparql import SparqlStore, query_form, with_default_prefixes
from virtuoso import STARTUP

EX = Namespace("urn:kg-test:")
TEST_GRAPH = "urn:kg-test:graph"
BUILDS = {"seed": [SEED], "dev": [DATA / "dev"]}
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def store(virtuoso):
    s = SparqlStore(virtuoso)
    yield s
    s.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory, nlp):
    """graph.trig of the seed article and of the development articles, each built once."""
    import kg

    files = {}
    for name, inputs in BUILDS.items():
        out = tmp_path_factory.mktemp(f"virtuoso-{name}")
        kg.build(inputs, out, nlp=nlp, html=False)
        files[name] = out / "graph.trig"
    return files


def count(store: SparqlStore, iri: str) -> int:
    res = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    return int(next(iter(res))[0])


def named_graphs(path) -> dict[str, int]:
    return {str(g.identifier): len(g) for g in load([path]).graphs() if len(g)}


_LOADED: set[str] = set()


def load_only(store: SparqlStore, path) -> float:
    """Make the server hold exactly the graphs of one built file; the load time in seconds."""
    for iri in sorted(_LOADED):
        store.update(f"DROP SILENT GRAPH <{iri}>")
    _LOADED.clear()
    started = time.perf_counter()
    store.load_file(path)
    _LOADED.update(named_graphs(path))
    return time.perf_counter() - started


def rows(result, sorted_lists: tuple[str, ...] = ()) -> Counter:
    """The rows of a SELECT result as a multiset of tuples of N3 terms ("" for unbound)."""
    names = [str(v) for v in result.vars]
    out = Counter()
    for row in result.bindings:
        cells = []
        for n in names:
            value = row.get(Variable(n))
            if value is not None and n in sorted_lists:
                value = Literal(", ".join(sorted(str(value).split(", "))))
            cells.append("" if value is None else value.n3())
        out[tuple(cells)] += 1
    return out


# ------------------------------------------------------------------ no server needed

def test_query_form_and_prefixes():
    assert query_form("# SELECT in a comment\nASK { ?s ?p 'CONSTRUCT' }") == "ASK"
    assert query_form("PREFIX s: <http://x/SELECT>\nCONSTRUCT { ?s ?p ?o } WHERE {}") == "CONSTRUCT"
    text = with_default_prefixes("PREFIX kg: <urn:mine#>\nSELECT * { ?s kg:p ?o }")
    assert "PREFIX kg: <urn:mine#>" in text and "PREFIX kg: <https" not in text
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in text
    with pytest.raises(KgError):
        query_form("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_unreachable_server_is_one_line_error():
    with pytest.raises(KgError, match="cannot reach SPARQL server http://127.0.0.1:9/sparql"):
        SparqlStore("http://127.0.0.1:9/sparql").query("ASK {}")


# ------------------------------------------------------------------ against Virtuoso

def test_untrusted_literals_round_trip(store):
    nasty = [Literal('say "hi" \\ back\\slash \\" } GRAPH <urn:x> { DROP ALL }\nline two\r\n\ttab'),
             Literal('ends with a quote"'), Literal('"""triple"""'), Literal("Київ — Zürich 中国"),
             Literal("a\nb", lang="en"), Literal("2023-03-14", datatype=XSD.date),
             Literal("}", datatype=XSD.string), Literal("#not a comment")]
    g = Graph()
    for i, lit in enumerate(nasty):
        g.add((EX[f"s{i}"], EX.text, lit))
    store.replace_graph(TEST_GRAPH, g)
    res = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{TEST_GRAPH}> {{ ?s ?p ?o }} }}")
    back = {(str(r[0]), str(r[1])) for r in res}
    assert back == {(str(s), str(o)) for s, _, o in g}
    langs = {str(r[1]): r[1].language for r in res}
    assert langs["a\nb"] == "en"
    # replace drops what was there; merge adds without duplicating
    small = Graph()
    small.add((EX.s0, EX.text, nasty[0]))
    store.replace_graph(TEST_GRAPH, small)
    assert count(store, TEST_GRAPH) == 1
    store.merge_graph(TEST_GRAPH, g)
    store.merge_graph(TEST_GRAPH, g)
    assert count(store, TEST_GRAPH) == len(nasty)
    store.update(f"DROP SILENT GRAPH <{TEST_GRAPH}>")


def test_construct_and_ask(store):
    g = Graph()
    g.add((EX.a, URIRef("https://kg.example.org/ontology#visits"), EX.b))
    store.replace_graph(TEST_GRAPH, g)
    assert store.query(f"ASK {{ GRAPH <{TEST_GRAPH}> {{ ?s kg:visits ?o }} }}").askAnswer
    res = store.query(f"CONSTRUCT {{ ?s kg:visits ?o }} WHERE {{ GRAPH <{TEST_GRAPH}> {{ ?s kg:visits ?o }} }}")
    assert set(res.graph) == set(g)
    store.update(f"DROP SILENT GRAPH <{TEST_GRAPH}>")


def test_store_interface(store, virtuoso):
    from kg.stores import Store, open_store

    assert isinstance(store, Store) and store.spec == f"sparql:{virtuoso}"
    with open_store(f"sparql:{virtuoso}", update_url=virtuoso) as other:
        assert isinstance(other, SparqlStore) and other.update_url == virtuoso
        assert other.query("ASK { }").askAnswer is True
    with pytest.raises(KgError, match="unknown parameter 'source'; this query takes: entity"):
        store.query(load_query("entity"), {"source": "x"})


def test_server_error_is_kg_error(store):
    with pytest.raises(KgError, match=r"SPARQL server .* answered 400") as info:
        store.query("SELECT ?x WHERE { ?x ?y }")
    assert "\n" not in str(info.value)


def test_big_graph_goes_in_chunks(store):
    import kg.store_sparql

    g = Graph()
    n = 2 * kg.store_sparql.CHUNK + 7
    for i in range(n):
        g.add((EX[f"s{i % 97}"], EX[f"p{i % 13}"], Literal(f"value {i} with \"quotes\" and }}")))
    started = time.perf_counter()
    store.replace_graph(TEST_GRAPH, g)
    seconds = time.perf_counter() - started
    assert count(store, TEST_GRAPH) == n
    store.replace_graph(TEST_GRAPH, g)
    assert count(store, TEST_GRAPH) == n
    store.update(f"DROP SILENT GRAPH <{TEST_GRAPH}>")
    print(f"\n{n} triples in 3 INSERT DATA requests: {seconds:.2f} s")


def test_digest_auth_from_environment(store, virtuoso, monkeypatch):
    """Virtuoso's /sparql-auth endpoint asks for HTTP digest authentication (user dba)."""
    url = virtuoso.replace("/sparql", "/sparql-auth")
    monkeypatch.setenv("KG_SPARQL_USER", "dba")
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "dba")
    assert SparqlStore(url).query("ASK { }").askAnswer is True
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "wrong")
    with pytest.raises(KgError, match="answered 401"):
        SparqlStore(url).query("ASK { }")
    monkeypatch.delenv("KG_SPARQL_USER")
    with pytest.raises(KgError, match="answered 401"):
        SparqlStore(url).query("ASK { }")


@pytest.mark.parametrize("build", sorted(BUILDS))
def test_load_file_keeps_every_triple_once(store, built, build):
    path = built[build]
    expected = named_graphs(path)
    TIMES[build] = load_only(store, path)
    assert {iri: count(store, iri) for iri in expected} == expected
    started = time.perf_counter()
    before = store.graphs_loaded
    assert store.load_file(path) == sum(expected.values())
    assert store.graphs_loaded == before + len(expected)
    TIMES[build + " again"] = time.perf_counter() - started
    assert {iri: count(store, iri) for iri in expected} == expected
    print(f"\nVirtuoso start-up {STARTUP.get('seconds', 0):.1f} s; {build}: "
          f"{sum(expected.values())} quads in {len(expected)} graphs loaded in "
          f"{TIMES[build]:.2f} s, again in {TIMES[build + ' again']:.2f} s")


def _params(ds, info) -> dict[str, str]:
    """A value for each parameter that makes the query answer something, where there is one."""
    facts = list(run_query(ds, load_query("facts")))
    values = {"modality": "asserted",
              "entity": next((str(r.subject) for r in facts), "Xi Jinping"),
              "source": next((str(r.claimedBy) for r in facts if r.claimedBy), "Kremlin")}
    return {p: values[p] for p in info.param_names}


@pytest.mark.parametrize("build", sorted(BUILDS))
@pytest.mark.parametrize("info", list_queries(), ids=lambda i: i.name)
def test_canned_query_same_rows_as_rdflib(store, built, build, info):
    path = built[build]
    if not _LOADED or not _LOADED <= set(named_graphs(path)):
        load_only(store, path)
    ds = load([path])
    params = _params(ds, info)
    sparql = load_query(info.name)
    lists = ("class",) if info.name == "entities" else ()
    expected = rows(run_query(ds, sparql, params), lists)
    got = rows(store.query(sparql, params), lists)  # parameters bound by the store
    assert expected, f"no rows from rdflib for {info.name} {params}: a pointless comparison"
    assert got == expected
    print(f"\n{build} {info.name} {params}: {sum(got.values())} rows on both")
