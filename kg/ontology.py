"""What the extractor needs from ontology/kg.ttl: each relation's domain and range
(schema:domainIncludes / schema:rangeIncludes) and the class hierarchy, so a candidate fact whose
ends do not fit its relation (a city that "invites", a country that "leads" a person) is never
written. ontology/shapes.ttl checks the same signatures on any graph (kg validate).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from .namespaces import KG, SCHEMA

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "kg.ttl"


@dataclass(frozen=True)
class Signatures:
    ancestors: dict  # class local name -> itself and every superclass (local names)
    domains: dict  # relation local name -> allowed subject classes
    ranges: dict  # relation local name -> allowed object classes

    def is_a(self, cls: str, allowed: frozenset) -> bool:
        return bool(self.ancestors.get(cls, frozenset({cls})) & allowed)

    def fits(self, relation: str, subject_cls: str, object_cls: str) -> bool:
        """Whether the relation's domain admits the subject's class and its range the object's
        (a relation the ontology gives no signature admits anything)."""
        domain, range_ = self.domains.get(relation), self.ranges.get(relation)
        return (domain is None or self.is_a(subject_cls, domain)) and \
            (range_ is None or self.is_a(object_cls, range_))


def closure(cls, parents: dict) -> frozenset:
    """`cls` and everything above it, given each class's direct `parents`."""
    seen, todo = {cls}, [cls]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return frozenset(seen)


def _local(term) -> str | None:
    text = str(term)
    return text[len(str(KG)):] if isinstance(term, URIRef) and text.startswith(str(KG)) else None


@lru_cache(maxsize=1)
def signatures(path: Path = ONTOLOGY) -> Signatures:
    """The signatures of ontology/kg.ttl (none when the file is not there)."""
    graph = Graph()
    if path.is_file():
        graph.parse(path, format="turtle")
    parents: dict[str, set[str]] = {}
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if _local(child) and _local(parent):
            parents.setdefault(_local(child), set()).add(_local(parent))

    classes = set(parents) | {p for ps in parents.values() for p in ps}
    collected: dict[URIRef, dict[str, set[str]]] = {SCHEMA.domainIncludes: {},
                                                     SCHEMA.rangeIncludes: {}}
    for prop, table in collected.items():
        for relation, cls in graph.subject_objects(prop):
            if _local(relation) and _local(cls):
                table.setdefault(_local(relation), set()).add(_local(cls))
    return Signatures({c: closure(c, parents) for c in classes},
                      {r: frozenset(c) for r, c in collected[SCHEMA.domainIncludes].items()},
                      {r: frozenset(c) for r, c in collected[SCHEMA.rangeIncludes].items()})


__all__ = ["Signatures", "signatures", "closure", "ONTOLOGY"]
