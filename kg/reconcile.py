"""Entity reconciliation for `kg merge`: which IRIs name the same thing, and which one wins.

Two IRIs become one node when

- they are linked by ``owl:sameAs`` (directly or through a chain, e.g. both ``owl:sameAs`` the
  same Wikidata item or GeoNames feature; Wikidata's "GeoNames ID" ``wdt:P1566 "524901"`` counts
  as ``owl:sameAs <https://sws.geonames.org/524901/>``), or
- their canonical names (``rdfs:label``) normalise the same (:func:`normalise_name`) and both
  are typed with an entity class of the ontology (a subclass of kg:Actor, kg:Place or kg:Topic,
  or one of their aligned superclasses such as schema:City),

and, in both cases, only when every class of the one is compatible with every class of the other:
one is a subclass of the other in the ontology's hierarchy (ontology/kg.ttl plus any
``rdfs:subClassOf`` triples in the inputs). A kg:Person "Washington" and a kg:City "Washington"
stay apart; a kg:Place and a kg:City of one name become one.

Candidate links are tried in a fixed order (``owl:sameAs`` links sorted, then name matches in
winner order), so the result depends only on the quads, not on the order of the inputs. The
winner is the project's IRI (under the merge's base), else another IRI (e.g. another kg
build's), else a Wikidata or GeoNames IRI, the smallest in each rank; the others stay as
``owl:sameAs`` on it.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .namespaces import KG, OWL, RDF, RDFS
from .ontology import ONTOLOGY, closure

ROOT_CLASSES = (KG.Actor, KG.Place, KG.Topic)
WIKIDATA_PREFIXES = ("http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/")
GEONAMES_PREFIXES = ("https://sws.geonames.org/", "http://sws.geonames.org/")
GEONAMES_ID = URIRef("http://www.wikidata.org/prop/direct/P1566")  # Wikidata: GeoNames ID

_APOSTROPHES = "'\u2019\u2018\u02bc`"


def normalise_name(text: str) -> str:
    """Case-folded, accents and punctuation stripped, a leading "the" dropped, spaces collapsed:
    "The  Kremlin" -> "kremlin", "Zelens'kyi" -> "zelenskyi", "Bosnia-Herzegovina" ->
    "bosnia herzegovina", "Québec" -> "quebec"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    out = []
    for char in text:
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        out.append(" " if unicodedata.category(char)[0] in "PSZC" or char == "_" else char)
    words = "".join(out).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class ClassHierarchy:
    """rdfs:subClassOf closure (reflexive, transitive) and which classes are entity classes."""

    def __init__(self, pairs: Iterable[tuple[URIRef, URIRef]]):
        direct: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in pairs:
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                direct[sub].add(sup)
        self.ancestors: dict[URIRef, frozenset[URIRef]] = {}
        for cls in list(direct):
            self.ancestors[cls] = closure(cls, direct)
        below_roots = {c for c, ups in self.ancestors.items() if ups & set(ROOT_CLASSES)}
        below_roots |= set(ROOT_CLASSES)
        self.entity_classes = set(below_roots)
        for cls in below_roots:
            self.entity_classes |= self.ancestors.get(cls, frozenset())

    @classmethod
    def load(cls, extra: Iterable[tuple[URIRef, URIRef]] = ()) -> "ClassHierarchy":
        """The hierarchy of ontology/kg.ttl (when the checkout has it) plus `extra` pairs."""
        pairs = list(extra)
        if ONTOLOGY.is_file():
            graph = Graph().parse(ONTOLOGY, format="turtle")
            pairs += list(graph.subject_objects(RDFS.subClassOf))
        return cls(pairs)

    def is_sub(self, a: URIRef, b: URIRef) -> bool:
        return a == b or b in self.ancestors.get(a, ())

    def compatible(self, left: Iterable[URIRef], right: Iterable[URIRef]) -> bool:
        """Every class of `left` is a subclass or superclass of every class of `right`."""
        right = list(right)
        return all(self.is_sub(a, b) or self.is_sub(b, a) for a in left for b in right)


def external_id(iri: URIRef) -> str | None:
    """'Wikidata Q159' / 'GeoNames 2017370' for a Wikidata item or GeoNames feature IRI."""
    text = str(iri)
    for prefix in WIKIDATA_PREFIXES:
        if text.startswith(prefix):
            return "Wikidata " + text[len(prefix):]
    for prefix in GEONAMES_PREFIXES:
        if text.startswith(prefix):
            return "GeoNames " + text[len(prefix):].strip("/")
    return None


