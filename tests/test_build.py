"""Building graphs (kg.build): the files and the RDF model of docs/model.md, the seed's facts
with their provenance, the score against the gold facts, determinism, stable IRIs, bad input,
atomic writes and hostile text. The spaCy pipeline is the session fixture `nlp`."""
from __future__ import annotations

import errno
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

import kg
from kg.articles import read_text_file

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "seeds" / "000_c579be2394bfa4f1.txt"
SEED_ID = "000_c579be2394bfa4f1"
FILES = ("graph.trig", "graph.ttl", "graph.html")

KG = "https://kg.example.org/ontology#"
ID = "https://kg.example.org/id/"
ART = "https://kg.example.org/article/"
GRAPH = "https://kg.example.org/graph/"


def k(name: str) -> URIRef:
    return URIRef(KG + name)


def load_trig(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds


def named_graphs(ds: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def union(ds: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES if (folder / name).exists()}


def leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".partial")]


def entity(graph: Graph, label: str) -> URIRef:
    nodes = set(graph.subjects(RDFS.label, Literal(label)))
    assert len(nodes) == 1, (label, nodes)
    return nodes.pop()


@pytest.fixture(scope="module")
def seed(seed_build):
    out = seed_build.out_dir
    ds = load_trig(out / "graph.trig")
    return seed_build, out, ds, union(ds)


# ---------------------------------------------------------------- files and model

def test_seed_build_writes_the_three_files(seed):
    report, out, ds, _ = seed
    assert report.articles == 1 and report.problems == [] and report.ok
    assert report.entities > 10 and report.facts > 10
    assert report.files == [out / name for name in FILES]
    for name in FILES:
        assert (out / name).stat().st_size > 0
    assert (out / "graph.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert leftovers(out) == []
    assert "built 1 article:" in report.summary()


def test_files_get_the_usual_permissions(seed):
    _, out, _, _ = seed
    mask = os.umask(0o022)
    os.umask(mask)
    for name in FILES:  # not the 0600 of a temporary file
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~mask, name


def test_trig_has_one_graph_per_article_and_the_entities_graph(seed):
    _, out, ds, _ = seed
    graphs = named_graphs(ds)
    assert set(graphs) == {GRAPH + "article/" + SEED_ID, GRAPH + "entities", GRAPH + "reports"}
    article_graph, entities = graphs[GRAPH + "article/" + SEED_ID], graphs[GRAPH + "entities"]

    article = URIRef(ART + SEED_ID)
    assert (article, RDF.type, k("Article")) in article_graph
    assert article_graph.value(article, k("articleId")) == Literal(SEED_ID)
    assert str(article_graph.value(article, DCTERMS.title)) == \
        "Xi could visit Putin, speak to Zelenskiy \u2018next week\u2019"
    assert article_graph.value(article, DCTERMS.date) == Literal("2023-03-14", datatype=XSD.date)

    # entity descriptions live in graph:entities only; facts in the article's graph only
    xi = URIRef(ID + "xi-jinping")
    assert (xi, RDF.type, k("Person")) in entities
    assert (xi, RDFS.label, Literal("Xi Jinping")) in entities
    assert (xi, RDFS.label, None) not in article_graph
    assert not set(entities.subjects(RDF.type, k("Fact")))
    assert set(article_graph.subjects(RDF.type, k("Fact")))
    for fact in article_graph.subjects(RDF.type, k("Fact")):
        assert (fact, RDF.type, RDF.Statement) in article_graph
        assert str(fact).startswith("https://kg.example.org/fact/")
        assert article_graph.value(fact, k("article")) == article
        # every entity a fact names is described
        for role in (RDF.subject, RDF.object):
            assert (article_graph.value(fact, role), RDFS.label, None) in entities


def test_reports_graph_has_one_claim_per_distinct_fact(seed):
    _, _, named, _ = seed
    reports = named_graphs(named)[GRAPH + "reports"]
    ds = Graph()
    for g in named_graphs(named).values():
        ds += g
    facts = set(ds.subjects(RDF.type, k("Fact")))
    statements = {(ds.value(f, RDF.subject), ds.value(f, RDF.predicate), ds.value(f, RDF.object))
                  for f in facts}
    claims = set(reports.subjects(RDF.type, k("Claim")))
    assert 0 < len(claims) <= len(statements) < len(facts)  # the seed repeats some facts
    reported = [f for c in claims for f in reports.objects(c, k("report"))]
    assert sorted(reported) == sorted(facts)  # every fact reports exactly one claim
    for claim in claims:
        # one article is one source: every count is 1 in a one-article build
        assert reports.value(claim, k("reportCount")) == Literal(1)
        assert (claim, RDF.subject, None) not in ds  # a claim is not itself a statement


def test_independent_reports_are_counted_across_articles(nlp, tmp_path):
    import kg

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Title: A\nURL: https://example.org/a\n\n"
                               "Vladimir Putin visited Beijing on Tuesday.\n", encoding="utf-8")
    (src / "b.txt").write_text("Title: B\nURL: https://example.org/b\n\n"
                               "Russian President Vladimir Putin visited Beijing for talks.\n",
                               encoding="utf-8")
    (src / "c.txt").write_text("Title: C\nURL: https://example.org/c\n\n"
                               "Vladimir Putin visited Beijing on Tuesday.\n", encoding="utf-8")
    kg.build([src], tmp_path / "out", nlp=nlp, html=False)
    ds = Dataset(default_union=True)
    ds.parse(tmp_path / "out" / "graph.trig", format="trig")
    visits = [c for c in ds.subjects(RDF.type, k("Claim"))
              if any(ds.value(f, RDF.predicate) == k("visits") for f in ds.objects(c, k("report")))]
    assert len(visits) == 1
    assert len(set(ds.objects(visits[0], k("report")))) == 3
    # a and c share a sentence word for word: copied text counts once
    assert ds.value(visits[0], k("reportCount")) == Literal(2)


