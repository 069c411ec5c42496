"""IRIs used in the graphs kg writes (see docs/model.md)."""
from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, OWL

DEFAULT_BASE = "https://kg.example.org/"

KG = Namespace(DEFAULT_BASE + "ontology#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")


class Base:
    """The IRI families derived from one base IRI (entities, articles, facts, graphs)."""

    def __init__(self, base: str = DEFAULT_BASE):
        if not base.endswith("/"):
            base += "/"
        self.base = base
        self.entity = Namespace(base + "id/")
        self.article = Namespace(base + "article/")
        self.fact = Namespace(base + "fact/")
        self.graph = Namespace(base + "graph/")

    @property
    def entities_graph(self):
        return self.graph["entities"]

    def article_graph(self, article_id: str):
        return self.graph["article/" + article_id]


def bind_prefixes(graph, base: Base | None = None) -> None:
    """Bind the usual prefixes on a Graph or Dataset, for readable Turtle/TriG."""
    base = base or Base()
    graph.bind("kg", KG)
    graph.bind("id", base.entity)
    graph.bind("art", base.article)
    graph.bind("fact", base.fact)
    graph.bind("schema", SCHEMA)
    graph.bind("skos", SKOS)
    graph.bind("prov", PROV)
    graph.bind("dcterms", DCTERMS)
    graph.bind("owl", OWL)
    graph.bind("geo", GEO)


__all__ = ["KG", "SCHEMA", "GEO", "RDF", "RDFS", "SKOS", "PROV", "DCTERMS", "XSD", "OWL",
           "Base", "DEFAULT_BASE", "bind_prefixes"]