@dataclass
class Reconciliation:
    """The outcome: `winner[iri]` for every IRI that is replaced, and why."""

    winner: dict[URIRef, URIRef] = field(default_factory=dict)
    reasons: dict[URIRef, str] = field(default_factory=dict)
    entities_before: int = 0
    entities_after: int = 0
    kept_apart: list[tuple[URIRef, URIRef, str]] = field(default_factory=list)

    def merged(self) -> list[tuple[URIRef, URIRef, str]]:
        """(winner, loser, reason) for every replaced IRI that was described (a subject)."""
        return sorted((w, loser, self.reasons.get(loser, "owl:sameAs"))
                      for loser, w in self.winner.items() if loser in self.reasons)


class _Groups:
    """Union-find whose groups remember their classes and refuse incompatible unions."""

    def __init__(self, hierarchy: ClassHierarchy, classes: dict[URIRef, set[URIRef]], key):
        self.parent: dict[URIRef, URIRef] = {}
        self.classes = classes
        self.hierarchy = hierarchy
        self.key = key

    def find(self, node: URIRef) -> URIRef:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            root = self.parent[root]
        while node != root:
            node, self.parent[node] = self.parent[node], root
        return root

    def union(self, a: URIRef, b: URIRef) -> bool | None:
        """True when joined (or already one), False when the classes forbid it."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        ca, cb = self.classes.get(ra, set()), self.classes.get(rb, set())
        if not self.hierarchy.compatible(ca, cb):
            return False
        if self.key(rb) < self.key(ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.classes[ra] = ca | cb
        self.classes.pop(rb, None)
        return True


def quads_of(data: Dataset | Sequence[Dataset]) -> Iterator[tuple]:
    """(s, p, o, graph name) of a Dataset or of several."""
    for ds in [data] if isinstance(data, Dataset) else data:
        for s, p, o, g in ds.quads((None, None, None, None)):
            yield s, p, o, (g.identifier if isinstance(g, Graph) else g)


def reconcile(data: Dataset | Sequence[Dataset], hierarchy: ClassHierarchy,
              project_prefix: str) -> Reconciliation:
    """Decide which IRIs of the data (a Dataset or several) are one entity (see the module
    docstring); the data is unchanged."""

    def key(iri: URIRef) -> tuple[int, str]:  # the smallest wins
        text = str(iri)
        rank = 0 if text.startswith(project_prefix) else 2 if external_id(iri) else 1
        return (rank, text)

    classes: dict[URIRef, set[URIRef]] = defaultdict(set)
    labels: dict[URIRef, set[str]] = defaultdict(set)
    subjects: set[URIRef] = set()
    links: set[tuple[URIRef, URIRef]] = set()
    for s, p, o, _ in quads_of(data):
        if not isinstance(s, URIRef):
            continue
        subjects.add(s)
        if p == RDF.type and o in hierarchy.entity_classes:
            classes[s].add(o)
        elif p == RDFS.label and isinstance(o, Literal):
            labels[s].add(normalise_name(str(o)))
        elif p == GEONAMES_ID and isinstance(o, Literal) and str(o).strip().isdigit():
            o = URIRef(f"{GEONAMES_PREFIXES[0]}{str(o).strip()}/")
        if isinstance(o, URIRef) and o != s and p in (OWL.sameAs, GEONAMES_ID):
            links.add((s, o) if key(s) <= key(o) else (o, s))
    linked = {n for pair in links for n in pair}
    entities = {s for s in subjects if s in classes or s in linked}

    groups = _Groups(hierarchy, {n: set(c) for n, c in classes.items()}, key)
    result = Reconciliation(entities_before=len(entities))
    how: dict[URIRef, str] = {}  # node -> why it joined (names; sameAs reasons come later)
    for a, b in sorted(links, key=lambda pair: (key(pair[0]), key(pair[1]))):
        if groups.union(a, b) is False:
            result.kept_apart.append((a, b, "owl:sameAs across incompatible classes"))
    by_name: dict[str, list[URIRef]] = defaultdict(list)
    for node in sorted(classes, key=key):
        for name in labels.get(node, ()):
            if name:
                by_name[name].append(node)
    for name in sorted(by_name):
        nodes = by_name[name]
        for i, node in enumerate(nodes):
            for earlier in nodes[:i]:
                joined = groups.union(earlier, node)
                if joined:
                    how.setdefault(node, f"same name {name!r}")
                if joined is not False:
                    break
            else:
                if i:
                    result.kept_apart.append((nodes[0], node, f"same name {name!r}, "
                                                               "incompatible classes"))
    result.kept_apart.sort()

    members: dict[URIRef, list[URIRef]] = defaultdict(list)
    for node in set(groups.parent):
        members[groups.find(node)].append(node)
    neighbours: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for root, nodes in members.items():
        for node in nodes:
            if node == root:
                continue
            result.winner[node] = root
            if node in entities:
                result.reasons[node] = how.get(node) or _link_reason(node, root, neighbours)
    result.entities_after = len({result.winner.get(n, n) for n in entities})
    return result


def _link_reason(node: URIRef, root: URIRef, neighbours: dict[URIRef, set[URIRef]]) -> str:
    shared = sorted(({node} | neighbours[node]) & ({root} | neighbours[root]), key=str)
    for iri in shared:
        ext = external_id(iri)
        if ext:
            return "same " + ext
    return "owl:sameAs"


def apply(data: Dataset | Sequence[Dataset], result: Reconciliation, sameas_graph: URIRef,
          out: Dataset | None = None) -> Dataset:
    """The quads of the data (a Dataset or several) in `out` (default: a new Dataset) with every
    replaced IRI rewritten to its winner, the labels settled (one rdfs:label per node, see
    `label_key`: the winner's own, else the best of the others'; the other names, in every
    language, become skos:altLabel in the graph they were in) and
    ``winner owl:sameAs loser`` for every replaced IRI: in the graphs of the owl:sameAs links
    that joined it, else (joined by name) in `sameas_graph`. Blank nodes are named by content
    (`canonical_blanks`, per input and graph), so merging again adds no copies of them."""
    from .namespaces import SKOS

    winner = result.winner
    names: dict[URIRef, tuple[list, list]] = defaultdict(lambda: ([], []))
    sources = [data] if isinstance(data, Dataset) else list(data)
    for ds in sources:
        for s, o in ds.subject_objects(RDFS.label):  # the union of all graphs
            if isinstance(s, URIRef) and isinstance(o, Literal):
                w = winner.get(s, s)
                names[w][0 if w == s else 1].append(o)
    chosen = {k: min(own or others, key=label_key) for k, (own, others) in names.items()}
    out = new_dataset() if out is None else out
    for ds in sources:
        bind_new(out, ds)
    placed: set[URIRef] = set()
    with_blanks: dict[tuple[int, object], list] = defaultdict(list)
    for index, s, p, o, g in ((i, *q) for i, ds in enumerate(sources) for q in quads_of(ds)):
        s2, o2 = winner.get(s, s), winner.get(o, o)
        if p == OWL.sameAs and s2 == o2:  # becomes "winner owl:sameAs loser", in the same graph
            for loser in (s, o):
                if loser in winner:
                    out.add((s2, OWL.sameAs, loser, g))
                    placed.add(loser)
            continue
        if p in (RDFS.label, SKOS.altLabel) and isinstance(o2, Literal):
            label = chosen.get(s2)
            if p == SKOS.altLabel and label is not None and str(o2) == str(label) \
                    and language(o2) == language(label):
                continue  # an alternative name that is the label itself
            if p == RDFS.label and o2 != label:
                p = SKOS.altLabel
        if isinstance(s2, BNode) or isinstance(o2, BNode):
            with_blanks[(index, g)].append((s2, p, o2))
        else:
            out.add((s2, p, o2, g))
    for (_, g), triples in with_blanks.items():
        for triple in canonical_blanks(triples):
            out.add((*triple, g))
    for loser, w in winner.items():
        if loser not in placed:  # joined by name
            out.add((w, OWL.sameAs, loser, sameas_graph))
    return out


def canonical_blanks(triples: list) -> Graph:
    """The triples with their blank nodes named by content (rdflib.compare's canonical labels),
    so that the same input read twice, or merged again, gives the same blank nodes."""
    from rdflib.compare import to_canonical_graph

    graph = Graph(bind_namespaces="none")
    for triple in triples:
        graph.add(triple)
    return to_canonical_graph(graph)


def bind_new(target: Dataset, source: Dataset) -> None:
    """Bind the prefixes of `source` whose prefix and namespace `target` does not have yet."""
    known = {str(ns) for _, ns in target.namespaces()}
    taken = {prefix for prefix, _ in target.namespaces()}
    for prefix, ns in source.namespaces():
        if prefix and prefix not in taken and str(ns) not in known:
            target.bind(prefix, ns)
            taken.add(prefix)


def new_dataset() -> Dataset:
    """An empty Dataset (union of graphs as default) without rdflib's own prefix bindings."""
    from rdflib.namespace import NamespaceManager

    ds = Dataset(default_union=True)
    ds.namespace_manager = NamespaceManager(ds, bind_namespaces="none")
    return ds


def language(lit: Literal) -> str:
    """The language a label counts for: its tag's primary language; kg writes its (English)
    names without a tag, so a plain label counts as English."""
    return (lit.language or "en").split("-")[0].lower()


def label_key(lit: Literal) -> tuple[bool, str, str]:
    """Which label wins (the smallest): an English one (kg's own names carry no tag), then the
    first by text. One rdfs:label per node, as ontology/shapes.ttl asks and as the canned
    queries expect (one row per fact); names in other languages stay as skos:altLabel."""
    return (language(lit) != "en", str(lit), str(lit.datatype or ""))


__all__ = ["new_dataset", "normalise_name", "ClassHierarchy", "Reconciliation", "reconcile",
           "apply", "external_id"]