def test_ttl_holds_the_union_of_the_trig(seed):
    _, out, ds, merged = seed
    flat = Graph()
    flat.parse(out / "graph.ttl", format="turtle")
    assert len(flat) == len(merged) > 100
    assert set(flat) == set(merged)


# ---------------------------------------------------------------- the seed's facts

def facts(graph: Graph, s: URIRef, p: str, o: URIRef) -> list[URIRef]:
    found = [n for n in graph.subjects(RDF.subject, s)
             if (n, RDF.predicate, k(p)) in graph and (n, RDF.object, o) in graph]
    if found:
        assert (s, k(p), o) in graph  # the direct triple is there too
    return found


def evidence_of(graph: Graph, fact: URIRef, body: str) -> str:
    """The sentence a fact was derived from, checked against the article body."""
    sentence = graph.value(fact, PROV.wasDerivedFrom)
    assert (sentence, RDF.type, k("Sentence")) in graph
    assert graph.value(sentence, DCTERMS.isPartOf) == URIRef(ART + SEED_ID)
    assert str(sentence) == f"{ART}{SEED_ID}/s{graph.value(sentence, k('index')).toPython()}"
    text = str(graph.value(sentence, k("text")))
    start = graph.value(sentence, k("startOffset")).toPython()
    end = graph.value(sentence, k("endOffset")).toPython()
    assert body[start:end] == text
    return text


SEED_FACTS = [
    # (subject label, relation, object label or None for a topic, modality, evidence)
    ("Xi Jinping", "visits", "Moscow", "planned", "Xi could visit Moscow next week"),
    ("China", "opposes", None, "asserted", "opposing sanctions against Russia"),
    ("Wagner Group", "captures", "eastern Bakhmut", "asserted",
     "captured the eastern part of the city"),
    ("eastern Bakhmut", "partOf", "Bakhmut", "asserted", "the eastern part of the city"),
]


@pytest.mark.parametrize("subject,relation,obj,modality,evidence", SEED_FACTS,
                         ids=[f"{s}-{p}" for s, p, *_ in SEED_FACTS])
def test_seed_design_facts_with_provenance(seed, subject, relation, obj, modality, evidence):
    _, _, _, graph = seed
    body = read_text_file(SEED).text
    s = entity(graph, subject)
    if obj is None:  # "China opposes sanctions": the object is a Topic labelled with "sanctions"
        objects = [o for o in graph.objects(s, k(relation))
                   if (o, RDF.type, k("Topic")) in graph and "sanctions" in str(graph.value(o, RDFS.label))]
        assert len(objects) == 1, objects
        o = objects[0]
    else:
        o = entity(graph, obj)
    found = facts(graph, s, relation, o)
    assert found, f"no {subject} {relation} {obj} statement"
    with_evidence = [f for f in found if evidence in evidence_of(graph, f, body)]
    assert with_evidence, [evidence_of(graph, f, body) for f in found]
    assert {graph.value(f, k("modality")) for f in with_evidence} == {k(modality)}


