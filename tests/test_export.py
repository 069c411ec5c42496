"""Export formats (kg.export): every format kg writes parses with an independent parser
(Debian's raptor2 `rapper`) with the triple count rdflib reports, JSON-LD reads back to the same
quads with rdflib and with pyld, hostile article text survives every format, a bad --format is
one clear line, and void.ttl describes the build (kg.void)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

import kg
from kg.cli import main
from kg.errors import KgError
from kg.export import CONTEXT_PATH, FORMATS, context, parse_formats, write_dataset
from kg.void import VOID, describe_dataset

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "seeds" / "000_c579be2394bfa4f1.txt"
ALL = list(FORMATS)
KG = Namespace("https://kg.example.org/ontology#")
RAPPER_SYNTAX = {"turtle": "turtle", "trig": "trig", "nt": "ntriples", "nquads": "nquads"}
RDFLIB_SYNTAX = {"turtle": "turtle", "trig": "trig", "nt": "nt", "nquads": "nquads",
                 "jsonld": "json-ld"}
RAPPER = shutil.which("rapper")
needs_rapper = pytest.mark.skipif(RAPPER is None, reason="rapper (Debian raptor2-utils) is not "
                                                         "installed: tests/install.sh installs it")


def rapper_count(path: Path, fmt: str) -> int:
    """Triples (or quads) rapper parses from `path`; fails the test on any parse error."""
    done = subprocess.run([RAPPER, "-i", RAPPER_SYNTAX[fmt], "-c", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and "Warning" not in done.stderr, done.stderr
    return int(re.search(r"returned (\d+) (?:triple|statement)", done.stderr).group(1))


def read(path: Path, fmt: str) -> Dataset:
    ds = Dataset()
    ds.parse(path, format=RDFLIB_SYNTAX[fmt])
    return ds


def quads(ds: Dataset) -> set:
    """(s, p, o, graph name) of a Dataset; the default graph is None."""
    out = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = g.identifier if hasattr(g, "identifier") else g
        out.add((s, p, o, None if name in (None, DATASET_DEFAULT_GRAPH_ID) else name))
    return out


def triples(ds: Dataset) -> set:
    return {(s, p, o) for s, p, o, _ in quads(ds)}


def check_all_formats(out: Path) -> set:
    """Every graph file in `out` parses with rapper and rdflib to the same triples/quads."""
    reference = quads(read(out / "graph.trig", "trig"))
    for fmt in ALL:
        path = out / ("graph" + FORMATS[fmt])
        ds = read(path, fmt)
        if fmt in ("turtle", "nt"):  # one graph: the union of the named graphs
            assert triples(ds) == {q[:3] for q in reference}, fmt
            expected = len(triples(ds))
        else:
            assert quads(ds) == reference, fmt
            expected = len(reference)
        if RAPPER and fmt in RAPPER_SYNTAX:
            assert rapper_count(path, fmt) == expected, fmt
    return reference


@pytest.fixture(scope="module")
def build_all(tmp_path_factory, nlp):
    """The seed and the development articles built once in every format."""
    out = tmp_path_factory.mktemp("all-formats")
    report = kg.build([SEED, DATA / "dev"], out, nlp=nlp, formats=ALL)
    return report, out


# ---------------------------------------------------------------- format names

def test_format_names_aliases_and_lists():
    assert parse_formats(["trig,nt", "jsonld", "ttl", "nq", "trig"]) == \
        ["trig", "nt", "jsonld", "turtle", "nquads"]
    with pytest.raises(KgError) as err:
        parse_formats(["trig,rdfxml"])
    message = str(err.value)
    assert "rdfxml" in message and all(name in message for name in ALL)


def test_bad_format_is_one_line_exit_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SEED), "-o", str(out), "--format", "xml"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "xml" in lines[0], result.stderr
    assert all(name in lines[0] for name in ALL)
    assert "Traceback" not in result.output and not out.exists()


def test_default_build_still_writes_trig_and_turtle(seed_build):
    out = seed_build.out_dir
    assert [p.name for p in seed_build.files] == ["graph.trig", "graph.ttl", "graph.html"]
    assert seed_build.void == out / "void.ttl" and (out / "void.ttl").exists()
    assert not (out / "graph.nt").exists() and not (out / "graph.jsonld").exists()


# ---------------------------------------------------------------- every format, two parsers

@needs_rapper
def test_seed_and_dev_build_parse_with_rapper_in_every_format(build_all):
    report, out = build_all
    assert [p.name for p in report.files] == \
        ["graph.trig", "graph.ttl", "graph.nt", "graph.nq", "graph.jsonld", "graph.html"]
    reference = check_all_formats(out)
    assert len({q[3] for q in reference}) == report.articles + 2  # + entities and reports
    assert len(reference) > len({q[:3] for q in reference})  # some triples are in two graphs


def test_jsonld_reads_back_with_pyld_to_the_same_quads(build_all):
    pyld = pytest.importorskip("pyld", reason="pyld (a second JSON-LD processor) not installed")
    _, out = build_all
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict)  # embedded: reading needs no network
    nquads = pyld.jsonld.to_rdf(doc, {"format": "application/n-quads"})
    again = Dataset()
    again.parse(data=nquads, format="nquads")
    assert quads(again) == quads(read(out / "graph.trig", "trig"))


def test_jsonld_and_nquads_give_oxigraph_the_same_quads(build_all):
    """Oxigraph's parsers (Rust, a third implementation) keep lexical forms: the JSON-LD and the
    N-Quads must agree term for term."""
    ox = pytest.importorskip("pyoxigraph")
    _, out = build_all
    def parse(name, syntax):
        return {str(q) for q in ox.parse(path=str(out / name), format=syntax)}

    jsonld = parse("graph.jsonld", ox.RdfFormat.JSON_LD)
    nquads = parse("graph.nq", ox.RdfFormat.N_QUADS)
    assert jsonld == nquads and len(jsonld) == len(quads(read(out / "graph.trig", "trig")))


def test_jsonld_reads_naturally(build_all):
    _, out = build_all
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    nodes = [node for item in doc["@graph"] for node in item.get("@graph", [item])]
    facts = [n for n in nodes if "Fact" in n.get("type", [])]
    assert facts
    for fact in facts:
        assert fact["modality"] in ("asserted", "planned", "negated", "alleged")
        assert fact["subject"].startswith("id:") and fact["object"].startswith("id:")
        assert fact["predicate"].startswith("kg:")  # a compact IRI: the term carries a type
        assert fact["wasDerivedFrom"].startswith("art:") and fact["article"].startswith("art:")
    sentences = [n for n in nodes if n.get("type") == "Sentence"]
    assert sentences and all(isinstance(n["text"], str) and isinstance(n["index"], int)
                             for n in sentences)
    people = [n for n in nodes if n.get("type") == "Person"]
    assert people and all(isinstance(n["label"], str) for n in people)
    dated = [f for f in facts if isinstance(f.get("time"), str)]
    assert dated and all(re.fullmatch(r"\d{4}-\d\d-\d\d", f["time"]) for f in dated)


def test_the_published_context_covers_the_ontology():
    data = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]
    assert data == context()
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    iris = set()
    for value in data.values():
        iri = value["@id"] if isinstance(value, dict) else value
        if iri.startswith("kg:"):
            iris.add(KG[iri[3:]])
    from rdflib.namespace import OWL

    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class):
        for term in ontology.subjects(RDF.type, kind):
            if str(term).startswith(str(KG)):
                assert term in iris, f"add a short key for {term} to kg/data/context.jsonld"
    assert "data/*.jsonld" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_context_follows_the_base_iri():
    data = context("https://example.net/kg")
    assert data["id"] == "https://example.net/kg/id/"
    assert data["kg"] == str(KG)  # the ontology does not move with the base


# ---------------------------------------------------------------- hostile text

HOSTILE_TITLE = 'Two """ quotes "" \\ back\\slash \\n not a newline\nreal newline } > < @prefix x: <y> .'
HOSTILE_SENTENCES = [
    'Chinese President Xi Jinping visited Moscow on Monday, saying """}} > {{ "@id": "x" } \\.',
    "Russia invaded Ukraine, officials said \u2028 then \u0085 and \x0c and \t tab.",
    'Germany banned Iran\'s Mahan Air on Monday. "Quote \\" inside" ]] ) .',
]


