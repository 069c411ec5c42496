"""Tests for kg.graphfiles (loading) and kg.sparql (canned queries, formatting)."""
import csv
import io
import json

import pytest
from rdflib import Dataset, Graph, URIRef

from kg.errors import KgError
from kg.graphfiles import load
from kg.sparql import format_result, list_queries, load_query, parse_header, run_query

# A small dataset following docs/model.md: two article graphs and the entities graph.
TRIG = """
@prefix kg:      <https://kg.example.org/ontology#> .
@prefix id:      <https://kg.example.org/id/> .
@prefix art:     <https://kg.example.org/article/> .
@prefix fact:    <https://kg.example.org/fact/> .
@prefix graph:   <https://kg.example.org/graph/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

graph:entities {
    id:xi-jinping a kg:Person ; rdfs:label "Xi Jinping" ;
        skos:altLabel "Xi", "President Xi Jinping" .
    id:moscow a kg:City ; rdfs:label "Moscow" .
    id:volodymyr-zelenskiy a kg:Person ; rdfs:label "Volodymyr Zelenskiy" ; skos:altLabel "Zelenskiy" .
    id:reuters a kg:MediaOrganization ; rdfs:label "Reuters" .
    id:wall-street-journal a kg:MediaOrganization ; rdfs:label "Wall Street Journal" .
    id:united-states a kg:Country ; rdfs:label "United States" ; skos:altLabel "US" .
    id:russia a kg:Country ; rdfs:label "Russia" .
    id:china a kg:Country ; rdfs:label "China" .
    id:kyiv a kg:City ; rdfs:label "Kyiv" .
    # every name lower-cased, as kg builds write them (the entity and attributed queries use them)
    id:xi-jinping kg:nameKey "xi jinping", "xi", "president xi jinping" .
    id:moscow kg:nameKey "moscow" .
    id:volodymyr-zelenskiy kg:nameKey "volodymyr zelenskiy", "zelenskiy" .
    id:reuters kg:nameKey "reuters" .
    id:wall-street-journal kg:nameKey "wall street journal" .
    id:united-states kg:nameKey "united states", "us" .
    id:russia kg:nameKey "russia" .
    id:china kg:nameKey "china" .
    id:kyiv kg:nameKey "kyiv" .
}

<https://kg.example.org/graph/article/a1> {
    art:a1 a kg:Article ; kg:articleId "a1" ;
        dcterms:title "Xi could visit Putin, speak to Zelenskiy next week" ;
        dcterms:date "2023-03-14"^^xsd:date ; dcterms:source "Reuters" ;
        schema:url <https://example.org/a1> .
    <https://kg.example.org/article/a1/s0> a kg:Sentence ; kg:index 0 ; kg:startOffset 0 ; kg:endOffset 62 ;
        kg:text "Sources told Reuters Xi could visit Moscow next week." ;
        dcterms:isPartOf art:a1 .
    <https://kg.example.org/article/a1/s1> a kg:Sentence ; kg:index 1 ; kg:startOffset 63 ; kg:endOffset 130 ;
        kg:text "His plans to hold a video conference with Zelenskiy were reported by the Wall Street Journal." ;
        dcterms:isPartOf art:a1 .

    id:xi-jinping kg:visits id:moscow .
    fact:f1 a kg:Fact, rdf:Statement ;
        rdf:subject id:xi-jinping ; rdf:predicate kg:visits ; rdf:object id:moscow ;
        kg:modality kg:planned ; kg:claimedBy id:reuters ;
        kg:time "2023-03-20"^^xsd:date ; kg:rule "verb:visit" ;
        prov:wasDerivedFrom <https://kg.example.org/article/a1/s0> ; kg:article art:a1 .

    id:xi-jinping kg:meetsWith id:volodymyr-zelenskiy .
    fact:f2 a kg:Fact, rdf:Statement ;
        rdf:subject id:xi-jinping ; rdf:predicate kg:meetsWith ; rdf:object id:volodymyr-zelenskiy ;
        kg:modality kg:planned ; kg:claimedBy id:wall-street-journal ;
        kg:rule "verb:hold-talks" ;
        prov:wasDerivedFrom <https://kg.example.org/article/a1/s1> ; kg:article art:a1 .
}

<https://kg.example.org/graph/article/a2> {
    art:a2 a kg:Article ; kg:articleId "a2" ;
        dcterms:title "US sanctions Russian banks" ;
        dcterms:date "2023-02-24"^^xsd:date .
    <https://kg.example.org/article/a2/s0> a kg:Sentence ; kg:index 0 ; kg:startOffset 0 ; kg:endOffset 40 ;
        kg:text "The US imposed sanctions on Russia." ; dcterms:isPartOf art:a2 .
    <https://kg.example.org/article/a2/s1> a kg:Sentence ; kg:index 1 ; kg:startOffset 41 ; kg:endOffset 90 ;
        kg:text "Russia did not attack Kyiv on Friday, the Kremlin said." ; dcterms:isPartOf art:a2 .
    <https://kg.example.org/article/a2/s2> a kg:Sentence ; kg:index 2 ; kg:startOffset 91 ; kg:endOffset 150 ;
        kg:text "The US accuses China of considering arming Russia, which China denies." ;
        dcterms:isPartOf art:a2 .

    id:united-states kg:sanctions id:russia .
    fact:f3 a kg:Fact, rdf:Statement ;
        rdf:subject id:united-states ; rdf:predicate kg:sanctions ; rdf:object id:russia ;
        kg:modality kg:asserted ; kg:time "2023-02-24"^^xsd:date ; kg:timeFromArticleDate true ;
        prov:wasDerivedFrom <https://kg.example.org/article/a2/s0> ; kg:article art:a2 .

    fact:f4 a kg:Fact, rdf:Statement ;
        rdf:subject id:russia ; rdf:predicate kg:attacks ; rdf:object id:kyiv ;
        kg:modality kg:negated ;
        prov:wasDerivedFrom <https://kg.example.org/article/a2/s1> ; kg:article art:a2 .

    id:united-states kg:accuses id:china .
    fact:f5 a kg:Fact, rdf:Statement ;
        rdf:subject id:united-states ; rdf:predicate kg:accuses ; rdf:object id:china ;
        kg:modality kg:alleged ; kg:time "2023-02"^^xsd:gYearMonth ;
        prov:wasDerivedFrom <https://kg.example.org/article/a2/s2> ; kg:article art:a2 .
}
"""

