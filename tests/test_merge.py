"""kg merge: reconciled entities, named graphs kept, facts counted by independent reports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Literal, URIRef

import kg
from kg.cli import main
from kg.merging import merge_dataset
from kg.namespaces import KG, OWL, RDF, RDFS, SKOS
from kg.reconcile import ClassHierarchy, normalise_name

DATA = Path(__file__).resolve().parent / "data"
ARTICLES = DATA / "merge"
EXTERNAL = DATA / "external"
WIKIDATA = EXTERNAL / "wikidata-extract.ttl"
GEONAMES = EXTERNAL / "geonames-extract.rdf"
CLASH = EXTERNAL / "name-clash.ttl"
OTHER = "https://other.example.org/"
ID = "https://kg.example.org/id/"
WD = "http://www.wikidata.org/entity/"
GN = "http://www.geonames.org/ontology#"

PUTIN, BEIJING = URIRef(ID + "vladimir-putin"), URIRef(ID + "beijing")
MOSCOW = URIRef(ID + "moscow")


@pytest.fixture(scope="module")
def builds(tmp_path_factory, nlp, seed_build):
    """Article A built with the default base, article B (same event, other words) with another
    base, so its entities have other IRIs; and the seed build."""
    root = tmp_path_factory.mktemp("merge")
    kg.build([ARTICLES / "putin-beijing-a.txt"], root / "a", nlp=nlp, html=False)
    kg.build([ARTICLES / "putin-beijing-b.txt"], root / "b", nlp=nlp, html=False, base=OTHER)
    return {"a": root / "a" / "graph.trig", "b": root / "b" / "graph.trig",
            "seed": seed_build.out_dir / "graph.trig", "root": root}


def quads(ds: Dataset) -> set:
    return {(s, p, o, g.identifier if hasattr(g, "identifier") else g)
            for s, p, o, g in ds.quads((None, None, None, None))}


def claim_of(ds, s, p, o):
    """The kg:Claim whose reports state (s, p, o)."""
    for fact in ds.subjects(RDF.subject, s):
        if (fact, RDF.predicate, p) in ds and (fact, RDF.object, o) in ds:
            for claim in ds.subjects(KG.report, fact):
                if (claim, RDF.type, KG.Claim) in ds:
                    return claim
    return None


def test_normalised_names():
    assert normalise_name("The  Kremlin") == "kremlin"
    assert normalise_name("Zelens'kyi") == normalise_name("zelenskyi")
    assert normalise_name("Québec") == "quebec"
    assert normalise_name("Bosnia-Herzegovina") == "bosnia herzegovina"
    assert normalise_name("Theodore") == "theodore"


def test_classes_compatible_along_the_hierarchy():
    h = ClassHierarchy.load()
    assert h.compatible([KG.Place], [KG.City])
    assert h.compatible([KG.Country], [URIRef("https://schema.org/Place")])
    assert not h.compatible([KG.Person], [KG.City])
    assert not h.compatible([KG.City], [KG.Country])
    assert KG.Article not in h.entity_classes and KG.City in h.entity_classes


def test_two_builds_sharing_a_fact(builds):
    ds, report = merge_dataset([builds["a"], builds["b"], builds["seed"]])
    other_putin = URIRef(OTHER + "id/vladimir-putin")
    # entities unified: B's IRIs survive only as owl:sameAs on ours
    assert (PUTIN, OWL.sameAs, other_putin) in ds
    assert (PUTIN, OWL.sameAs, URIRef(WD + "Q7747")) in ds
    assert (BEIJING, OWL.sameAs, URIRef(OTHER + "id/beijing")) in ds
    others = [q for q in ds.quads((None, None, None, None))
              if any(str(t).startswith(OTHER + "id/") for t in q[:3]) and q[1] != OWL.sameAs]
    assert others == []
    # one direct triple, stated in both article graphs
    assert len(list(ds.triples((PUTIN, KG.visits, BEIJING)))) == 1
    graphs = {str(g.identifier if hasattr(g, "identifier") else g)
              for *_, g in ds.quads((PUTIN, KG.visits, BEIJING, None))}
    assert graphs == {"https://kg.example.org/graph/article/putin-beijing-a",
                      OTHER + "graph/article/putin-beijing-b"}
    # one Fact node per report, each with its own sentence and article
    facts = [f for f in ds.subjects(RDF.subject, PUTIN)
             if (f, RDF.type, KG.Fact) in ds and (f, RDF.predicate, KG.visits) in ds
             and (f, RDF.object, BEIJING) in ds]
    assert len(facts) == 2
    assert len({ds.value(f, KG.article) for f in facts}) == 2
    texts = {str(ds.value(ds.value(f, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")),
                          KG.text)) for f in facts}
    assert any("visited Beijing" in t for t in texts) and any("travelled to" in t for t in texts)
    claim = claim_of(ds, PUTIN, KG.visits, BEIJING)
    assert ds.value(claim, KG.reportCount) == Literal(2)
    assert set(ds.objects(claim, KG.report)) == set(facts)
    # the report
    assert report.claims_multi >= 1 and report.facts > report.claims
    assert report.entities_before > report.entities_after
    assert (PUTIN, other_putin, "same Wikidata Q7747") in report.merged
    assert "id:vladimir-putin <- <https://other.example.org/id/vladimir-putin> (same Wikidata " \
           "Q7747)" in report.summary(examples=50)


def test_one_article_twice_counts_once(builds, nlp, tmp_path):
    # the same text under another name (another article id, so other Fact IRIs)
    copy = tmp_path / "copy-of-a.txt"
    shutil.copy(ARTICLES / "putin-beijing-a.txt", copy)
    kg.build([copy], tmp_path / "copy", nlp=nlp, html=False)
    ds, _ = merge_dataset([builds["a"], tmp_path / "copy" / "graph.trig", builds["a"]])
    claim = claim_of(ds, PUTIN, KG.visits, BEIJING)
    assert len(set(ds.objects(claim, KG.report))) == 2
    assert ds.value(claim, KG.reportCount) == Literal(1)


def test_a_copied_sentence_is_not_an_independent_report(builds, nlp, tmp_path):
    text = (ARTICLES / "putin-beijing-a.txt").read_text(encoding="utf-8")
    other = text.replace("https://news.example.org/2024/05/16/putin-visits-beijing",
                         "https://syndicated.example.com/putin-in-beijing")
    other = other.replace("The two leaders signed", "Both leaders later signed")
    (tmp_path / "syndicated.txt").write_text(other, encoding="utf-8")
    kg.build([tmp_path / "syndicated.txt"], tmp_path / "s", nlp=nlp, html=False)
    ds, _ = merge_dataset([builds["a"], tmp_path / "s" / "graph.trig", builds["b"]])
    claim = claim_of(ds, PUTIN, KG.visits, BEIJING)
    assert len(set(ds.objects(claim, KG.report))) == 3
    assert ds.value(claim, KG.reportCount) == Literal(2)  # A and its copy count once


def test_old_counts_are_dropped(builds, tmp_path):
    # a merged output without named graphs: its claims sit in the file's dataset graph
    first = kg.merge([builds["a"]], tmp_path / "a.ttl")
    ds, _ = merge_dataset([first.out, builds["b"]])
    claim = claim_of(ds, PUTIN, KG.visits, BEIJING)
    assert list(ds.objects(claim, KG.reportCount)) == [Literal(2)]
    graphs = {g for s, p, o, g in quads(ds) if p == KG.reportCount}
    assert graphs == {URIRef("https://kg.example.org/graph/reports")}


def test_one_id_for_two_articles_is_reported(builds, nlp, tmp_path):
    text = (ARTICLES / "putin-beijing-b.txt").read_text(encoding="utf-8")
    (tmp_path / "putin-beijing-a.txt").write_text(text, encoding="utf-8")  # A's id, B's text
    kg.build([tmp_path / "putin-beijing-a.txt"], tmp_path / "other", nlp=nlp, html=False)
    _, report = merge_dataset([builds["a"], tmp_path / "other" / "graph.trig"])
    assert report.clashing_articles == [URIRef("https://kg.example.org/article/putin-beijing-a")]
    assert "warning: 1 article IRI(s) stand for different articles" in report.summary()


def test_symmetric_relation_is_one_claim(tmp_path):
    doc = tmp_path / "two.trig"
    doc.write_text("""