def test_seed_entities_labels_and_alt_labels(seed):
    _, _, ds, _ = seed
    entities = named_graphs(ds)[GRAPH + "entities"]
    zelensky = URIRef(ID + "volodymyr-zelensky")
    assert entities.value(zelensky, RDFS.label) == Literal("Volodymyr Zelensky")
    assert (zelensky, RDF.type, k("Person")) in entities
    alt = {str(a) for a in entities.objects(zelensky, SKOS.altLabel)}
    assert "Zelenskiy" in alt  # the article's spelling is kept as a surface form
    assert "Volodymyr Zelensky" not in alt  # the canonical label is not repeated
    assert "Xi" in {str(a) for a in entities.objects(URIRef(ID + "xi-jinping"), SKOS.altLabel)}
    assert "Putin" in {str(a) for a in entities.objects(URIRef(ID + "vladimir-putin"), SKOS.altLabel)}
    expected = {"moscow": "City", "bakhmut": "City", "china": "Country", "russia": "Country",
                "wagner-group": "ArmedGroup", "reuters": "MediaOrganization",
                "eastern-bakhmut": "Region", "kremlin": "GovernmentBody"}
    for slug, cls in expected.items():
        assert (URIRef(ID + slug), RDF.type, k(cls)) in entities, slug
    # each entity has exactly one label and one class
    for node in set(entities.subjects(RDFS.label, None)):
        assert len(list(entities.objects(node, RDFS.label))) == 1, node
        assert len(list(entities.objects(node, RDF.type))) == 1, node


def test_every_name_of_an_entity_is_a_lower_case_name_key(seed):
    _, _, ds, _ = seed
    entities = named_graphs(ds)[GRAPH + "entities"]
    nodes = set(entities.subjects(RDFS.label, None))
    assert nodes
    for node in nodes:
        names = {str(n) for n in entities.objects(node, RDFS.label)}
        names |= {str(n) for n in entities.objects(node, SKOS.altLabel)}
        keys = {str(n) for n in entities.objects(node, k("nameKey"))}
        assert keys == {n.lower() for n in names}, node


# ---------------------------------------------------------------- score against the gold facts