QUERY_NAMES = {"facts", "entity", "visits", "conflict", "by-modality", "attributed", "entities"}
SAMPLE_PARAMS = {"entity": {"entity": "Xi"}, "by-modality": {"modality": "planned"},
                 "attributed": {"source": "Reuters"}}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

INJECTION = '"x" } ; DROP ALL #'


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("graphs")
    trig = d / "graph.trig"
    trig.write_text(TRIG, encoding="utf-8")
    src = Dataset()
    src.parse(data=TRIG, format="trig")
    union = Graph()
    for g in src.graphs():
        union += g
    ttl = d / "graph.ttl"
    union.serialize(ttl, format="turtle")
    nt = d / "graph.nt"
    union.serialize(nt, format="nt", encoding="utf-8")
    jsonld = d / "graph.jsonld"
    src.serialize(jsonld, format="json-ld")
    nq = d / "graph.nq"
    src.serialize(nq, format="nquads")
    return {"trig": trig, "ttl": ttl, "nt": nt, "jsonld": jsonld, "nq": nq, "dir": d}


@pytest.fixture(scope="module")
def ds(files):
    return load([files["trig"]])


def rows(result):
    return [{str(k): str(v) for k, v in b.items()} for b in result.bindings]


def run(ds, name, params=None):
    return rows(run_query(ds, load_query(name), params))


# ------------------------------------------------------------------ graphfiles.load

def test_load_trig_keeps_named_graphs(ds):
    names = {str(g.identifier) for g in ds.graphs()}
    assert "https://kg.example.org/graph/entities" in names
    assert "https://kg.example.org/graph/article/a1" in names
    assert "https://kg.example.org/graph/article/a2" in names
    assert ds.default_union


def test_load_triples_file_goes_to_graph_named_after_file(files):
    d = load([files["ttl"]])
    names = {g.identifier for g in d.graphs()}
    assert URIRef(files["ttl"].resolve().as_uri()) in names


