"""`kg merge`: several graph files (kg builds and any RDF) into one dataset, with entities
reconciled and each fact's independent reports counted. (The module is not called kg/merge.py:
importing it would replace the `kg.merge` function with the module.)

    import kg
    report = kg.merge(["a/graph.trig", "b/graph.trig", "wikidata.ttl"], "merged.trig")
    print(report.summary())

- Every named graph keeps its name; the triples of a plain-triples file (Turtle, N-Triples,
  RDF/XML, or the default graph of TriG/N-Quads/JSON-LD) go into the named graph
  ``{base}graph/dataset/{file-stem}-{hash}`` (the hash is of the file's bytes), so provenance is
  never lost and the name does not depend on where the file lies.
- Entities are reconciled (kg.reconcile): IRIs of one entity become the winner IRI in every
  graph; the others stay as ``owl:sameAs`` on it (in the graphs of the links that joined them,
  or ``{base}graph/entities`` when joined by name).
- The graph ``{base}graph/reports`` is recomputed on every merge (one in an input is dropped,
  and so are kg:Claim nodes in other graphs): one ``kg:Claim`` per distinct (subject, relation,
  object) of the kg:Fact nodes, the relation's two ends in a fixed order for symmetric
  relations, with ``kg:report`` to each Fact and ``kg:reportCount``, the number of independent
  sources among them (kg.reports).

Merging is idempotent and does not depend on the order of the inputs.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import KgError
from .export import FORMATS as EXPORT_FORMATS
from .export import file_name, parse_formats
from .graphfiles import FORMATS, _describe, format_for
from .namespaces import (DCTERMS, DEFAULT_BASE, KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS,
                         Base, bind_prefixes)
from .reconcile import ClassHierarchy, Reconciliation, apply, new_dataset, reconcile
from .reports import ReportCounter, connected, sentence_key, source_key, symmetric_relations

DERIVED_GRAPHS = ("reports",)  # graphs kg merge writes itself: recomputed, never carried over


@dataclass
class MergeReport:
    out: Path | None = None
    inputs: list[str] = field(default_factory=list)
    quads_in: int = 0
    quads_out: int = 0
    graphs: int = 0
    entities_before: int = 0
    entities_after: int = 0
    merged: list[tuple[URIRef, URIRef, str]] = field(default_factory=list)
    kept_apart: list[tuple[URIRef, URIRef, str]] = field(default_factory=list)
    facts: int = 0
    claims: int = 0
    claims_multi: int = 0
    clashing_articles: list[URIRef] = field(default_factory=list)
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    prefixes: Graph | None = None  # the merged data's prefixes, for short names

    def summary(self, examples: int = 5) -> str:
        def short(iri: URIRef) -> str:
            if self.prefixes is not None:
                return self.prefixes.namespace_manager.normalizeUri(iri)
            return f"<{iri}>"

        lines = [f"merged {len(self.inputs)} input{'s' * (len(self.inputs) != 1)}: "
                 + ", ".join(self.inputs),
                 f"quads: {self.quads_in} in, {self.quads_out} out, in {self.graphs} named graphs",
                 f"entities: {self.entities_before} before reconciliation, {self.entities_after} "
                 f"after ({len(self.merged)} merged into others)"]
        for winner, loser, why in self.merged[:examples]:
            lines.append(f"  {short(winner)} <- {short(loser)} ({why})")
        if len(self.merged) > examples:
            lines.append(f"  ... and {len(self.merged) - examples} more")
        if self.kept_apart:
            lines.append(f"kept apart: {len(self.kept_apart)}")
            for one, other, why in self.kept_apart[:examples]:
                lines.append(f"  {short(one)} / {short(other)} ({why})")
        lines.append(f"facts: {self.facts} reports of {self.claims} distinct facts; "
                     f"{self.claims_multi} reported by 2+ independent sources")
        if self.clashing_articles:
            lines.append(f"warning: {len(self.clashing_articles)} article IRI(s) stand for "
                         "different articles (other titles or URLs), whose graphs are now one: "
                         + ", ".join(short(a) for a in self.clashing_articles[:examples]))
        if self.out is not None:
            lines.append(f"wrote {', '.join(str(f) for f in self.files)} in {self.seconds:.1f} s")
        return "\n".join(lines)


def dataset_graph(path: Path, data: bytes, base: Base) -> URIRef:
    """The named graph for a file's plain triples: stable for the same file name and bytes."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "data"
    return base.graph[f"dataset/{stem}-{hashlib.sha1(data).hexdigest()[:8]}"]