@needs_rapper
def test_hostile_text_parses_in_every_format(nlp, tmp_path):
    body = "\n\n".join(HOSTILE_SENTENCES) + "\n"
    feed = tmp_path / "hostile.jsonl"
    record = {"id": "h<1>\"}", "title": HOSTILE_TITLE, "date": "2023-03-14",
              "url": 'https://example.org/a"b<c>}', "source": '<b>"src"</b> }',
              "license": 'CC "BY" \\ }', "text": body}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    report = kg.build([feed], out, nlp=nlp, formats=ALL, html=False)
    assert report.articles == 1 and report.facts >= 2
    reference = check_all_formats(out)
    texts = {str(o) for s, p, o, g in reference if p == KG.text}
    assert set(HOSTILE_SENTENCES) & texts, texts
    assert Literal(HOSTILE_TITLE) in {o for s, p, o, g in reference if p == DCTERMS.title}
    assert Literal(record["url"]) in {o for s, p, o, g in reference}
    assert rapper_count(out / "void.ttl", "turtle") == len(Graph().parse(out / "void.ttl"))


# ---------------------------------------------------------------- write_dataset

def foreign_dataset() -> Dataset:
    """Data kg did not build: a default graph, another vocabulary, language tags, a blank node."""
    wdt = Namespace("http://www.wikidata.org/prop/direct/")
    ds = Dataset()
    ds.bind("wdt", wdt)
    q = URIRef("http://www.wikidata.org/entity/Q159")
    ds.add((q, RDFS.label, Literal('Russie "}', lang="fr")))
    named = ds.graph(URIRef("http://example.org/g/1"))
    named.add((q, wdt.P1082, Literal("146000000", datatype=XSD.integer)))
    named.add((q, wdt.P36, URIRef("http://www.wikidata.org/entity/Q649")))
    named.add((q, URIRef("http://example.org/p#x"), Literal("a\u2028b\\c\n")))
    blank = ds.graph(URIRef("http://example.org/g/2"))
    node = BNode()
    blank.add((q, URIRef("http://example.org/has"), node))
    blank.add((node, RDFS.label, Literal("inner")))
    return ds


