"""Tests for ontology/kg.ttl and ontology/shapes.ttl."""
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import KG

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

INTERACTIONS = {
    "visits": {"04"}, "meetsWith": {"04"}, "invites": {"03"}, "appealsTo": {"02", "10"},
    "supports": {"05"}, "opposes": {"11", "12"}, "accuses": {"11"}, "threatens": {"13"},
    "sanctions": {"16"}, "withdrawsFrom": {"16"}, "attacks": {"18", "19"}, "captures": {"19"},
    "defends": {"19"}, "invades": {"19"}, "fightsAgainst": {"19"}, "suppliesArmsTo": {"07"},
    "providesAidTo": {"07"}, "tradesWith": {"06"}, "alliedWith": {"05"},
    "signsAgreementWith": {"05"}, "proposes": {"03"},
}
STANDING = {"leads", "memberOf", "spokespersonFor", "partOf", "locatedIn"}
SYMMETRIC = {"meetsWith", "fightsAgainst", "tradesWith", "alliedWith", "signsAgreementWith"}
CLASSES = {"Actor", "Person", "Place", "Country", "City", "Region", "Organization",
           "GovernmentBody", "ArmedGroup", "MilitaryForce", "InternationalOrganization",
           "MediaOrganization", "Topic", "Article", "Sentence", "Fact", "Modality"}
MODALITIES = {"asserted", "planned", "negated", "alleged"}
SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"


@pytest.fixture(scope="module")
def onto():
    g = Graph()
    g.parse(ONTOLOGY, format="turtle")
    return g


def kg_terms(g):
    return {t for t in set(g.subjects()) | set(g.objects())
            if isinstance(t, URIRef) and str(t).startswith(str(KG))}


def test_ontology_header(onto):
    o = URIRef("https://kg.example.org/ontology")
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, RDFS.label) and onto.value(o, RDFS.comment)


def test_every_kg_term_is_declared_labelled_and_commented(onto):
    terms = kg_terms(onto)
    assert len(terms) > 40
    for t in terms:
        assert onto.value(t, RDF.type) is not None, f"{t} not declared"
        for p in (RDFS.label, RDFS.comment):
            values = list(onto.objects(t, p))
            assert values, f"{t} has no {p}"
            assert any(isinstance(v, Literal) and v.language == "en" for v in values), (t, p)


def test_classes(onto):
    for name in CLASSES:
        assert (KG[name], RDF.type, OWL.Class) in onto, name
    sub = lambda a, b: (KG[a], RDFS.subClassOf, b) in onto  # noqa: E731
    for c in ("Country", "City", "Region"):
        assert sub(c, KG.Place)
    for c in ("GovernmentBody", "ArmedGroup", "MilitaryForce", "InternationalOrganization",
              "MediaOrganization"):
        assert sub(c, KG.Organization)
    for c in ("Person", "Organization", "Country"):
        assert sub(c, KG.Actor)
    assert sub("Article", URIRef(SCHEMA + "NewsArticle"))
    assert sub("Fact", RDF.Statement)


def test_alignments(onto):
    sub = lambda a, b: (KG[a], RDFS.subClassOf, URIRef(b)) in onto  # noqa: E731
    assert sub("Person", SCHEMA + "Person") and sub("Place", SCHEMA + "Place")
    assert sub("Country", SCHEMA + "Country") and sub("City", SCHEMA + "City")
    assert sub("Organization", SCHEMA + "Organization")
    assert sub("GovernmentBody", SCHEMA + "GovernmentOrganization")
    assert sub("Actor", SEM + "Actor") and sub("Place", SEM + "Place")
    prov_entity = URIRef("http://www.w3.org/ns/prov#Entity")
    assert (KG.Sentence, RDFS.subClassOf, prov_entity) in onto
    assert (KG.Article, RDFS.subClassOf, prov_entity) in onto
    close = {(s, o) for s, o in onto.subject_objects(SKOS.closeMatch)}
    for cls, q in [("Person", "Q5"), ("Country", "Q6256"), ("City", "Q515"), ("Organization", "Q43229")]:
        assert (KG[cls], URIRef(WD + q)) in close
    # Wikidata items are not OWL classes: never equivalence
    assert not any(str(o).startswith(WD) for o in onto.objects(None, OWL.equivalentClass))
    assert (KG.partOf, RDFS.subPropertyOf, URIRef(WDT + "P361")) in onto
    assert (KG.memberOf, RDFS.subPropertyOf, URIRef(WDT + "P463")) in onto
    assert (URIRef(WDT + "P131"), RDFS.subPropertyOf, KG.locatedIn) in onto


def test_relations(onto):
    relations = set(INTERACTIONS) | STANDING
    assert len(relations) == 26
    for name in relations:
        assert (KG[name], RDF.type, OWL.ObjectProperty) in onto, name
    for name in INTERACTIONS:
        assert (KG[name], RDFS.subPropertyOf, KG.interaction) in onto, name
    for name in STANDING:
        assert (KG[name], RDFS.subPropertyOf, KG.standingRelation) in onto, name
    declared_symmetric = {str(s)[len(str(KG)):] for s in onto.subjects(RDF.type, OWL.SymmetricProperty)}
    assert declared_symmetric == SYMMETRIC
    # nothing else pretends to be a relation
    grouped = set(onto.subjects(RDFS.subPropertyOf, KG.interaction)) | \
        set(onto.subjects(RDFS.subPropertyOf, KG.standingRelation))
    assert {str(s)[len(str(KG)):] for s in grouped} == relations


