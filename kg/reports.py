"""Counting independent reports: one kg:Claim per distinct fact, with the Fact nodes that report
it (kg:report) and how many independent sources they are (kg:reportCount).

GDELT counts reports, not events; here a fact that several articles report is one claim (and
one direct triple) with one Fact node per report, each keeping its sentence, article, modality
and attribution. Reports are independent unless they come from one source article (the same
article, or articles with the same URL) or repeat a sentence word for word (copied text).

`ReportCounter` takes reports one at a time (the build streams articles through it; `kg merge`
feeds it the facts of a whole dataset) and writes the claims graph at the end. It keeps, per
fact, its IRI and the keys that tie it to other reports: memory grows with the facts, not with
the text.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Graph, Literal, URIRef

from .namespaces import KG, RDF, XSD, Base

REPORTS_GRAPH = "reports"  # the graph name under {base}graph/


def connected(keys: dict) -> dict:
    """Items that share a key are one group: item -> its group's smallest item (by text)."""
    parent = {item: item for item in keys}

    def find(item):
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first: dict = {}
    for item in sorted(keys, key=str):
        for key in keys[item]:
            other = first.setdefault(key, item)
            a, b = find(item), find(other)
            if a != b:
                parent[max(a, b, key=str)] = min(a, b, key=str)
    return {item: find(item) for item in keys}


def sentence_key(text: str) -> tuple[str, str]:
    """The key of a report's sentence: its words, case-folded (copied text counts once)."""
    return ("text", " ".join(str(text).split()).casefold())


def source_key(source) -> tuple[str, str]:
    """The key of a report's source article (an article IRI, or the IRI naming its URL group)."""
    return ("article", str(source))


def claim_iri(base: Base, s, p, o) -> URIRef:
    return URIRef(base.base + "claim/" + hashlib.sha1(f"{s}|{p}|{o}".encode("utf-8")).hexdigest()[:20])


@dataclass
class ReportCounter:
    """Reports in, kg:Claim nodes out."""

    base: Base
    symmetric: set = field(default_factory=set)
    claims: dict = field(default_factory=lambda: defaultdict(dict))  # (s, p, o) -> {fact: keys}

    def add(self, fact, s, p, o, keys: Iterable[tuple[str, str]]) -> None:
        if p in self.symmetric and str(o) < str(s):
            s, o = o, s
        self.claims[(s, p, o)].setdefault(fact, set()).update(keys)

    def __len__(self) -> int:
        return len(self.claims)

    def count(self, reports: dict) -> int:
        return len(set(connected(reports).values()))

    def graph(self) -> tuple[Graph, int]:
        """The claims as a graph, and how many claims have two or more independent reports."""
        from .rdf import new_graph

        graph = new_graph(self.base)
        multi = 0
        for (s, p, o), reports in self.claims.items():
            claim = claim_iri(self.base, s, p, o)
            count = self.count(reports)
            # no rdf:subject/predicate/object of its own: the statement is its facts', and
            # a count of facts per entity needs no check that a statement is not a claim
            graph.add((claim, RDF.type, KG.Claim))
            graph.add((claim, KG.reportCount, Literal(count, datatype=XSD.integer)))
            for fact in reports:
                graph.add((claim, KG.report, fact))
            multi += count >= 2
        return graph, multi


def add_article(counter: ReportCounter, result) -> None:
    """The facts of one built article (kg.extract.ArticleFacts) as reports."""
    from .rdf import entity_iri, fact_iri

    base, article = counter.base, result.article
    url = (article.url or "").strip().rstrip("/")
    source = source_key(url or base.article[article.id])
    for fact in result.facts:
        counter.add(fact_iri(base, fact, article.id), entity_iri(base, fact.subject),
                    KG[fact.relation], entity_iri(base, fact.object),
                    {source, sentence_key(fact.sentence.text)})


def symmetric_relations() -> set[URIRef]:
    """The ontology's symmetric relations (a fact "A meets B" is the claim "B meets A" too)."""
    from .namespaces import OWL
    from .ontology import ONTOLOGY

    if not ONTOLOGY.is_file():
        return set()
    return set(Graph().parse(ONTOLOGY, format="turtle").subjects(RDF.type, OWL.SymmetricProperty))


__all__ = ["ReportCounter", "add_article", "connected", "sentence_key", "source_key", "claim_iri",
           "symmetric_relations", "REPORTS_GRAPH"]
