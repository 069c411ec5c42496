"""A VoID description of a dataset (https://www.w3.org/TR/void/), for catalogues and tools.

Every `kg build` writes DIR/void.ttl: a void:Dataset with its triple, entity, subject, object,
class and property counts (and a partition per class and per property), the vocabularies it
uses, the licences and sources of its articles, the dump files and when it was made. The
counts are kept while the build streams its graphs (`VoidCounter.add` per graph); memory holds
a 64-bit hash per distinct triple, subject and object, and the distinct entities.

    from kg.void import describe_dataset
    void_graph = describe_dataset(dataset, ["graph.trig"])   # an rdflib Graph
"""
from __future__ import annotations

import datetime as _dt
import os
from collections import Counter

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .namespaces import DCTERMS, DEFAULT_BASE, RDF, XSD, Base, bind_prefixes

VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
DUMP_FEATURES = {".trig": "TriG", ".ttl": "Turtle", ".nt": "N-Triples", ".nq": "N-Quads",
                 ".jsonld": "JSON-LD"}


def namespace_of(iri: str) -> str:
    """The namespace of an IRI: up to its last '#', else its last '/'."""
    cut = iri.rfind("#")
    if cut < 0:
        cut = iri.rfind("/")
    return iri[:cut + 1] if cut >= 0 else iri


class VoidCounter:
    """Counts what a VoID description needs, one graph at a time."""

    def __init__(self, base: str | Base = DEFAULT_BASE):
        self.base = base if isinstance(base, Base) else Base(base)
        self.entity_space = str(self.base.entity)
        self.seen: set[int] = set()
        self.subjects: set[int] = set()
        self.objects: set[int] = set()
        self.entities: set[str] = set()
        self.properties: Counter = Counter()
        self.classes: Counter = Counter()
        self.vocabularies: set[str] = set()
        self.licenses: set = set()
        self.sources: set = set()
        self.graphs = 0

    def add(self, name, graph: Graph) -> None:
        """Count the triples of one (named) graph; a triple in several graphs counts once."""
        if len(graph):
            self.graphs += 1
        for s, p, o in graph:
            key = hash((s, p, o))
            if key in self.seen:
                continue
            self.seen.add(key)
            self.subjects.add(hash(s))
            self.objects.add(hash(o))
            self.properties[p] += 1
            if p == RDF.type:
                self.classes[o] += 1
            for term in (s, o):
                if isinstance(term, URIRef) and term.startswith(self.entity_space):
                    self.entities.add(str(term))
            if p == DCTERMS.license:
                self.licenses.add(o)
            elif p == DCTERMS.source:
                self.sources.add(o)

    @property
    def triples(self) -> int:
        return len(self.seen)

    def graph(self, dumps: list[str], *, license: str | None = None,
              sparql_endpoint: str | None = None, title: str = "kg graph",
              dataset: str = "#dataset") -> Graph:
        """The VoID description. `dumps`: the data files, as IRIs relative to void.ttl (or
        absolute); `license`: the licence of the graph itself, added to the articles' ones."""
        g = Graph(bind_namespaces="none")
        bind_prefixes(g, self.base)
        for prefix, ns in (("void", VOID), ("xsd", XSD), ("rdf", RDF), ("formats", FORMATS_NS)):
            g.bind(prefix, ns)
        node = URIRef(dataset)
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, DCTERMS.title, Literal(title)))
        g.add((node, DCTERMS.created, Literal(created_date(), datatype=XSD.date)))
        g.add((node, VOID.triples, Literal(self.triples)))
        g.add((node, VOID.entities, Literal(len(self.entities))))
        g.add((node, VOID.distinctSubjects, Literal(len(self.subjects))))
        g.add((node, VOID.distinctObjects, Literal(len(self.objects))))
        g.add((node, VOID.classes, Literal(len(self.classes))))
        g.add((node, VOID.properties, Literal(len(self.properties))))
        g.add((node, VOID.uriSpace, Literal(self.entity_space)))
        used = {namespace_of(str(p)) for p in self.properties}
        used |= {namespace_of(str(c)) for c in self.classes if isinstance(c, URIRef)}
        for ns in sorted(used):
            g.add((node, VOID.vocabulary, URIRef(ns)))
        for value in sorted(self.licenses | ({_iri_or_literal(license)} if license else set())):
            g.add((node, DCTERMS.license, value))
        for value in sorted(self.sources):
            g.add((node, DCTERMS.source, value))
        for dump in dumps:
            g.add((node, VOID.dataDump, URIRef(dump)))
            feature = next((f for s, f in DUMP_FEATURES.items() if dump.endswith(s)), None)
            if feature:
                g.add((node, VOID.feature, FORMATS_NS[feature]))
        if sparql_endpoint:
            g.add((node, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
        # blank nodes with fixed labels: the same data gives a byte-identical void.ttl
        for i, (cls, count) in enumerate(sorted(self.classes.items())):
            part = BNode(f"class{i:04d}")
            g.add((node, VOID.classPartition, part))
            g.add((part, VOID["class"], cls))
            g.add((part, VOID.entities, Literal(count)))
        for i, (prop, count) in enumerate(sorted(self.properties.items())):
            part = BNode(f"property{i:04d}")
            g.add((node, VOID.propertyPartition, part))
            g.add((part, VOID.property, prop))
            g.add((part, VOID.triples, Literal(count)))
        return g


def created_date() -> str:
    """Today (UTC), or the day of $SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit()
            else _dt.datetime.now(_dt.timezone.utc))
    return when.date().isoformat()


def _iri_or_literal(value: str):
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


def describe_dataset(ds: Dataset, dumps: list[str], *, base: str = DEFAULT_BASE,
                     license: str | None = None, sparql_endpoint: str | None = None) -> Graph:
    """The VoID description of a whole Dataset (e.g. a merged one) whose files are `dumps`."""
    counter = VoidCounter(base)
    if isinstance(ds, Dataset):
        graphs = ds.graphs()
    else:
        graphs = ds.contexts() if getattr(ds, "context_aware", False) else [ds]
    for graph in graphs:
        identifier = graph.identifier
        counter.add(None if identifier == DATASET_DEFAULT_GRAPH_ID else identifier, graph)
    return counter.graph(dumps, license=license, sparql_endpoint=sparql_endpoint)


describe = describe_dataset

__all__ = ["VOID", "VoidCounter", "describe_dataset", "describe"]