@pytest.mark.parametrize("kind", ["ttl", "nt", "jsonld", "nq"])
def test_load_other_formats_give_same_answers(ds, files, kind):
    other = load([files[kind]])
    for name in sorted(QUERY_NAMES):
        assert run(other, name, SAMPLE_PARAMS.get(name)) == run(ds, name, SAMPLE_PARAMS.get(name)), name


def test_load_several_files_and_ontology(files):
    from pathlib import Path
    onto = Path(__file__).resolve().parents[1] / "ontology" / "kg.ttl"
    d = load([files["trig"], str(onto)])
    # the ontology's labelled terms must not show up as entities
    labels = [r["label"] for r in run(d, "entities")]
    assert "Xi Jinping" in labels and "planned" not in labels and "Person" not in labels


def test_load_missing_file(tmp_path):
    with pytest.raises(KgError) as e:
        load([tmp_path / "nope.trig"])
    assert "nope.trig" in str(e.value) and "no such file" in str(e.value)


def test_load_unknown_extension(tmp_path):
    p = tmp_path / "graph.xyz"
    p.write_text("x")
    with pytest.raises(KgError) as e:
        load([p])
    assert "graph.xyz" in str(e.value) and ".xyz" in str(e.value)


@pytest.mark.parametrize("ext,text,line", [
    (".ttl", "@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", 3),
    (".trig", "@prefix ex: <http://ex/> .\nex:g {\n ex:a ex:b ex:c .\n ex:a ex:b ex:c ex:d .\n}\n", 4),
    (".nt", "<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n", 2),
    (".nq", "<http://a> <http://b> <http://c> <http://g> .\n\n<http://a> <http://b> .\n", 3),
    (".jsonld", '{\n "@id": "http://a",\n "http://b": \n}\n', 4),
    (".rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
             '<rdf:Description>\n</rdf:RDF>\n', 4),
])
def test_load_parse_error_names_file_and_line(tmp_path, ext, text, line):
    p = tmp_path / f"bad{ext}"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(KgError) as e:
        load([p])
    msg = str(e.value)
    assert "\n" not in msg
    assert f"bad{ext}:{line}:" in msg, msg


# ------------------------------------------------------------------ the query catalogue

def test_list_queries():
    infos = {q.name: q for q in list_queries()}
    assert QUERY_NAMES <= set(infos)
    for q in infos.values():
        assert q.title and q.description, q.name
    assert infos["entity"].param_names == ["entity"]
    assert infos["by-modality"].param_names == ["modality"]
    assert infos["attributed"].param_names == ["source"]
    assert infos["facts"].params == []


def test_load_query_unknown_lists_names():
    with pytest.raises(KgError) as e:
        load_query("nosuch")
    assert "visits" in str(e.value) and "facts" in str(e.value)
    with pytest.raises(KgError):
        load_query("../query")


def test_parse_header():
    info = parse_header("# title: T\n# description: D\n#   more\n# param: x - the x\nSELECT * {}\n# param: y\n")
    assert (info.title, info.description) == ("T", "D more")
    assert [(p.name, p.description) for p in info.params] == [("x", "the x")]


def test_lowercase_param_is_lower_cased_before_binding(ds):
    info = parse_header("# param: who [lowercase] - a name\n# param: n - raw\nSELECT * {}")
    assert [(p.name, p.description, p.lowercase) for p in info.params] == [
        ("who", "a name", True), ("n", "raw", False)]
    query = ("# param: who [lowercase] - a name\n"
             "SELECT ?e WHERE { ?e kg:nameKey ?who }")
    assert rows(run_query(ds, query, {"who": "ZELENSKIY"})) == [
        {"e": "https://kg.example.org/id/volodymyr-zelenskiy"}]
    # a parameter without the marker is bound as given
    raw = "# param: who - a name\nSELECT ?e WHERE { ?e kg:nameKey ?who }"
    assert rows(run_query(ds, raw, {"who": "ZELENSKIY"})) == []


@pytest.mark.parametrize("name", sorted(QUERY_NAMES))
def test_every_canned_query_runs(ds, name):
    result = run_query(ds, load_query(name), SAMPLE_PARAMS.get(name))
    assert len(result.bindings) > 0
    for fmt in ("table", "csv", "tsv", "json"):
        assert format_result(result, fmt)