def test_cameo_codes(onto):
    assert (KG.cameoCode, RDF.type, OWL.AnnotationProperty) in onto
    for name, codes in INTERACTIONS.items():
        assert {str(c) for c in onto.objects(KG[name], KG.cameoCode)} == codes, name
    for name in STANDING:
        assert onto.value(KG[name], KG.cameoCode) is None


def test_modalities(onto):
    for name in MODALITIES:
        assert (KG[name], RDF.type, KG.Modality) in onto
    assert {str(m)[len(str(KG)):] for m in onto.subjects(RDF.type, KG.Modality)} == MODALITIES
    assert (KG.modality, RDFS.range, KG.Modality) in onto


def test_fact_and_sentence_properties(onto):
    prov = "http://www.w3.org/ns/prov#"
    assert (KG.claimedBy, RDFS.subPropertyOf, URIRef(prov + "wasAttributedTo")) in onto
    for p in ("modality", "claimedBy", "article"):
        assert (KG[p], RDF.type, OWL.ObjectProperty) in onto, p
    for p in ("time", "timeFromArticleDate", "rule", "text", "index", "startOffset",
              "endOffset", "articleId"):
        assert (KG[p], RDF.type, OWL.DatatypeProperty) in onto, p


# ------------------------------------------------------------------ SHACL

DATA = """
@prefix kg:      <https://kg.example.org/ontology#> .
@prefix id:      <https://kg.example.org/id/> .
@prefix fact:    <https://kg.example.org/fact/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

id:xi-jinping a kg:Person ; rdfs:label "Xi Jinping" ; skos:altLabel "Xi" .
id:moscow a kg:City ; rdfs:label "Moscow" .
id:reuters a kg:MediaOrganization ; rdfs:label "Reuters" .

<https://kg.example.org/article/a1> a kg:Article ; kg:articleId "a1" ;
    dcterms:title "Xi could visit Putin" ; dcterms:date "2023-03-14"^^xsd:date ;
    schema:url <https://example.org/a1> ; dcterms:source "Reuters" ; dcterms:license "CC BY 2.5" .
<https://kg.example.org/article/a1/s0> a kg:Sentence ;
    kg:text "Xi could visit Moscow next week." ; kg:index 0 ;
    kg:startOffset 0 ; kg:endOffset 32 ;
    dcterms:isPartOf <https://kg.example.org/article/a1> .

id:xi-jinping kg:visits id:moscow .
fact:f1 a kg:Fact, rdf:Statement ;
    rdf:subject id:xi-jinping ; rdf:predicate kg:visits ; rdf:object id:moscow ;
    kg:modality kg:planned ; kg:claimedBy id:reuters ;
    kg:time "2023-03"^^xsd:gYearMonth ; kg:rule "verb:visit" ;
    prov:wasDerivedFrom <https://kg.example.org/article/a1/s0> ;
    kg:article <https://kg.example.org/article/a1> .
"""


@pytest.fixture(scope="module")
def shapes():
    g = Graph()
    g.parse(SHAPES, format="turtle")
    return g


def test_shapes_parse(shapes):
    sh = "http://www.w3.org/ns/shacl#"
    targets = set(shapes.objects(None, URIRef(sh + "targetClass")))
    assert {KG.Fact, KG.Sentence, KG.Article, KG.Person, KG.Topic} <= targets


def validate(data: str, shapes):
    pyshacl = pytest.importorskip("pyshacl")
    g = Graph().parse(data=data, format="turtle")
    conforms, _, text = pyshacl.validate(g, shacl_graph=shapes, inference="none")
    return conforms, text


def test_valid_data_conforms(shapes):
    conforms, text = validate(DATA, shapes)
    assert conforms, text


def test_valid_data_with_ontology_conforms(shapes):
    pyshacl = pytest.importorskip("pyshacl")
    g = Graph().parse(data=DATA, format="turtle")
    conforms, _, text = pyshacl.validate(g, shacl_graph=shapes, ont_graph=Graph().parse(ONTOLOGY),
                                         inference="rdfs")
    assert conforms, text


@pytest.mark.parametrize("old,new,expect", [
    ("kg:modality kg:planned ;", "", "modality"),                          # fact without modality
    ("kg:modality kg:planned ;", "kg:modality kg:planned, kg:asserted ;", "modality"),
    ("kg:modality kg:planned ;", "kg:modality kg:maybe ;", "modality"),
    ("rdf:predicate kg:visits ;", "rdf:predicate kg:likes ;", "predicate"),
    ("rdf:object id:moscow ;", "", "object"),
    ("kg:claimedBy id:reuters ;", "kg:claimedBy id:reuters, id:xi-jinping ;", "claimedBy"),
    ('"2023-03"^^xsd:gYearMonth', '"next week"', "time"),
    ("prov:wasDerivedFrom <https://kg.example.org/article/a1/s0> ;",
     "prov:wasDerivedFrom <https://kg.example.org/article/a1> ;", "Sentence"),
    ("kg:startOffset 0 ;", 'kg:startOffset "0" ;', "startOffset"),
    ("kg:endOffset 32 ;", "kg:endOffset -1 ;", "endOffset"),
    ('dcterms:title "Xi could visit Putin" ;', "", "title"),
    ('kg:articleId "a1" ;', "", "articleId"),
    ('rdfs:label "Moscow" .', 'rdfs:label "Moscow", "Moskva" .', "label"),
    ('id:reuters a kg:MediaOrganization ; rdfs:label "Reuters" .', "id:reuters a kg:MediaOrganization .", "label"),
])
def test_invalid_data_does_not_conform(shapes, old, new, expect):
    assert old in DATA
    conforms, text = validate(DATA.replace(old, new, 1), shapes)
    assert not conforms
    assert expect in text
