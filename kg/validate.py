"""Checking built graphs against the SHACL shapes (ontology/shapes.ttl), in plain words.

    report = kg.validate(["output/graph.trig"])
    report.conforms        # True when nothing is violated
    print(report.text())   # one line per violation, then "N violations in M nodes"

What is checked is the union of every graph in the inputs (named graphs included: a fact lives
in its article's graph, its entities' classes and labels in graph:entities) together with the
ontology (ontology/kg.ttl), whose class hierarchy lets "a Country is an Actor" count and whose
schema:domainIncludes / schema:rangeIncludes give the relations' domains and ranges.

Speed: pyshacl runs without RDFS inference (the shapes follow rdfs:subClassOf themselves), on
the data graph in place (no copy), with SHACL Advanced Features on for the SPARQL-targeted
domain and range shapes, and each SPARQL text is parsed once however many nodes it runs on.
"""
from __future__ import annotations

import re
import sys
import time
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from .errors import KgError
from .namespaces import KG, PROV, RDF, Base, bind_prefixes
from .ontology import ONTOLOGY

SHAPES = ONTOLOGY.with_name("shapes.ttl")

ENTITY_CLASSES = {KG[name] for name in (
    "Actor", "Person", "Place", "Country", "City", "Region", "Organization", "GovernmentBody",
    "ArmedGroup", "MilitaryForce", "InternationalOrganization", "MediaOrganization", "Topic")}
