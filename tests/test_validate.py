"""kg validate: real builds conform to ontology/shapes.ttl; broken graphs are told in plain words.

Real builds: the seed, the development articles and the Wikinews corpus. Broken graphs: the
seed's build with one thing changed (a fact without modality, with two subjects, without its
sentence; a Country leading a Person; an entity without label or class...), each checked
through the API and through `kg validate` (exit 1). Unreadable inputs: exit 2, one line.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

import kg
from kg.cli import main
from kg.namespaces import KG, PROV, Base
from kg.validate import ONTOLOGY, SENTENCE_CHARS, SHAPES

DATA = Path(__file__).resolve().parent / "data"
KGSH = "https://kg.example.org/shapes#"
ID = Base().entity


@pytest.fixture(scope="module")
def dev_build(tmp_path_factory, nlp):
    return kg.build([DATA / "dev"], tmp_path_factory.mktemp("dev"), nlp=nlp, html=False)


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, ["validate", *map(str, args)])


# ------------------------------------------------------------------ real builds


def test_seed_build_validates_clean(seed_build, runner):
    trig = seed_build.out_dir / "graph.trig"
    report = kg.validate([trig])
    assert report.conforms, report.text()
    assert report.violations == []
    assert (report.facts, report.entities) == (seed_build.facts, seed_build.entities)
    done = run(runner, trig)
    assert done.exit_code == 0, done.output
    assert done.output == f"valid: {seed_build.facts} facts, {seed_build.entities} entities\n"


def test_seed_build_validates_clean_in_every_format(seed_build, runner, tmp_path):
    ttl = seed_build.out_dir / "graph.ttl"
    for fmt, suffix in (("nt", ".nt"), ("nquads", ".nq"), ("jsonld", ".jsonld")):
        path = tmp_path / f"graph{suffix}"
        kg.write_dataset(kg.load([seed_build.out_dir / "graph.trig"]), path, fmt)
        assert kg.validate([path]).conforms, fmt
    done = run(runner, ttl, seed_build.out_dir / "graph.trig")  # the same triples twice
    assert done.exit_code == 0, done.output


def test_dev_build_validates_clean(dev_build):
    report = kg.validate([dev_build.out_dir / "graph.trig"])
    assert report.conforms, report.text()
    assert report.summary() == f"valid: {dev_build.facts} facts, {dev_build.entities} entities"


def test_corpus_build_validates_clean(corpus_build):
    """Every fact of the Wikinews corpus build has its subject, relation, object, modality and
    sentence, every entity its class and label, and every relation's ends fit its domain and
    range (the extractor drops candidate facts that would not: kg.ontology)."""
    report = kg.validate([corpus_build.out_dir / "graph.trig"])
    assert report.conforms, report.text()
    assert report.facts == corpus_build.facts and report.entities == corpus_build.entities


# ------------------------------------------------------------------ broken graphs


@pytest.fixture(scope="module")
def seed_graph(seed_build):
    """The seed build as one graph, and its fact "Xi could visit Moscow next week"."""
    graph = Graph().parse(seed_build.out_dir / "graph.ttl", format="turtle")
    facts = sorted(f for f in graph.subjects(RDF.predicate, KG.visits)
                   if (f, RDF.subject, ID["xi-jinping"]) in graph
                   and (f, RDF.object, ID["moscow"]) in graph)
    fact = next(f for f in facts if "next week" in graph.value(
        graph.value(f, PROV.wasDerivedFrom), KG.text))
    return graph, fact


def fact_line(graph, fact) -> str:
    text = " ".join(str(graph.value(graph.value(fact, PROV.wasDerivedFrom), KG.text)).split())
    if len(text) > SENTENCE_CHARS:  # long sentences are cut
        text = text[:SENTENCE_CHARS - 1] + "…"
    return f'Fact fact:{str(fact).rsplit("/", 1)[1]} (sentence: "{text}"): '


def without_modality(g, f):
    g.remove((f, KG.modality, None))
    return [fact_line(g, f) + "has no modality"]


def with_two_subjects(g, f):
    g.add((f, RDF.subject, ID["china"]))
    return [fact_line(g, f) + "has 2 subjects (id:china (Country), id:xi-jinping (Person)); "
                              "only one is allowed"]


def with_unknown_modality(g, f):
    g.set((f, KG.modality, KG.maybe))
    return [fact_line(g, f) + "has modality kg:maybe, which is not one of kg:asserted, "
                              "kg:planned, kg:negated or kg:alleged"]


def with_unknown_relation(g, f):
    g.set((f, RDF.predicate, KG.likes))
    return [fact_line(g, f) + "has relation kg:likes, which is not one of the 26 allowed values"]


def without_sentence(g, f):
    g.remove((f, PROV.wasDerivedFrom, None))
    return [f"Fact fact:{str(f).rsplit('/', 1)[1]} (no sentence): has no source sentence"]


def with_sentence_without_text(g, f):
    sentence = g.value(f, PROV.wasDerivedFrom)
    g.remove((sentence, KG.text, None))
    short = "art:" + str(sentence).split("/article/")[1]
    return [f"Sentence {short} has no text"] + [
        f"Fact fact:{str(other).rsplit('/', 1)[1]} (no sentence): has no source sentence"
        for other in g.subjects(PROV.wasDerivedFrom, sentence)]


def country_leads_person(g, f):
    """China leads Xi Jinping, as a direct triple and as the fact's statement."""
    g.add((ID["china"], KG.leads, ID["xi-jinping"]))
    g.set((f, RDF.subject, ID["china"]))
    g.set((f, RDF.predicate, KG.leads))
    g.set((f, RDF.object, ID["xi-jinping"]))
    need = "kg:leads needs a Country or an Organization as object"
    return [("id:xi-jinping (Person) is the object of kg:leads with subject id:china (Country), "
             "but " + need),
            fact_line(g, f) + "has object id:xi-jinping (Person), but " + need]