def read_input(path: str | Path, base: Base) -> tuple[Dataset, int]:
    """One file as a Dataset (named graphs kept, plain triples in the file's dataset graph) and
    its quad count. KgError naming the file (and line) on any problem."""
    path = Path(path)
    if not path.is_file():
        raise KgError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    fmt = format_for(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise KgError(f"{path}: cannot read: {err.strerror or err}") from None
    parsed = new_dataset()
    plain = dataset_graph(path, data, base)
    try:
        if FORMATS[path.suffix.lower()][1]:  # a quad format
            parsed.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
        else:
            parsed.graph(plain).parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as e:  # parsers raise many different exception types
        raise KgError(_describe(path, fmt, e)) from None
    default = parsed.graph(DATASET_DEFAULT_GRAPH_ID)
    if len(default):  # e.g. JSON-LD without graphs, TriG triples outside any graph
        named = parsed.graph(plain)
        for triple in default:
            named.add(triple)
        default.remove((None, None, None))
    return parsed, sum(1 for _ in parsed.quads((None, None, None, None)))


def article_sources(ds: Dataset) -> dict[URIRef, URIRef]:
    """Each article's source: articles with the same URL (schema:url) are one source (the same
    article built twice under other names), named by its smallest article IRI."""
    return connected({article: {str(url).strip().rstrip("/")
                                for url in ds.objects(article, SCHEMA.url)}
                      for article in set(ds.subjects(RDF.type, KG.Article))})


def count_reports(ds: Dataset, graph: URIRef, base: Base) -> tuple[int, int, int]:
    """Write the kg:Claim nodes (kg.reports) into `graph`; returns (facts, distinct facts, facts
    with 2+ independent reports)."""
    symmetric = set(ds.subjects(RDF.type, OWL.SymmetricProperty)) | symmetric_relations()
    sources = article_sources(ds)
    counter = ReportCounter(base, symmetric)
    facts = set(ds.subjects(RDF.type, KG.Fact))
    for fact in facts:
        keys = {source_key(sources.get(a, a)) for a in ds.objects(fact, KG.article)}
        for sentence in ds.objects(fact, PROV.wasDerivedFrom):
            keys |= {sentence_key(text) for text in ds.objects(sentence, KG.text)}
        for s in ds.objects(fact, RDF.subject):
            for p in ds.objects(fact, RDF.predicate):
                for o in ds.objects(fact, RDF.object):
                    counter.add(fact, s, p, o, keys)
    claims, multi = counter.graph()
    target = ds.graph(graph)
    for triple in claims:
        target.add(triple)
    return len(facts), len(counter), multi


def clashing_articles(ds: Dataset) -> list[URIRef]:
    """Article IRIs with two titles or URLs: two builds gave different articles one id."""
    return sorted(a for a in set(ds.subjects(RDF.type, KG.Article))
                  if len(set(ds.objects(a, DCTERMS.title))) > 1
                  or len(set(ds.objects(a, SCHEMA.url))) > 1)


def add_name_keys(ds: Dataset, entities: Iterable[URIRef], graph: URIRef) -> None:
    """Give each entity (the winners of reconciliation) the kg:nameKey of every name it now has
    (kg.rdf.name_key of its rdfs:label and skos:altLabel values) that it lacks, in `graph`:
    names that came from other data are found by the canned queries too."""
    from .rdf import name_key

    target = ds.graph(graph)
    for node in entities:
        for prop in (RDFS.label, SKOS.altLabel):
            for name in ds.objects(node, prop):
                key = Literal(name_key(str(name)))
                if (node, KG.nameKey, key) not in ds:
                    target.add((node, KG.nameKey, key))


def drop_derived(ds: Dataset, base: Base) -> None:
    """Remove what a merge computes afresh: the reports graph, and kg:Claim nodes anywhere else
    (a merged output saved without named graphs)."""
    for name in DERIVED_GRAPHS:
        ds.remove_graph(base.graph[name])
    for claim in set(ds.subjects(RDF.type, KG.Claim)):
        ds.remove((claim, None, None, None))


def merge_dataset(inputs: Iterable[str | Path], base: str = DEFAULT_BASE
                  ) -> tuple[Dataset, MergeReport]:
    """Read, reconcile and count: the merged Dataset and its report (nothing is written)."""
    inputs = [str(p) for p in inputs]
    if not inputs:
        raise KgError("name at least one graph file to merge")
    iris = Base(base)
    report = MergeReport(inputs=inputs)
    sources = []
    for path in inputs:
        parsed, count = read_input(path, iris)
        drop_derived(parsed, iris)
        sources.append(parsed)
        report.quads_in += count
    hierarchy = ClassHierarchy.load(pair for ds in sources
                                    for pair in ds.subject_objects(RDFS.subClassOf))
    result: Reconciliation = reconcile(sources, hierarchy, str(iris.entity))
    merged = new_dataset()
    bind_prefixes(merged, iris)
    apply(sources, result, iris.entities_graph, out=merged)
    del sources
    add_name_keys(merged, set(result.winner.values()), iris.entities_graph)
    report.entities_before, report.entities_after = result.entities_before, result.entities_after
    report.merged = result.merged()
    report.kept_apart = result.kept_apart
    report.clashing_articles = clashing_articles(merged)
    report.facts, report.claims, report.claims_multi = count_reports(
        merged, iris.graph["reports"], iris)
    report.prefixes = Graph(bind_namespaces="none")
    for prefix, ns in merged.namespaces():
        report.prefixes.bind(prefix, ns)
    names = [g for _, _, _, g in merged.quads((None, None, None, None))]
    report.quads_out, report.graphs = len(names), len(set(names))
    return merged, report


def output_path(out: str | Path, fmt: str | None) -> tuple[Path, str]:
    """Where and how to write: OUT with an RDF file extension is the file (its extension gives
    the format unless `fmt` does); any other OUT is a folder that gets graph.<ext>."""
    out = Path(out)
    by_suffix = {ext: name for name, ext in EXPORT_FORMATS.items()}
    by_suffix[".json"] = "jsonld"
    if fmt is not None:
        fmt = parse_formats([fmt])[0]
    if out.suffix.lower() in by_suffix:
        return out, fmt or by_suffix[out.suffix.lower()]
    fmt = fmt or "trig"
    return out / file_name(fmt), fmt


def write(ds: Dataset, path: Path, fmt: str, base: str) -> list[Path]:
    """Write `ds` atomically with kg.export, and its VoID description (kg.void, when the tree
    has it) beside it: DIR/void.ttl for a folder output, FILE.void.ttl for a file."""
    from .export import write_dataset
    from .output import write_text_atomic

    written = [path]
    try:
        write_dataset(ds, path, fmt, base=base)
        try:
            from .void import describe_dataset
        except ImportError:
            return written
        void_path = (path.parent / "void.ttl" if path.name == "graph" + path.suffix
                     else path.with_name(path.name + ".void.ttl"))
        void = describe_dataset(ds, [path.name], base=base)
        write_text_atomic(void_path, void.serialize(format="turtle"))
        written.append(void_path)
    except OSError as err:
        raise KgError(f"{path}: cannot write: {err.strerror or err}") from None
    return written


def merge(inputs: Iterable[str | Path], out: str | Path, fmt: str | None = None,
          base: str = DEFAULT_BASE) -> MergeReport:
    """Merge graph files into `out` (see the module docstring and `output_path`). KgError (one
    line naming the file) when an input cannot be read; then nothing is written."""
    started = time.perf_counter()
    path, fmt = output_path(out, fmt)
    ds, report = merge_dataset(inputs, base)
    report.files = write(ds, path, fmt, base)
    report.out = path
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["merge", "merge_dataset", "MergeReport", "read_input", "article_sources",
           "count_reports", "output_path"]