SENTENCE_CHARS = 120  # a fact's sentence is cut to this length in messages
PLAIN_DATATYPES = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}  # shown without quotes


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in plain words (`message` is the whole line)."""

    node: str            # the offending node's IRI (or blank node label)
    name: str            # how the message names it: "fact:abc", "id:x"
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    severity: str = "Violation"

    def as_dict(self) -> dict:
        return {"node": self.node, "name": self.name, "message": self.message,
                "path": self.path, "value": self.value, "shape": self.shape,
                "severity": self.severity}


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    facts: int = 0
    entities: int = 0
    seconds: float = 0.0

    @property
    def nodes(self) -> int:
        """How many distinct nodes the violations are about."""
        return len({v.node for v in self.violations if v.severity == "Violation"})

    def summary(self) -> str:
        errors = sum(v.severity == "Violation" for v in self.violations)
        if self.conforms:
            text = f"valid: {_count(self.facts, 'fact')}, {_count(self.entities, 'entity')}"
            warnings = len(self.violations)
            return text + (f" ({_count(warnings, 'warning')})" if warnings else "")
        return f"{_count(errors, 'violation')} in {_count(self.nodes, 'node')}"

    def text(self) -> str:
        lines = [v.message if v.severity == "Violation" else f"{v.severity.lower()}: {v.message}"
                 for v in self.violations]
        return "\n".join(lines + [self.summary()]) + "\n"

    def as_dict(self) -> dict:
        return {"conforms": self.conforms, "facts": self.facts, "entities": self.entities,
                "violations": [v.as_dict() for v in self.violations],
                "summary": self.summary(), "seconds": round(self.seconds, 3)}


def validate(data: str | Path | Iterable[str | Path] | Graph, *,
             shapes: str | Path | Graph | None = None,
             ontology: str | Path | Graph | None = None) -> ValidationReport:
    """Validate graph files (TriG, Turtle, N-Triples, N-Quads, JSON-LD, RDF/XML; the format
    from the extension) or an rdflib Graph/Dataset against the shapes (default
    ontology/shapes.ttl), with the ontology (default ontology/kg.ttl) loaded alongside.

    A file that cannot be read raises KgError naming the file (and line).
    """
    import pyshacl

    started = time.perf_counter()
    if isinstance(data, Graph):
        source = data
    else:
        from .graphfiles import load

        source = load(data)
    graph = _DataGraph()
    bind_prefixes(graph, Base())
    for prefix, namespace in source.namespace_manager.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in source.triples((None, None, None)):
        graph.add(triple)
    facts = len(set(graph.subjects(RDF.type, KG.Fact)))
    entities = len({s for c in ENTITY_CLASSES for s in graph.subjects(RDF.type, c)})
    graph += _read(ontology if ontology is not None else ONTOLOGY, "ontology")
    shapes_graph = _read(shapes if shapes is not None else SHAPES, "shapes")

    try:
        conforms, results, _ = pyshacl.validate(
            graph, shacl_graph=shapes_graph, inference="none", inplace=True, advanced=True,
            allow_warnings=True, allow_infos=True)
    except Exception as err:  # pyshacl reports bad shapes with many exception types
        raise KgError(f"cannot validate with these shapes: {' '.join(str(err).split())}") from None
    violations = _Words(graph, shapes_graph).all(results)
    return ValidationReport(conforms=bool(conforms), violations=violations, facts=facts,
                            entities=entities, seconds=time.perf_counter() - started)


class _DataGraph(Graph):
    """The graph pyshacl checks. It parses each SPARQL text once: pyshacl runs a SPARQL
    constraint once per focus node, and parsing costs rdflib about 50 ms a query."""

    def __init__(self) -> None:
        super().__init__(bind_namespaces="none")
        self._prepared: dict[str, object] = {}

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            from rdflib.plugins.sparql import prepareQuery

            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def _read(source: str | Path | Graph, what: str) -> Graph:
    if isinstance(source, Graph):
        return source
    from .graphfiles import _describe, format_for

    path = Path(source)
    if not path.is_file():
        raise KgError(f"{path}: no such {what} file")
    fmt = format_for(path)
    try:
        return Graph().parse(path, format=fmt)
    except Exception as err:  # parsers raise many different exception types
        raise KgError(_describe(path, fmt, err)) from None


def _count(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else _plural(word)}"


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


class _Words:
    """Turns pyshacl's results graph into Violations: the offending node named as in the data
    (with its class, or for a fact its sentence), the problem said from the constraint and the
    property's sh:name ("has no modality", "has 2 subjects (id:a, id:b); only one is allowed")."""

    def __init__(self, data: Graph, shapes: Graph):
        self.data = data
        self.shapes = shapes
        self.namespaces = sorted(((str(ns), prefix) for prefix, ns in
                                  data.namespace_manager.namespaces() if prefix),
                                 key=lambda item: -len(item[0]))

    def all(self, results: Graph) -> list[Violation]:
        found = {self.one(results, r) for r in results.subjects(RDF.type, SH.ValidationResult)}
        return sorted(found, key=lambda v: (v.severity != "Violation", v.name, v.message))

    def one(self, results: Graph, result) -> Violation:
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        component = results.value(result, SH.sourceConstraintComponent)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        problem = self.problem(component, focus, path, value, shape,
                               str(message) if message is not None else "")
        subject = self.describe(focus)
        joiner = ": " if (focus, RDF.type, KG.Fact) in self.data else " "
        return Violation(
            node=str(focus), name=self.short(focus), message=subject + joiner + problem,
            path=str(path) if path is not None and not isinstance(path, BNode) else None,
            value=str(value) if value is not None else None,
            shape=str(shape) if isinstance(shape, URIRef) else None,
            severity=_local(severity) if severity is not None else "Violation")

    # --- naming nodes

    def short(self, node) -> str:
        if isinstance(node, Literal):
            text = str(node)
            if node.datatype in PLAIN_DATATYPES and not node.ill_typed:
                return text  # 0, -1, 2.5, true
            if len(text) > 60:
                text = text[:59] + "…"
            quoted = '"' + text.replace('"', '\\"') + '"'
            if node.datatype is not None and node.datatype != XSD.string:
                quoted += "^^" + self.short(node.datatype)
            elif node.language:
                quoted += "@" + node.language
            return quoted
        if isinstance(node, BNode):
            return "_:" + str(node)
        text = str(node)
        for namespace, prefix in self.namespaces:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"

    def entity_class(self, node) -> str | None:
        classes = sorted(_local(c) for c in self.data.objects(node, RDF.type)
                         if c in ENTITY_CLASSES)
        return ", ".join(classes) or None

    def named(self, node) -> str:
        """A node inside a message: its short name, with its class if it is an entity."""
        cls = self.entity_class(node) if isinstance(node, URIRef) else None
        return f"{self.short(node)} ({cls})" if cls else self.short(node)

    def describe(self, node) -> str:
        """The offending node at the start of a line."""
        types = set(self.data.objects(node, RDF.type))
        if KG.Fact in types:
            texts = [str(t) for s in self.data.objects(node, PROV.wasDerivedFrom)
                     for t in self.data.objects(s, KG.text)]
            if not texts:
                return f"Fact {self.short(node)} (no sentence)"
            text = " ".join(min(texts).split())
            if len(text) > SENTENCE_CHARS:
                text = text[:SENTENCE_CHARS - 1] + "…"
            return f'Fact {self.short(node)} (sentence: "{text}")'
        for cls in (KG.Sentence, KG.Article):
            if cls in types:
                return f"{_local(cls)} {self.short(node)}"
        return self.named(node)

    # --- saying what is wrong

    def name_of(self, shape, path) -> str:
        name = self.shapes.value(shape, SH.name) if shape is not None else None
        if name is not None:
            return str(name)
        return self.short(path) if path is not None and not isinstance(path, BNode) else "value"

    def values(self, focus, path) -> list:
        if path is None or isinstance(path, BNode):
            return []
        return sorted(self.data.objects(focus, path), key=str)

    def param(self, shape, predicate):
        return self.shapes.value(shape, predicate) if shape is not None else None

    def problem(self, component, focus, path, value, shape, message: str) -> str:
        kind = _local(component) if component is not None else ""
        name = self.name_of(shape, path)
        shown = self.named(value) if value is not None else ""
        if kind == "SPARQLConstraintComponent":
            message = re.sub(r"<([^<>\s]+)>", lambda m: self.named(URIRef(m.group(1))), message)
            # "needs an Organization or a Country": the same order whatever the query engine's
            return re.sub(r"(?<=needs )(an? \w[\w ]*?(?: or an? \w[\w ]*?)+)(?= as )",
                          lambda m: " or ".join(sorted(m.group(1).split(" or "),
                                                           key=lambda a: a.split(" ", 1)[1])),
                          message)
        if kind in ("MinCountConstraintComponent", "QualifiedMinCountConstraintComponent"):
            have = len(self.values(focus, path)) if kind == "MinCountConstraintComponent" else 0
            if not have:
                return f"has no {name}"
            return f"has {_count(have, name)}, needs at least {self.param(shape, SH.minCount)}"
        if kind in ("MaxCountConstraintComponent", "QualifiedMaxCountConstraintComponent"):
            found = self.values(focus, path)
            most = int(self.param(shape, SH.maxCount) or self.param(shape, SH.qualifiedMaxCount)
                       or 1)
            allowed = "only one is allowed" if most == 1 else f"at most {most} are allowed"
            listed = ", ".join(self.named(v) for v in found)
            return f"has {len(found)} {_plural(name)} ({listed}); {allowed}"
        if kind == "InConstraintComponent":
            members = list(Collection(self.shapes, self.param(shape, SH["in"])))
            choices = (_either([self.short(m) for m in members]) if len(members) <= 6
                       else f"the {len(members)} allowed values")
            return f"has {name} {shown}, which is not one of {choices}"
        if kind == "HasValueConstraintComponent":
            return f"has no {name}"
        wanted = {"ClassConstraintComponent": ("a ", SH["class"]),
                  "DatatypeConstraintComponent": ("an ", SH.datatype),
                  "MinInclusiveConstraintComponent": ("below ", SH.minInclusive),
                  "LessThanOrEqualsConstraintComponent": ("after its ", SH.lessThanOrEquals)}
        if kind in wanted:
            words, parameter = wanted[kind]
            what = self.short(self.param(shape, parameter))
            verb = "is" if words in ("below ", "after its ") else "is not"
            return f"has {name} {shown}, which {verb} {words}{what}"
        if kind == "NodeKindConstraintComponent":
            kind_name = _local(self.param(shape, SH.nodeKind))
            what = {"IRI": "an IRI", "Literal": "a literal"}.get(kind_name, kind_name)
            if value is not None and path is not None:
                return f"has {name} {shown}, which is not {what}"
            return f"is not {what}"
        # anything else (sh:or, constraints of other shapes files): the shape's own message
        told = str(self.param(shape, SH.message) or message or kind)
        return f"has {name} {shown}: {told}" if value is not None else f"{name}: {told}"


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _local(node) -> str:
    text = str(node)
    return re.split(r"[#/]", text)[-1] if text else text


class _CallableModule(types.ModuleType):
    """``kg.validate(...)`` works even after ``import kg.validate`` has made the name
    ``kg.validate`` this module rather than the function of the same name in ``kg``."""

    def __call__(self, data, shapes=None, ontology=None) -> ValidationReport:
        return validate(data, shapes=shapes, ontology=ontology)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["validate", "ValidationReport", "Violation", "SHAPES", "ONTOLOGY"]