@pytest.mark.parametrize("fmt", ALL)
def test_write_dataset_round_trips_foreign_data(fmt, tmp_path):
    ds = foreign_dataset()
    path = tmp_path / ("data" + FORMATS[fmt])
    write_dataset(ds, path, fmt)
    back = read(path, fmt)
    ground = {q for q in quads(ds) if not any(isinstance(t, BNode) for t in q[:3])}
    got = {q for q in quads(back) if not any(isinstance(t, BNode) for t in q[:3])}
    if fmt in ("turtle", "nt"):
        assert {q[:3] for q in got} == {q[:3] for q in ground}
    else:
        assert got == ground
    assert len(quads(back)) == len(quads(ds))
    if RAPPER and fmt in RAPPER_SYNTAX:
        assert rapper_count(path, fmt) == len(quads(ds))


def test_write_dataset_is_atomic(tmp_path):
    path = tmp_path / "graph.nq"
    path.write_text("old\n", encoding="utf-8")
    ds = Dataset()
    ds.graph(URIRef("http://example.org/a")).add((URIRef("http://example.org/s"), RDFS.label,
                                                   Literal("x")))
    # a graph name no N-Quads can hold: the writer fails after writing the first graph
    ds.graph(URIRef("http://example.org/b c")).add((URIRef("http://example.org/s"), RDFS.label,
                                                     Literal("y")))
    with pytest.raises(KgError, match="b c"):
        write_dataset(ds, path, "nquads")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]