def city_visits(g, f):
    g.add((ID["moscow"], KG.visits, ID["china"]))
    return [("id:moscow (City) is the subject of kg:visits with object id:china (Country), but "
             "kg:visits needs an Actor as subject")]


def city_claims(g, f):
    g.set((f, KG.claimedBy, ID["moscow"]))
    name = "fact:" + str(f).rsplit("/", 1)[1]
    return [(f"id:moscow (City) is the object of kg:claimedBy with subject {name}, but "
             "kg:claimedBy needs an Actor as object")]


def entity_without_label(g, f):
    g.remove((ID["moscow"], RDFS.label, None))
    return ["id:moscow (City) has no label"]


def entity_with_two_labels(g, f):
    g.add((ID["moscow"], RDFS.label, Literal("Moskva")))
    return ['id:moscow (City) has 2 labels ("Moscow", "Moskva"); only one is allowed']


def entity_without_class(g, f):
    g.remove((ID["moscow"], RDF.type, None))
    need = "kg:visits needs an Actor or a Place as object"
    return ["id:moscow has no class"] + [
        f"id:moscow is the object of kg:visits with subject {subject}, but {need}"
        for subject in ("id:china (Country)", "id:xi-jinping (Person)")] + [
        fact_line(g, other) + f"has object id:moscow, but {need}"
        for other in g.subjects(RDF.object, ID["moscow"])]


def interval_backwards(g, f):
    assert g.value(f, KG.timeText) == Literal("next week")
    g.set((f, KG.timeStart, Literal("2023-03-26", datatype=XSD.date)))
    g.set((f, KG.timeEnd, Literal("2023-03-20", datatype=XSD.date)))
    return [fact_line(g, f) + 'has time start "2023-03-26"^^xsd:date, which is after its '
                              "kg:timeEnd"]


BREAKAGES = [without_modality, with_two_subjects, with_unknown_modality, with_unknown_relation,
             without_sentence, with_sentence_without_text, country_leads_person, city_visits,
             city_claims,
             entity_without_label, entity_with_two_labels, entity_without_class,
             interval_backwards]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.__name__)
def test_broken_graph_is_told_in_plain_words(seed_graph, tmp_path, runner, breakage):
    graph, fact = seed_graph
    broken = Graph(bind_namespaces="none") + graph
    for prefix, namespace in graph.namespace_manager.namespaces():
        broken.bind(prefix, namespace)
    expected = breakage(broken, fact)
    path = tmp_path / "broken.ttl"
    broken.serialize(path, format="turtle")

    report = kg.validate([path])
    assert not report.conforms
    lines = [v.message for v in report.violations]
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert len(lines) == len(expected), "\n".join(lines)
    nodes = report.nodes
    assert report.summary() == (f"{len(lines)} violation{'s' * (len(lines) != 1)} in "
                                f"{nodes} node{'s' * (nodes != 1)}")

    done = run(runner, path)
    assert done.exit_code == 1
    assert done.output == report.text() == "\n".join(lines + [report.summary()]) + "\n"


def test_json_report(seed_graph, tmp_path, runner):
    graph, fact = seed_graph
    broken = Graph() + graph
    broken.remove((fact, KG.modality, None))
    path = tmp_path / "broken.ttl"
    broken.serialize(path, format="turtle")
    done = run(runner, path, "--json")
    assert done.exit_code == 1
    report = json.loads(done.output)
    assert report["conforms"] is False
    assert report["summary"] == "1 violation in 1 node"
    [violation] = report["violations"]
    assert violation["node"] == str(fact)
    assert violation["name"] == "fact:" + str(fact).rsplit("/", 1)[1]
    assert violation["path"] == str(KG.modality)
    assert violation["message"].endswith("): has no modality")
    assert violation["severity"] == "Violation"