def load_scorer():
    spec = importlib.util.spec_from_file_location("kg_test_score", DATA / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_scores_above_the_bars(seed):
    _, out, _, _ = seed
    scorer = load_scorer()
    gold = [json.loads(line) for line in (DATA / "gold" / "seed.jsonl").read_text().splitlines()
            if line.strip()]
    result = scorer.score(gold, scorer.load([str(out / "graph.trig")]))
    detail = (result["missed"], result["false_positives"])
    assert result["recall"] >= 0.5 and result["precision"] >= 0.6, detail
    # regression floor: measured recall 1.0 (23/23), precision 0.964 (27/28), modality 1.0,
    # attribution 1.0
    assert result["recall"] >= 0.95, detail  # at most one miss
    assert result["precision"] >= 0.92, detail  # at most one more false triple
    assert result["modality_accuracy"] >= 0.95, detail
    assert result["attribution_accuracy"] >= 0.8, detail
    assert result["with_provenance"] == 1.0
    # the Turtle file scores the same
    assert scorer.score(gold, scorer.load([str(out / "graph.ttl")]))["recall"] == result["recall"]


def test_development_articles_stay_above_their_floor(nlp, tmp_path):
    """Regression floor on the five development articles (measured: precision 0.979,
    recall 0.839, F1 0.904, modality 0.98, attribution 1.0, provenance 1.0)."""
    report = kg.build([DATA / "dev"], tmp_path / "dev", nlp=nlp, html=False)
    assert report.articles == 5 and not report.problems
    scorer = load_scorer()
    gold = [json.loads(line) for line in (DATA / "gold" / "dev.jsonl").read_text().splitlines()
            if line.strip()]
    result = scorer.score(gold, scorer.load([str(tmp_path / "dev" / "graph.trig")]))
    detail = (result["missed"], result["false_positives"])
    assert result["f1"] >= 0.86 and result["precision"] >= 0.93 and result["recall"] >= 0.8, detail
    assert result["modality_accuracy"] >= 0.95 and result["with_provenance"] == 1.0, detail
    assert result["attribution_accuracy"] >= 0.8, detail


# ---------------------------------------------------------------- determinism

def test_same_input_gives_the_same_bytes(seed, nlp, tmp_path):
    _, out, _, _ = seed
    report = kg.build([SEED], tmp_path / "again", nlp=nlp)
    assert report.facts == seed[0].facts
    assert snapshot(tmp_path / "again") == snapshot(out)


def test_same_bytes_whatever_the_hash_seed(seed, tmp_path):
    """Two processes with different PYTHONHASHSEED: catches set/dict-order nondeterminism."""
    _, out, _, _ = seed
    runs = {}
    for hash_seed in ("1", "2"):
        target = tmp_path / f"hash{hash_seed}"
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        code = f"import kg; kg.build([{str(SEED)!r}], {str(target)!r})"
        runs[hash_seed] = (target, subprocess.Popen([sys.executable, "-c", code], env=env,
                                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for target, process in runs.values():
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    first, second = (snapshot(target) for target, _ in runs.values())
    assert set(first) == set(FILES)
    assert first == second
    assert first == snapshot(out)  # and the same as the in-process build


# ---------------------------------------------------------------- stable IRIs

def test_entity_iris_are_stable_across_articles_and_runs(nlp, tmp_path):
    one = tmp_path / "in" / "one.txt"
    two = tmp_path / "in" / "two.txt"
    one.parent.mkdir()
    one.write_text("Title: One\nDate: 2023-03-20\n\n"
                   "Chinese President Xi Jinping visited Moscow on Monday.\n", encoding="utf-8")
    # ("met ... in Moscow" alone gives meetsWith, not a visit: Moscow needs a fact of its own)
    two.write_text("Title: Two\nDate: 2023-03-21\n\nXi met Putin in Moscow. "
                   "Xi arrived in Moscow on Tuesday.\n", encoding="utf-8")
    kg.build([one], tmp_path / "out1", nlp=nlp)
    kg.build([two], tmp_path / "out2", nlp=nlp)
    g1 = union(load_trig(tmp_path / "out1" / "graph.trig"))
    g2 = union(load_trig(tmp_path / "out2" / "graph.trig"))
    for label, slug in (("Xi Jinping", "xi-jinping"), ("Moscow", "moscow")):
        assert entity(g1, label) == entity(g2, label) == URIRef(ID + slug)
    assert (URIRef(ID + "xi-jinping"), k("visits"), URIRef(ID + "moscow")) in g1

    both = Dataset()
    both.parse(tmp_path / "out1" / "graph.trig", format="trig")
    both.parse(tmp_path / "out2" / "graph.trig", format="trig")
    assert set(named_graphs(both)) == {GRAPH + "article/one", GRAPH + "article/two",
                                       GRAPH + "entities", GRAPH + "reports"}
    merged = union(both)
    assert entity(merged, "Xi Jinping") == URIRef(ID + "xi-jinping")  # one node, one label


# ---------------------------------------------------------------- bad input

GOOD = "Title: Good\nDate: 2023-03-14\n\nChinese President Xi Jinping visited Moscow on Monday.\n"


def test_bad_inputs_in_a_batch_are_reported_and_the_rest_built(nlp, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xffELF\x00")
    (folder / "feed.jsonl").write_text('{"id": "broken", "text": \n', encoding="utf-8")
    seen = []
    report = kg.build([folder], tmp_path / "out", nlp=nlp, on_problem=seen.append)
    assert report.articles == 1 and report.facts >= 1
    assert not report.ok
    messages = sorted(str(p) for p in report.problems)
    assert messages == sorted(str(p) for p in seen)
    assert len(messages) == 3, messages
    assert messages[0].startswith(f"{folder / 'binary.txt'}: binary file")
    assert messages[1].startswith(f"{folder / 'empty.txt'}: empty file")
    assert messages[2].startswith(f"{folder / 'feed.jsonl'}:1: not valid JSON")
    assert "skipped 3 inputs" in report.summary()
    graphs = named_graphs(load_trig(tmp_path / "out" / "graph.trig"))
    assert set(graphs) == {GRAPH + "article/good", GRAPH + "entities", GRAPH + "reports"}


def test_duplicate_article_ids_are_skipped(nlp, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    report = kg.build([good, good], tmp_path / "out", nlp=nlp)
    assert report.articles == 1
    (problem,) = report.problems
    assert str(problem).startswith(f"{good}: duplicate article id 'good'")


def test_nothing_buildable_raises_and_leaves_the_old_graph(seed, nlp, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(seed[1], out)
    before = snapshot(out)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(kg.KgError, match="no article could be built"):
        kg.build([tmp_path / "empty.txt", tmp_path / "missing.txt"], out, nlp=nlp)
    assert snapshot(out) == before
    assert leftovers(out) == []


# ---------------------------------------------------------------- atomic writes

def two_articles(folder: Path) -> list[Path]:
    folder.mkdir()
    first, second = folder / "a.txt", folder / "b.txt"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text("Title: B\n\nRussia invaded Ukraine in February of 2022.\n", encoding="utf-8")
    return [first, second]


def test_interrupted_build_leaves_the_previous_graph(seed, nlp, tmp_path, monkeypatch):
    import kg.builder

    out = tmp_path / "out"
    shutil.copytree(seed[1], out)
    before = snapshot(out)
    real = kg.builder.article_graph
    calls = []

    def interrupted(result, base):
        calls.append(result.article.id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(result, base)

    monkeypatch.setattr(kg.builder, "article_graph", interrupted)
    with pytest.raises(KeyboardInterrupt):
        kg.build(two_articles(tmp_path / "in"), out, nlp=nlp)
    assert calls == ["a", "b"]
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_write_error_is_one_clear_error(seed, nlp, tmp_path, monkeypatch):
    import kg.output

    out = tmp_path / "out"
    shutil.copytree(seed[1], out)
    before = snapshot(out)
    real = kg.output.AtomicFile.write

    def disk_full(self, text):
        if "graph/article/" in text:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, text)

    monkeypatch.setattr(kg.output.AtomicFile, "write", disk_full)
    with pytest.raises(kg.KgError) as caught:
        kg.build(two_articles(tmp_path / "in"), out, nlp=nlp)
    assert str(caught.value) == f"{out}: cannot write the graph files: {os.strerror(errno.ENOSPC)}"
    assert snapshot(out) == before
    assert leftovers(out) == []


# ---------------------------------------------------------------- hostile text

HOSTILE_TITLE = 'Line one\n<script>alert(1)</script> "} > \\ """ end\u2028x"'
HOSTILE_SENTENCES = [
    "Chinese President Xi Jinping visited Moscow on Monday with <script>alert(1)</script> Smith.",
    'Russia invaded Ukraine, officials said "} > {"a": 1} \\ C:\\temp\\new \\u0041 end.',
    "Germany banned Iran's Mahan Air on Monday \u2028 and \x0c then.",
]


def test_hostile_text_gives_parseable_files_with_the_text_intact(nlp, tmp_path):
    body = "\n\n".join(HOSTILE_SENTENCES) + "\n"
    feed = tmp_path / "hostile.jsonl"
    record = {"id": "h<1>", "title": HOSTILE_TITLE, "date": "2023-03-14",
              "url": 'https://example.org/a"b<c>', "source": "<b>src</b>", "text": body}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    report = kg.build([feed], out, nlp=nlp)
    assert report.articles == 1 and report.facts >= 2

    ds = load_trig(out / "graph.trig")
    flat = Graph()
    flat.parse(out / "graph.ttl", format="turtle")
    merged = union(ds)
    assert set(flat) == set(merged)

    article = URIRef(ART + "h-1")
    for graph in (merged, flat):
        assert str(graph.value(article, DCTERMS.title)) == HOSTILE_TITLE
        assert str(graph.value(article, DCTERMS.source)) == "<b>src</b>"
        assert str(graph.value(article, URIRef("https://schema.org/url"))) == record["url"]
        texts = {}
        for sentence in graph.subjects(RDF.type, k("Sentence")):
            text = str(graph.value(sentence, k("text")))
            start = graph.value(sentence, k("startOffset")).toPython()
            end = graph.value(sentence, k("endOffset")).toPython()
            assert body[start:end] == text
            texts[text] = sentence
        assert HOSTILE_SENTENCES[0] in texts and HOSTILE_SENTENCES[1] in texts, list(texts)

    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page


def test_article_whose_parse_holds_a_cycle_still_builds(tmp_path):
    """The small model's parse of this article has a cycle of heads; every walk up the tree must
    be bounded. Run in a subprocess so that a regression fails instead of hanging the suite."""
    source = Path(__file__).parent / "data" / "corpus" / "cyclic-parse.jsonl"
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(source), "-o", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "graph.trig").exists()


def test_countries_carry_their_iso_codes(seed):
    _, _, _, graph = seed
    china = URIRef("https://kg.example.org/id/china")
    assert (china, k("isoAlpha2"), Literal("CN")) in graph
    assert (china, k("isoAlpha3"), Literal("CHN")) in graph
    moscow = URIRef("https://kg.example.org/id/moscow")
    assert not list(graph.objects(moscow, k("isoAlpha2")))