# ---------------------------------------------------------------- VoID

def void_values(graph: Graph, prop) -> set:
    dataset = graph.value(None, RDF.type, VOID.Dataset)
    return set(graph.objects(dataset, prop))


@needs_rapper
def test_void_describes_the_build(build_all):
    report, out = build_all
    path = out / "void.ttl"
    void = Graph().parse(path, format="turtle")
    assert rapper_count(path, "turtle") == len(void)
    data = read(out / "graph.trig", "trig")
    union = triples(data)

    def number(prop):
        (value,) = void_values(void, prop)
        return value.toPython()

    assert number(VOID.triples) == len(union)
    assert number(VOID.entities) == report.entities
    assert number(VOID.distinctSubjects) == len({t[0] for t in union})
    assert number(VOID.distinctObjects) == len({t[2] for t in union})
    assert number(VOID.properties) == len({t[1] for t in union})
    assert number(VOID.classes) == len({t[2] for t in union if t[1] == RDF.type})
    vocabularies = {str(v) for v in void_values(void, VOID.vocabulary)}
    for ns in (str(KG), "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#",
               "https://schema.org/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"):
        assert ns in vocabularies
    licences = {str(v) for v in void_values(void, DCTERMS.license)}
    assert {str(o) for s, p, o in union if p == DCTERMS.license} == licences
    assert "CC BY 2.5" in licences
    dumps = {str(v).rsplit("/", 1)[-1] for v in void_values(void, VOID.dataDump)}
    assert dumps == {p.name for p in report.files if p.suffix != ".html"}
    assert void_values(void, DCTERMS.created)
    assert not void_values(void, VOID.sparqlEndpoint)  # no endpoint known


def test_describe_dataset_agrees_with_the_streamed_counts(build_all):
    _, out = build_all
    streamed = Graph().parse(out / "void.ttl", format="turtle")
    merged = describe_dataset(read(out / "graph.trig", "trig"), ["graph.trig"],
                              license="https://creativecommons.org/licenses/by/4.0/")
    for prop in (VOID.triples, VOID.entities, VOID.distinctSubjects, VOID.distinctObjects,
                 VOID.classes, VOID.properties):
        assert void_values(merged, prop) == void_values(streamed, prop), prop
    assert URIRef("https://creativecommons.org/licenses/by/4.0/") in \
        void_values(merged, DCTERMS.license)


def test_every_format_and_void_are_byte_identical_across_builds(nlp, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runs = []
    for name in ("a", "b"):
        report = kg.build([SEED], tmp_path / name, nlp=nlp, formats=ALL, html=False)
        runs.append({p.name: p.read_bytes() for p in report.files + [report.void]})
    assert runs[0] == runs[1] and len(runs[0]) == len(ALL) + 1
    assert b'"2023-11-14"^^xsd:date' in runs[0]["void.ttl"]


def test_build_license_option_lands_in_void(nlp, tmp_path, monkeypatch):
    import kg.builder

    monkeypatch.setattr(kg.builder, "load_pipeline", lambda *args, **kwargs: nlp)
    out = tmp_path / "out"
    licence = "https://creativecommons.org/licenses/by/4.0/"
    result = CliRunner().invoke(main, ["build", str(DATA / "dev"), "-o", str(out), "--no-html",
                                       "--format", "nq", "--license", licence])
    assert result.exit_code == 0, result.output
    void = Graph().parse(out / "void.ttl", format="turtle")
    licences = void_values(void, DCTERMS.license)
    assert URIRef(licence) in licences and Literal("CC BY 2.5") in licences
    assert {str(v).rsplit("/", 1)[-1] for v in void_values(void, VOID.dataDump)} == {"graph.nq"}