# ------------------------------------------------------------------ query results

def test_facts(ds):
    r = run(ds, "facts")
    assert len(r) == 5
    result = run_query(ds, load_query("facts"))
    assert [str(v) for v in result.vars] == ["reports", "subject", "relation", "object",
                                             "modality", "claimedBy", "time", "sentence",
                                             "article"]
    visit = [x for x in r if x["relation"] == "visits"][0]
    assert visit == {"subject": "Xi Jinping", "relation": "visits", "object": "Moscow",
                     "modality": "planned", "claimedBy": "Reuters", "time": "2023-03-20",
                     "sentence": "Sources told Reuters Xi could visit Moscow next week.",
                     "article": "Xi could visit Putin, speak to Zelenskiy next week"}
    # deterministic: ordered by article title, then sentence index
    assert [x["relation"] for x in r] == ["sanctions", "attacks", "accuses", "visits", "meetsWith"]
    assert r == run(ds, "facts")


def test_facts_are_ranked_by_independent_reports():
    ranked = Dataset(default_union=True)
    ranked.parse(data=TRIG, format="trig")
    ranked.parse(data="""
        @prefix kg: <https://kg.example.org/ontology#> .
        @prefix fact: <https://kg.example.org/fact/> .
        <https://kg.example.org/graph/reports> {
            <https://kg.example.org/claim/c3> a kg:Claim ; kg:report fact:f3 ; kg:reportCount 1 .
            <https://kg.example.org/claim/c2> a kg:Claim ; kg:report fact:f2 ; kg:reportCount 4 .
        }""", format="trig")
    r = run(ranked, "facts")
    assert [(x["relation"], x.get("reports")) for x in r][:2] == [("meetsWith", "4"),
                                                                   ("sanctions", "1")]
    assert len(r) == 5  # facts without a count follow


def test_visits(ds):
    r = run(ds, "visits")
    assert len(r) == 1
    assert (r[0]["visitor"], r[0]["visited"], r[0]["modality"], r[0]["time"]) == \
        ("Xi Jinping", "Moscow", "planned", "2023-03-20")


def test_entity_matches_label_and_altlabel_case_insensitively(ds):
    by_alt = run(ds, "entity", {"entity": "xi"})
    by_label = run(ds, "entity", {"entity": "XI JINPING"})
    assert by_alt == by_label
    assert {(x["relation"], x["object"], x["modality"]) for x in by_alt} == {
        ("visits", "Moscow", "planned"), ("meetsWith", "Volodymyr Zelenskiy", "planned")}
    # as object
    assert [x["subject"] for x in run(ds, "entity", {"entity": "Russia"})] == ["United States", "Russia"]
    assert run(ds, "entity", {"entity": "nobody"}) == []


def test_conflict(ds):
    r = run(ds, "conflict")
    assert {(x["subject"], x["relation"], x["object"], x["modality"]) for x in r} == {
        ("United States", "sanctions", "Russia", "asserted"),
        ("Russia", "attacks", "Kyiv", "negated"),
        ("United States", "accuses", "China", "alleged")}


@pytest.mark.parametrize("modality,expected", [
    ("planned", {"visits", "meetsWith"}), ("asserted", {"sanctions"}),
    ("negated", {"attacks"}), ("ALLEGED", {"accuses"}), ("bogus", set())])
def test_by_modality(ds, modality, expected):
    assert {x["relation"] for x in run(ds, "by-modality", {"modality": modality})} == expected


def test_attributed(ds):
    r = run(ds, "attributed", {"source": "reuters"})
    assert [(x["subject"], x["relation"], x["object"]) for x in r] == [("Xi Jinping", "visits", "Moscow")]
    assert {x["relation"] for x in run(ds, "attributed", {"source": "Wall Street Journal"})} == {"meetsWith"}


def test_entities(ds):
    r = run(ds, "entities")
    assert [(x["label"], x["class"], x["facts"]) for x in r[:3]] == [
        ("Russia", "Country", "2"), ("United States", "Country", "2"), ("Xi Jinping", "Person", "2")]
    by_label = {x["label"]: x for x in r}
    assert by_label["Reuters"]["class"] == "MediaOrganization"
    assert by_label["Reuters"]["facts"] == "0"
    assert len(r) == 9