def test_validate_takes_a_graph(seed_graph):
    graph, _ = seed_graph
    assert kg.validate(graph).conforms
    assert kg.validate(kg.load([])).summary() == "valid: 0 facts, 0 entities"


def test_other_shapes(seed_build, tmp_path, runner):
    """--shapes: any SHACL file; a violation without kg's wording keeps its own message."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kg: <https://kg.example.org/ontology#> .
        <urn:x:PersonsHaveWikidata> a sh:NodeShape ; sh:targetClass kg:Person ;
            sh:property [ sh:path <http://www.w3.org/2002/07/owl#sameAs> ; sh:minCount 1 ;
                          sh:name "Wikidata link" ] .
        """, encoding="utf-8")
    done = run(runner, seed_build.out_dir / "graph.trig", "--shapes", shapes)
    assert done.exit_code == 1
    assert " (Person) has no Wikidata link\n" in done.output


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("name,text,expected", [
    ("bad.trig", "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e .\n",
     "bad.trig:4: cannot parse as trig"),
    ("bad.nt", ("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
                "<http://example.org/a> <http://example.org/b> .\n"),
     "bad.nt:2: cannot parse as nt"),
    ("bad.jsonld", '{"@id": "http://example.org/a",\n "http://example.org/b": }\n',
     "bad.jsonld:2: cannot parse as json-ld"),
    ("graph.csv", "a,b,c\n", "graph.csv: unknown file extension '.csv'"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, runner, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = run(runner, path)
    assert done.exit_code == 2
    assert done.output.startswith("kg: ") and expected in done.output
    assert done.output.count("\n") == 1 and "Traceback" not in done.output
    with pytest.raises(kg.KgError, match=expected.split(":")[0]):
        kg.validate([path])


def test_missing_file_and_bad_shapes_exit_2(seed_build, tmp_path, runner):
    done = run(runner, tmp_path / "nothing.trig")
    assert done.exit_code == 2 and "nothing.trig: no such file" in done.output
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:a> sh:path\n",
                      encoding="utf-8")
    done = run(runner, seed_build.out_dir / "graph.trig", "--shapes", shapes)
    assert done.exit_code == 2 and "shapes.ttl" in done.output
    assert done.output.count("\n") == 1 and "Traceback" not in done.output


def test_no_input_is_a_usage_error(runner):
    assert run(runner).exit_code == 2


# ------------------------------------------------------------------ shapes and ontology in step


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def onto():
    return Graph().parse(ONTOLOGY, format="turtle")


def in_list(shapes, path):
    node = next(shapes.subjects(SH.path, path))
    return set(Collection(shapes, shapes.value(node, SH["in"])))


def relations(onto):
    return set(onto.subjects(RDFS.subPropertyOf, KG.interaction)) | \
        set(onto.subjects(RDFS.subPropertyOf, KG.standingRelation))


def test_modality_vocabulary_is_the_ontologys(shapes, onto):
    assert in_list(shapes, KG.modality) == set(onto.subjects(RDF.type, KG.Modality))


def test_relations_are_the_ontologys(shapes, onto):
    assert in_list(shapes, RDF.predicate) == relations(onto)
    entity = URIRef(KGSH + "EntityShape")
    assert set(shapes.objects(entity, SH.targetSubjectsOf)) == relations(onto)
    assert set(shapes.objects(entity, SH.targetObjectsOf)) == \
        relations(onto) | {RDF.subject, RDF.object, KG.claimedBy}


def test_entity_classes_are_the_ontologys(shapes, onto):
    roots = {KG.Actor, KG.Place, KG.Topic}
    classes = set(roots)
    while True:
        more = {s for c in classes for s in onto.subjects(RDFS.subClassOf, c)} - classes
        if not more:
            break
        classes |= more
    entity = URIRef(KGSH + "EntityShape")
    assert set(shapes.objects(entity, SH.targetClass)) == classes
    [typed] = [p for p in shapes.objects(entity, SH.property)
               if shapes.value(p, SH.path) == RDF.type]
    qualified = shapes.value(typed, SH.qualifiedValueShape)
    assert set(Collection(shapes, shapes.value(qualified, SH["in"]))) == classes


def test_every_relation_has_a_domain_and_a_range(onto):
    schema = "https://schema.org/"
    for relation in relations(onto):
        assert onto.value(relation, URIRef(schema + "domainIncludes")) is not None, relation
        assert onto.value(relation, URIRef(schema + "rangeIncludes")) is not None, relation
        assert (relation, RDF.type, OWL.ObjectProperty) in onto
