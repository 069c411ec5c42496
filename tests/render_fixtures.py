"""A small hand-built Dataset following docs/model.md, for the render tests."""
from __future__ import annotations

import hashlib

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from kg.namespaces import DCTERMS, KG, PROV, RDF, RDFS, SCHEMA, SKOS, Base, bind_prefixes

B = Base()
ID = B.entity

HOSTILE_NAME = "<script>window.__pwned=2</script>"
HOSTILE_ALT = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SENTENCE = ('The <img src=x onerror="window.__pwned=1"> group accused Russia '
                    "</script><script>window.__pwned=3</script> \u2028of lying.")

ENTITIES = [
    # slug, class, label, alt labels
    ("xi-jinping", "Person", "Xi Jinping", ["Xi", "President Xi Jinping"]),
    ("vladimir-putin", "Person", "Vladimir Putin", ["Putin"]),
    ("moscow", "City", "Moscow", []),
    ("russia", "Country", "Russia", ["Russian Federation"]),
    ("ukraine", "Country", "Ukraine", []),
    ("reuters", "MediaOrganization", "Reuters", []),
    ("kremlin", "GovernmentBody", "Kremlin", []),
    ("hostile", "ArmedGroup", HOSTILE_NAME, [HOSTILE_ALT]),
    ("sanctions", "Topic", "sanctions", []),
    ("lonely", "Person", "Lonely Person", []),  # in no fact: never drawn
]

ARTICLES = {
    "a1": {"title": "Xi to visit Moscow", "url": "https://example.com/news/a1",
           "date": "2023-03-14", "source": "Reuters"},
    "a2": {"title": "Fighting continues </script>", "url": None, "date": "2023-03-15",
           "source": None},
}

# article, sentence index, text, subject, relation, object, modality, extras
FACTS = [
    ("a1", 0, "Xi could visit Moscow next week.", "xi-jinping", "visits", "moscow", "planned",
     {"time": ("2023-03-20", XSD.date)}),
    ("a1", 1, "Xi met Putin in Moscow on Monday.", "xi-jinping", "meetsWith", "vladimir-putin",
     "asserted", {"time": ("2023-03-14", XSD.date), "fromArticleDate": True}),
    ("a1", 2, HOSTILE_SENTENCE, "hostile", "accuses", "russia", "alleged",
     {"claimedBy": "reuters"}),
    ("a2", 0, "Russia attacked Ukraine overnight.", "russia", "attacks", "ukraine", "asserted", {}),
    ("a2", 1, "Putin and Xi met again.", "vladimir-putin", "meetsWith", "xi-jinping", "asserted",
     {}),
    ("a2", 2, "Ukraine called for sanctions.", "ukraine", "supports", "sanctions", "asserted", {}),
    ("a2", 3, "The Kremlin rejected the sanctions.", "kremlin", "opposes", "sanctions",
     "asserted", {"time": ("2023-03", XSD.gYearMonth)}),
]


def build_dataset(reverse: bool = False) -> Dataset:
    """The sample Dataset; ``reverse`` adds everything in the opposite order."""
    ds = Dataset()
    bind_prefixes(ds, B)
    ents = ds.graph(B.entities_graph)
    entity_triples = []
    for slug, cls, label, alts in ENTITIES:
        entity_triples.append((ID[slug], RDF.type, KG[cls]))
        entity_triples.append((ID[slug], RDFS.label, Literal(label)))
        for alt in alts:
            entity_triples.append((ID[slug], SKOS.altLabel, Literal(alt)))
    # a Country is also a Place (drawn as a Country)
    entity_triples.append((ID["russia"], RDF.type, KG.Place))

    per_article: dict[str, list] = {aid: [] for aid in ARTICLES}
    for aid, meta in ARTICLES.items():
        art = B.article[aid]
        t = per_article[aid]
        t.append((art, RDF.type, KG.Article))
        t.append((art, KG.articleId, Literal(aid)))
        t.append((art, DCTERMS.title, Literal(meta["title"])))
        t.append((art, DCTERMS.date, Literal(meta["date"], datatype=XSD.date)))
        if meta["url"]:
            t.append((art, SCHEMA.url, URIRef(meta["url"])))
        if meta["source"]:
            t.append((art, DCTERMS.source, Literal(meta["source"])))
    for aid, idx, text, s, rel, o, modality, extra in FACTS:
        t = per_article[aid]
        sent = B.article[f"{aid}/s{idx}"]
        t.append((sent, RDF.type, KG.Sentence))
        t.append((sent, KG.text, Literal(text)))
        t.append((sent, KG["index"], Literal(idx)))
        t.append((sent, DCTERMS.isPartOf, B.article[aid]))
        t.append((ID[s], KG[rel], ID[o]))
        h = hashlib.sha1(f"{aid}|{idx}|{s}|{rel}|{o}".encode()).hexdigest()[:16]
        fact = B.fact[h]
        t += [(fact, RDF.type, KG.Fact), (fact, RDF.type, RDF.Statement),
              (fact, RDF.subject, ID[s]), (fact, RDF.predicate, KG[rel]),
              (fact, RDF.object, ID[o]), (fact, KG.modality, KG[modality]),
              (fact, KG.rule, Literal("test:rule")),
              (fact, PROV.wasDerivedFrom, sent), (fact, KG.article, B.article[aid])]
        if "claimedBy" in extra:
            t.append((fact, KG.claimedBy, ID[extra["claimedBy"]]))
        if "time" in extra:
            value, dtype = extra["time"]
            t.append((fact, KG.time, Literal(value, datatype=dtype)))
        if extra.get("fromArticleDate"):
            t.append((fact, KG.timeFromArticleDate, Literal(True)))

    order = (lambda xs: list(reversed(xs))) if reverse else list
    for triple in order(entity_triples):
        ents.add(triple)
    for aid in order(list(per_article)):
        g = ds.graph(B.article_graph(aid))
        for triple in order(per_article[aid]):
            g.add(triple)
    return ds


EXPECTED_NODE_LABELS = sorted([
    "Xi Jinping", "Vladimir Putin", "Moscow", "Russia", "Ukraine", "Kremlin", HOSTILE_NAME,
    "sanctions",
])
# (subject label, relation, object label); meetsWith is symmetric and is merged into one edge
EXPECTED_EDGES = sorted([
    ("Xi Jinping", "visits", "Moscow"),
    ("Vladimir Putin", "meetsWith", "Xi Jinping"),
    (HOSTILE_NAME, "accuses", "Russia"),
    ("Russia", "attacks", "Ukraine"),
    ("Ukraine", "supports", "sanctions"),
    ("Kremlin", "opposes", "sanctions"),
])
