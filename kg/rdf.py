"""Facts to RDF (docs/model.md): one graph per article, plus entity descriptions."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from .entities import Entity
from .extract import ArticleFacts, Fact
from .namespaces import DCTERMS, GEO, KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, Base

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/{}/"


def new_graph(base: Base) -> Graph:
    from .namespaces import bind_prefixes

    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph, base)
    graph.bind("rdf", RDF)
    graph.bind("rdfs", RDFS)
    graph.bind("xsd", XSD)
    return graph


def article_graph(result: ArticleFacts, base: Base) -> Graph:
    graph = new_graph(base)
    article = result.article
    node = base.article[article.id]
    graph.add((node, RDF.type, KG.Article))
    graph.add((node, KG.articleId, Literal(article.id)))
    if article.title:
        graph.add((node, DCTERMS.title, Literal(article.title)))
    if article.date:
        graph.add((node, DCTERMS.date, Literal(article.date, datatype=XSD.date)))
    if article.url:
        graph.add((node, SCHEMA.url, _iri_or_literal(article.url)))
    if article.source:
        graph.add((node, DCTERMS.source, Literal(article.source)))
    if article.license:
        graph.add((node, DCTERMS.license, Literal(article.license)))
    used = {fact.sentence.index for fact in result.facts}
    for sentence in result.sentences:
        if sentence.index not in used:
            continue
        snode = sentence_iri(base, article.id, sentence.index)
        graph.add((snode, RDF.type, KG.Sentence))
        graph.add((snode, KG.text, Literal(sentence.text)))
        graph.add((snode, KG["index"], Literal(sentence.index)))
        graph.add((snode, KG.startOffset, Literal(sentence.start)))
        graph.add((snode, KG.endOffset, Literal(sentence.end)))
        graph.add((snode, DCTERMS.isPartOf, node))
    for fact in result.facts:
        add_fact(graph, fact, article.id, base)
    return graph


def sentence_iri(base: Base, article_id: str, index: int) -> URIRef:
    return base.article[f"{article_id}/s{index}"]


def entity_iri(base: Base, entity: Entity) -> URIRef:
    return base.entity[entity.key]


def fact_iri(base: Base, fact: Fact, article_id: str) -> URIRef:
    key = "|".join([article_id, str(fact.sentence.index), fact.subject.key, fact.relation,
                    fact.object.key])
    return base.fact[hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]]


def add_fact(graph: Graph, fact: Fact, article_id: str, base: Base) -> None:
    s, o, p = entity_iri(base, fact.subject), entity_iri(base, fact.object), KG[fact.relation]
    graph.add((s, p, o))
    node = fact_iri(base, fact, article_id)
    graph.add((node, RDF.type, KG.Fact))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, s))
    graph.add((node, RDF.predicate, p))
    graph.add((node, RDF.object, o))
    graph.add((node, KG.modality, KG[fact.modality]))
    if fact.claimed_by is not None:
        graph.add((node, KG.claimedBy, entity_iri(base, fact.claimed_by)))
    if fact.when is not None:
        graph.add((node, KG.time, Literal(fact.when.value, datatype=XSD[fact.when.datatype])))
        if fact.when.start and fact.when.end:
            graph.add((node, KG.timeStart, Literal(fact.when.start, datatype=XSD.date)))
            graph.add((node, KG.timeEnd, Literal(fact.when.end, datatype=XSD.date)))
        if fact.when.text:
            graph.add((node, KG.timeText, Literal(fact.when.text)))
        if fact.when.from_article_date:
            graph.add((node, KG.timeFromArticleDate, Literal(True)))
    graph.add((node, KG.rule, Literal(fact.rule)))
    graph.add((node, PROV.wasDerivedFrom, sentence_iri(base, article_id, fact.sentence.index)))
    graph.add((node, KG.article, base.article[article_id]))


@dataclass
class EntityDescriptions:
    """Entity descriptions merged across articles: memory grows with distinct entities only."""

    base: Base
    entities: dict[str, Entity] = field(default_factory=dict)

    def add(self, entity: Entity) -> None:
        known = self.entities.get(entity.key)
        if known is None:
            self.entities[entity.key] = Entity(entity.name, entity.cls, entity.wikidata,
                                               entity.geonames, entity.latitude, entity.longitude,
                                               set(entity.surface_forms),
                                               iso_codes=entity.iso_codes)
            return
        known.surface_forms |= entity.surface_forms
        if known.cls in ("Place", "Organization", "Topic") and entity.cls != known.cls \
                and entity.cls not in ("Place", "Organization"):
            known.cls = entity.cls
        known.wikidata = known.wikidata or entity.wikidata
        known.geonames = known.geonames or entity.geonames
        known.iso_codes = known.iso_codes or entity.iso_codes

    def graph(self) -> Graph:
        graph = new_graph(self.base)
        for entity in self.entities.values():
            describe(graph, entity, self.base)
        return graph

    def __len__(self) -> int:
        return len(self.entities)


def describe(graph: Graph, entity: Entity, base: Base) -> None:
    node = entity_iri(base, entity)
    graph.add((node, RDF.type, KG[entity.cls]))
    graph.add((node, RDFS.label, Literal(entity.name)))
    for form in sorted(entity.surface_forms):
        if form != entity.name:
            graph.add((node, SKOS.altLabel, Literal(form)))
    # every name lower-cased as SPARQL's LCASE does, so a store finds an entity by any name in
    # one index lookup instead of a FILTER over every label (see kg/queries/entity.rq)
    for key in sorted({name_key(form) for form in entity.surface_forms | {entity.name}}):
        graph.add((node, KG.nameKey, Literal(key)))
    if entity.wikidata:
        graph.add((node, OWL.sameAs, URIRef(WIKIDATA + entity.wikidata)))
    if entity.geonames:
        graph.add((node, OWL.sameAs, URIRef(GEONAMES.format(entity.geonames))))
    if entity.latitude is not None and entity.longitude is not None:
        graph.add((node, GEO.lat, Literal(round(entity.latitude, 5))))
        graph.add((node, GEO.long, Literal(round(entity.longitude, 5))))
    if entity.iso_codes:  # the keys other country data (World Bank, GDELT, CShapes) joins on
        graph.add((node, KG.isoAlpha2, Literal(entity.iso_codes[0])))
        graph.add((node, KG.isoAlpha3, Literal(entity.iso_codes[1])))


def name_key(name: str) -> str:
    """The kg:nameKey of a label: SPARQL's LCASE (Unicode lower case), nothing else."""
    return name.lower()


def _iri_or_literal(url: str):
    url = url.strip()
    if url.startswith(("http://", "https://")) and not any(c in url for c in ' <>"{}|\\^`'):
        return URIRef(url)
    return Literal(url)


__all__ = ["article_graph", "EntityDescriptions", "new_graph", "entity_iri"]