@prefix kg: <https://kg.example.org/ontology#> .
@prefix id: <https://kg.example.org/id/> .
@prefix art: <https://kg.example.org/article/> .
@prefix fact: <https://kg.example.org/fact/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix schema: <https://schema.org/> .
<https://kg.example.org/graph/article/x> {
  art:x a kg:Article ; schema:url <https://example.org/x> .
  id:a kg:meetsWith id:b .
  fact:1 a kg:Fact ; rdf:subject id:a ; rdf:predicate kg:meetsWith ; rdf:object id:b ;
      kg:article art:x .
}
<https://kg.example.org/graph/article/y> {
  art:y a kg:Article ; schema:url <https://example.org/y> .
  id:b kg:meetsWith id:a .
  fact:2 a kg:Fact ; rdf:subject id:b ; rdf:predicate kg:meetsWith ; rdf:object id:a ;
      kg:article art:y .
}
<https://kg.example.org/graph/reports> {
  <https://kg.example.org/claim/old> a kg:Claim ; kg:reportCount 99 .
}
""", encoding="utf-8")
    ds, report = merge_dataset([doc])
    claims = list(ds.subjects(RDF.type, KG.Claim))
    assert len(claims) == 1 and ds.value(claims[0], KG.reportCount) == Literal(2)
    assert (report.facts, report.claims, report.claims_multi) == (2, 1, 1)


def test_person_named_like_a_city_stays_apart(builds):
    ds, report = merge_dataset([builds["seed"], CLASH])
    person = URIRef("https://data.example.com/people/moscow")
    city = URIRef("https://data.example.com/places/city-of-moscow")
    assert (person, RDF.type, KG.Person) in ds and (person, RDFS.label, Literal("Moscow")) in ds
    assert (MOSCOW, OWL.sameAs, person) not in ds and (MOSCOW, RDF.type, KG.Person) not in ds
    # another project's city of the same name joins ours; its label becomes an alternative
    assert (MOSCOW, OWL.sameAs, city) in ds and not list(ds.triples((city, None, None)))
    assert (MOSCOW, URIRef("https://schema.org/telephoneAreaCode"), Literal("495")) in ds
    assert set(ds.objects(MOSCOW, RDFS.label)) == {Literal("Moscow")}
    assert {Literal("MOSCOW", lang="en"), Literal("Moskva", lang="en")} <= \
        set(ds.objects(MOSCOW, SKOS.altLabel))
    # every name has its kg:nameKey, so the canned queries find the city by the other names
    keys = {str(k) for k in ds.objects(MOSCOW, KG.nameKey)}
    assert {"moscow", "moskva"} <= keys
    assert report.kept_apart == [(MOSCOW, person, "same name 'moscow', incompatible classes")]
    assert "id:moscow / ex:moscow (same name 'moscow', incompatible classes)" in report.summary()


def test_external_datasets_attach(builds):
    ds, report = merge_dataset([builds["seed"], WIKIDATA, GEONAMES])
    population_and_head = """
    PREFIX kg: <https://kg.example.org/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX wdt: <http://www.wikidata.org/prop/direct/>
    SELECT DISTINCT ?country ?population ?head WHERE {
      ?xi rdfs:label "Xi Jinping" ; kg:visits ?country .
      ?country a kg:Country ; wdt:P1082 ?population ; wdt:P35 ?head .
    }"""
    rows = {tuple(r) for r in ds.query(population_and_head)}
    assert {(c, int(p), h) for c, p, h in rows} == {(URIRef(ID + "russia"), 146171015, PUTIN)}
    # one rdfs:label per entity (ours); Wikidata's names in other languages are alternatives
    assert list(ds.objects(PUTIN, RDFS.label)) == [Literal("Vladimir Putin")]
    assert Literal("Владимир Путин", lang="ru") in set(ds.objects(PUTIN, SKOS.altLabel))
    # China is linked only by its GeoNames ID (wdt:P1566), and its head of state is ours
    assert (URIRef(ID + "china"), URIRef("http://www.wikidata.org/prop/direct/P35"),
            URIRef(ID + "xi-jinping")) in ds
    captured = """
    PREFIX kg: <https://kg.example.org/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX gn: <http://www.geonames.org/ontology#>
    PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
    SELECT DISTINCT ?town ?population WHERE {
      ?wagner rdfs:label "Wagner Group" ; kg:captures ?place .
      ?place kg:partOf* ?town .
      ?town gn:population ?population ; geo:lat ?lat ; geo:long ?long .
    }"""
    rows = {(str(t), str(p)) for t, p in ds.query(captured)}
    assert rows == {(ID + "bakhmut", "77620")}
    assert ("https://kg.example.org/id/bakhmut", "https://sws.geonames.org/713174/",
            "same GeoNames 713174") in {tuple(map(str, m)) for m in report.merged}


def test_merge_is_idempotent_and_order_independent(builds, tmp_path):
    inputs = [builds["seed"], builds["a"], builds["b"], WIKIDATA, GEONAMES, CLASH]
    first = kg.merge(inputs, tmp_path / "ab")
    kg.merge(list(reversed(inputs)), tmp_path / "ba")
    kg.merge([first.out, builds["b"], WIKIDATA], tmp_path / "ab-b")
    ab, ba, abb = (kg.load([tmp_path / name / "graph.trig"]) for name in ("ab", "ba", "ab-b"))
    assert quads(ab) == quads(ba) == quads(abb)
    assert len(quads(ab)) == first.quads_out


def test_blank_nodes_are_not_copied_again(builds, tmp_path):
    ontology = DATA.parent.parent / "ontology" / "kg.ttl"  # OWL lists and restrictions
    first = kg.merge([builds["seed"], ontology], tmp_path / "m")
    once, _ = merge_dataset([builds["seed"], ontology])
    again, _ = merge_dataset([ontology, first.out, builds["seed"]])
    assert any(isinstance(q[0], BNode) for q in quads(once))
    assert quads(once) == quads(again)


@pytest.mark.parametrize("fmt,suffix,named", [("nquads", ".nq", True), ("jsonld", ".jsonld", True),
                                              ("turtle", ".ttl", False), ("nt", ".nt", False)])
def test_every_format_in_and_out(builds, tmp_path, fmt, suffix, named):
    reference, _ = merge_dataset([builds["seed"]])
    report = kg.merge([builds["seed"]], tmp_path / ("merged" + suffix))
    assert report.out == tmp_path / ("merged" + suffix) and report.out.is_file()
    again, _ = merge_dataset([report.out])
    if named:  # the named graphs come back as they were
        assert quads(again) == quads(reference)
    else:  # the triples come back, in the graph named after the file
        assert set(again.triples((None, None, None))) == set(reference.triples((None, None, None)))
        names = {str(g.identifier) for g in again.graphs() if len(g)}
        assert len(names) == 2  # the dataset graph and the recomputed reports
        assert any(n.startswith("https://kg.example.org/graph/dataset/merged-") for n in names)


def test_rdfxml_and_plain_jsonld_go_into_a_dataset_graph(tmp_path):
    from rdflib import Graph

    plain = tmp_path / "clash.jsonld"
    plain.write_text(Graph().parse(CLASH).serialize(format="json-ld"), encoding="utf-8")
    ds, _ = merge_dataset([GEONAMES, plain])
    names = sorted(str(g.identifier) for g in ds.graphs() if len(g))
    assert len(names) == 2  # no facts: no reports graph
    assert names[0].startswith("https://kg.example.org/graph/dataset/clash-")
    assert names[1].startswith("https://kg.example.org/graph/dataset/geonames-extract-")
    assert (URIRef("https://sws.geonames.org/524901/"), URIRef(GN + "population"),
            Literal("10381222")) in ds


def test_named_graphs_kept(builds):
    ds, report = merge_dataset([builds["seed"], builds["b"], WIKIDATA])
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert {"https://kg.example.org/graph/article/000_c579be2394bfa4f1",
            "https://kg.example.org/graph/entities", OTHER + "graph/article/putin-beijing-b",
            OTHER + "graph/entities", "https://kg.example.org/graph/reports"} <= names
    assert any(n.startswith("https://kg.example.org/graph/dataset/wikidata-extract-")
               for n in names)
    assert report.graphs == len(names)
    # no project IRI for Beijing here: another build's IRI wins over Wikidata's
    assert (URIRef(OTHER + "id/beijing"), OWL.sameAs, URIRef(WD + "Q956")) in ds


def test_cli_report_and_bad_input(builds, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["merge", str(builds["a"]), str(builds["b"]), str(WIKIDATA),
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "merged 3 inputs" in text and "quads:" in text and "entities:" in text
    assert "(same Wikidata Q7747)" in text and "reported by 2+ independent sources" in text
    assert (out / "graph.trig").is_file()
    before = (out / "graph.trig").read_bytes()

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix a: <http://a/> .\na:x a:y a:z .\na:x a:y .\n", encoding="utf-8")
    result = runner.invoke(main, ["merge", str(builds["a"]), str(bad), "-o", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:3" in lines[0] and "Traceback" not in result.output
    assert (out / "graph.trig").read_bytes() == before  # nothing written
    for args in ([str(tmp_path / "missing.trig")], [str(DATA / "README.md")]):
        result = runner.invoke(main, ["merge", *args, "-o", str(tmp_path / "x.trig")])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
        assert not (tmp_path / "x.trig").exists()