# ------------------------------------------------------------------ parameters and errors

@pytest.mark.parametrize("name,param", [("entity", "entity"), ("by-modality", "modality"),
                                        ("attributed", "source")])
def test_param_injection_matches_nothing(ds, name, param):
    for value in [INJECTION, "x') } UNION { ?s ?p ?o } #", "?entity", "<https://kg.example.org/id/xi-jinping>"]:
        assert run(ds, name, {param: value}) == []
    assert len(run(ds, "facts")) == 5  # nothing was dropped


def test_missing_param(ds):
    with pytest.raises(KgError) as e:
        run_query(ds, load_query("entity"))
    assert "entity" in str(e.value) and "missing" in str(e.value)


def test_unknown_param(ds):
    with pytest.raises(KgError) as e:
        run_query(ds, load_query("entity"), {"entity": "Xi", "colour": "red"})
    assert "colour" in str(e.value)
    with pytest.raises(KgError):
        run_query(ds, load_query("facts"), {"entity": "Xi"})


def test_adhoc_query_params_bound_to_variables(ds):
    q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?e WHERE { ?e rdfs:label ?name }"
    assert rows(run_query(ds, q, {"name": "Moscow"})) == [{"e": "https://kg.example.org/id/moscow"}]
    with pytest.raises(KgError):
        run_query(ds, q, {"nosuch": "x"})


def test_syntax_error_one_line(ds):
    with pytest.raises(KgError) as e:
        run_query(ds, "SELECT ?x WHERE { ?x ?y }")
    msg = str(e.value)
    assert "\n" not in msg and "syntax" in msg.lower()
    with pytest.raises(KgError):
        run_query(ds, "SELECT ?x WHERE { ?x nope:p ?y }")


# ------------------------------------------------------------------ formatting

def test_format_table(ds):
    out = format_result(run_query(ds, load_query("visits")), "table")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["visitor", "visited", "modality"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "Xi Jinping" in lines[2] and "Moscow" in lines[2] and "planned" in lines[2]
    assert lines[-1] == "(1 row)"
    # columns are aligned: 'visited' header starts where 'Moscow' starts
    assert lines[0].index("visited") == lines[2].index("Moscow")
    assert out.endswith(")\n") and not out.endswith("\n\n")


def test_format_table_max_width(ds):
    result = run_query(ds, load_query("facts"))
    cut = format_result(result, "table", max_width=20)
    assert "Sources told Reuters Xi could visit Moscow next week." not in cut
    assert "Sources told Reuter…" in cut
    whole = format_result(result, "table", max_width=None)
    assert "Sources told Reuters Xi could visit Moscow next week." in whole


def test_format_csv_tsv(ds):
    result = run_query(ds, load_query("facts"))
    c = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert c[0] == [str(v) for v in result.vars]
    assert len(c) == 6
    t = format_result(result, "tsv").rstrip("\n").split("\n")
    assert t[0].split("\t") == c[0]
    assert len(t) == 6 and all(len(line.split("\t")) == len(c[0]) for line in t)


def test_format_json(ds):
    result = run_query(ds, load_query("visits"))
    data = json.loads(format_result(result, "json"))
    assert data["head"]["vars"][:2] == ["visitor", "visited"]
    b = data["results"]["bindings"][0]
    assert b["visitor"]["value"] == "Xi Jinping" and b["modality"]["value"] == "planned"


def test_format_ask_and_construct(ds):
    ask = run_query(ds, "PREFIX kg: <https://kg.example.org/ontology#> ASK { ?s kg:visits ?o }")
    assert format_result(ask, "table") == "true\n"
    assert json.loads(format_result(ask, "json"))["boolean"] is True
    q = ("PREFIX kg: <https://kg.example.org/ontology#> "
         "CONSTRUCT { ?s kg:visits ?o } WHERE { ?s kg:visits ?o }")
    con = run_query(ds, q)
    ttl = format_result(con, "table")
    assert "kg:visits" in ttl
    assert len(Graph().parse(data=ttl, format="turtle")) == 1
    assert len(Graph().parse(data=format_result(con, "json"), format="json-ld")) == 1


def test_format_unknown(ds):
    with pytest.raises(KgError):
        format_result(run_query(ds, load_query("visits")), "xml")
