"""Measuring extraction quality: a built graph scored against gold facts an analyst annotated.

    gold = load_gold("tests/data/gold/dev.jsonl")
    result = evaluate(gold, ["output/graph.trig"])
    print(format_report(result))

The gold format and every figure follow the project's independent scorer (``score.py``, see
``tests/data/README.md``), so ``kg evaluate`` and the scorer print the same numbers:

- every fact taken from text is an RDF statement node (``rdf:subject``, ``rdf:predicate``,
  ``rdf:object``) in any graph; its relation is the predicate's local name, its modality the
  local name of a ``modality`` value, its source a ``claimedBy``/``accordingTo``/
  ``wasAttributedTo``/``attributedTo`` value, its provenance any ``wasDerivedFrom``-like value;
- entities match by their names (``label``, ``prefLabel``, ``altLabel``, ``hiddenLabel``,
  ``name``; case-folded, punctuation, a leading "the" and a possessive "'s" removed), by their
  IRI and by ``owl:sameAs`` IRIs (``wd:Q15031`` is Wikidata's Q15031); a gold name starting
  with ``re:`` is a regular expression matched against a whole normalised name;
- precision counts distinct (subject, relation, object) triples, recall the required gold facts
  (``"required": false`` is credited when found and never missed), modality accuracy the
  matched statements whose modality the gold fact allows, attribution accuracy the matched
  triples whose gold fact names a source, provenance the share of statements with one.

On top of the scorer's totals, :class:`Evaluation` splits the figures by article (the gold
``doc`` id): each statement belongs to the article its named graph, ``article`` value or
provenance IRI names. The rows use the totals' matching, so their gold and found counts add up
to the totals; a triple stated in two articles counts in both rows but once in the total.
"""
from __future__ import annotations

import json
import re
import sys
import types
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterable

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError

NAME_PREDICATES = frozenset({"label", "prefLabel", "altLabel", "hiddenLabel", "name"})
SYMMETRIC = frozenset({"meetsWith", "fightsAgainst", "tradesWith", "alliedWith",
                       "signsAgreementWith"})
ATTRIBUTION = frozenset({"claimedBy", "accordingTo", "wasAttributedTo", "attributedTo"})
PROVENANCE = frozenset({"wasDerivedFrom", "hadPrimarySource", "evidence", "sentence",
                        "sourceSentence", "wasQuotedFrom"})
WIKIDATA = "http://www.wikidata.org/entity/"
NO_DOC = "(no doc)"

Triple = tuple[Node, str, Node]


# ---------------------------------------------------------------- gold facts

@dataclass(frozen=True)
class GoldFact:
    """One line of a gold file: acceptable names and relations of a fact an analyst read."""

    id: str
    s: tuple[str, ...]
    p: tuple[str, ...]
    o: tuple[str, ...]
    modality: tuple[str, ...] = ("asserted",)
    by: tuple[str, ...] = ()
    required: bool = True
    doc: str | None = None
    evidence: str = ""

    def describe(self) -> str:
        """``id: subject -relation-> object`` with the first names, as the scorer lists misses."""
        return f"{self.id}: {self.s[0]} -{self.p[0]}-> {self.o[0]}"


def load_gold(path: str | Path) -> list[GoldFact]:
    """Read a gold file (one JSON object a line); KgError "FILE:LINE: reason" on a bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KgError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise KgError(f"{path}: not a file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise KgError(f"{path}: cannot read gold facts: {err}") from None
    facts: list[GoldFact] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            fact = parse_gold_line(line)
        except ValueError as err:
            raise KgError(f"{path}:{number}: {err}") from None
        if fact.id in first_line:
            raise KgError(f"{path}:{number}: duplicate id {fact.id!r} "
                          f"(first on line {first_line[fact.id]})")
        first_line[fact.id] = number
        facts.append(fact)
    return facts


def parse_gold_line(line: str) -> GoldFact:
    """One gold fact from its JSON text; ValueError with the reason when it is not one."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON: {err.msg}") from None
    if not isinstance(item, dict):
        raise ValueError("expected a JSON object")
    missing = [key for key in ("id", "s", "p", "o") if key not in item]
    if missing:
        raise ValueError(f"missing key{'s' * (len(missing) > 1)} {', '.join(missing)}")
    if not isinstance(item["id"], str) or not item["id"]:
        raise ValueError("'id' must be a non-empty string")
    required = item.get("required", True)
    if not isinstance(required, bool):
        raise ValueError("'required' must be true or false")
    doc = item.get("doc")
    if doc is not None and not isinstance(doc, str):
        raise ValueError("'doc' must be a string")
    return GoldFact(
        id=item["id"], s=_names(item, "s"), p=_relations(item["p"]), o=_names(item, "o"),
        modality=_strings(item, "modality", ("asserted",)), by=_names(item, "by", ()),
        required=required, doc=doc, evidence=str(item.get("evidence") or ""))


def _relations(value) -> tuple[str, ...]:
    """``p``: one relation name or a non-empty list of them."""
    relations = [value] if isinstance(value, str) else value
    if not isinstance(relations, list) or not relations or not all(
            isinstance(r, str) and r for r in relations):
        raise ValueError("'p' must be a relation name or a list of them")
    return tuple(relations)


def _strings(item: dict, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A list of strings under ``key`` (``default`` when the key is absent or null)."""
    value = item.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return tuple(value)


def _names(item: dict, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Acceptable names under ``key``; ``re:`` patterns must compile."""
    if default is None and not item.get(key):
        raise ValueError(f"{key!r} must be a non-empty list of names")
    names = _strings(item, key, default or ())
    for name in names:
        if name.startswith("re:"):
            try:
                _pattern(name[3:])
            except re.error as err:
                raise ValueError(f"{key!r}: bad regular expression {name!r}: {err}") from None
    return names


# ---------------------------------------------------------------- names

def local_name(term: object) -> str:
    """The part of an IRI after the last ``#`` or ``/``."""
    return re.split(r"[#/]", str(term).rstrip("/#"))[-1]


def normalise(name: str) -> str:
    """Case-folded, quotes and full stops dropped, no leading "the" and no possessive "'s"."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[\"'.,]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@cache
def _pattern(text: str) -> re.Pattern:
    return re.compile(text, re.IGNORECASE)


def names_match(wanted: Iterable[str], names: set[str]) -> bool:
    """Whether any gold name (plain, ``wd:`` or ``re:``) is among a node's names."""
    for name in wanted:
        if name.startswith("wd:"):
            if WIKIDATA + name[3:] in names:
                return True
        elif name.startswith("re:"):
            if any(_pattern(name[3:]).fullmatch(n) for n in names):
                return True
        elif normalise(name) in names:
            return True
    return False


class _Names:
    """The names of graph nodes, each looked up once."""

    def __init__(self, data: Graph):
        self.data = data
        self.cache: dict[Node, set[str]] = {}

    def __call__(self, node: Node) -> set[str]:
        if node not in self.cache:
            self.cache[node] = self._lookup(node)
        return self.cache[node]

    def _lookup(self, node: Node) -> set[str]:
        if isinstance(node, Literal):
            return {normalise(str(node))}
        names = {str(node)}
        for p, o in self.data.predicate_objects(node):
            lname = local_name(p)
            if lname in NAME_PREDICATES and isinstance(o, Literal):
                names.add(normalise(str(o)))
            elif lname == "sameAs" and isinstance(o, URIRef):
                names.add(str(o))
        return names

    def label(self, node: Node) -> str:
        """The first plain name in sort order, else the IRI: how the scorer shows a node."""
        plain = sorted(n for n in self(node) if not n.startswith("http"))
        return plain[0] if plain else str(node)


# ---------------------------------------------------------------- statements in the graph

@dataclass(frozen=True)
class Statement:
    """One reified fact of the graph."""

    node: Node
    s: Node
    p: str
    o: Node
    modality: str | None
    provenance: bool
    claimed_by: tuple[Node, ...]
    doc: str | None

    @property
    def triple(self) -> Triple:
        return (self.s, self.p, self.o)


def statements(data: Graph, docs: Iterable[str] = ()) -> list[Statement]:
    """Every statement node with subject, predicate and object; ``docs`` are the article ids
    to look for in its graph and IRIs."""
    known = set(docs)
    found = []
    for node in set(data.subjects(RDF.predicate, None)):
        s, p, o = (data.value(node, part) for part in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue
        found.append(_statement(data, node, (s, local_name(p), o), known))
    return found


def _statement(data: Graph, node: Node, triple: Triple, known: set[str]) -> Statement:
    modality = None
    provenance = False
    claimed_by = []
    for pred, obj in data.predicate_objects(node):
        lname = local_name(pred)
        if lname == "modality":
            modality = normalise(local_name(obj) if isinstance(obj, URIRef) else str(obj))
        elif lname in PROVENANCE:
            provenance = True
        elif lname in ATTRIBUTION:
            claimed_by.append(obj)
    s, p, o = triple
    return Statement(node, s, p, o, modality, provenance, tuple(claimed_by),
                     _doc_of(data, node, known))


def _doc_of(data: Graph, node: Node, known: set[str]) -> str | None:
    """The article of a statement: a gold doc id that is a path segment of its named graph or
    of an IRI it points to (article, provenance), else the local name of its ``article``."""
    graphs = {getattr(g, "identifier", g) for *_, g in data.quads((node, None, None, None))}
    iris = sorted(str(g) for g in graphs if isinstance(g, URIRef))
    iris += sorted(str(o) for o in data.objects(node) if isinstance(o, URIRef))
    for iri in iris:
        for segment in re.split(r"[/#]", iri):
            if segment in known:
                return segment
    for pred, obj in data.predicate_objects(node):
        if local_name(pred) == "article":
            return local_name(obj)
    return None


# ---------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Extra:
    """A triple of the graph that matches no gold fact, with the articles it was read in."""

    text: str
    docs: tuple[str | None, ...]


@dataclass
class DocScore:
    """The figures for one article; precision, recall and F1 are None when undefined."""

    doc: str | None
    gold: int = 0
    found: int = 0
    statements: int = 0
    triples: int = 0
    true_positives: int = 0

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.triples if self.triples else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        if self.precision is None or self.recall is None:
            return None
        return _f1(self.precision, self.recall)

    def as_dict(self) -> dict:
        return {"doc": self.doc, "gold_required": self.gold, "gold_required_found": self.found,
                "statements": self.statements, "distinct_triples": self.triples,
                "true_positive_triples": self.true_positives,
                "precision": _round(self.precision), "recall": _round(self.recall),
                "f1": _round(self.f1)}


@dataclass
class Evaluation:
    """Totals (the scorer's figures), per-article rows, missed gold facts and extra triples."""

    statements: int
    triples: int
    true_positives: int
    gold: int
    found: int
    modality_hits: int
    modality_total: int
    attribution_hits: int
    attribution_total: int
    with_provenance: int
    missed: list[GoldFact] = field(default_factory=list)
    extra: list[Extra] = field(default_factory=list)
    docs: list[DocScore] = field(default_factory=list)
    wrong_modality: list[Extra] = field(default_factory=list)  # matched, with a modality gold rules out

    @property
    def precision(self) -> float:
        return self.true_positives / self.triples if self.triples else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def modality_accuracy(self) -> float:
        return self.modality_hits / self.modality_total if self.modality_total else 0.0

    @property
    def attribution_accuracy(self) -> float | None:
        return self.attribution_hits / self.attribution_total if self.attribution_total else None

    @property
    def provenance(self) -> float:
        return self.with_provenance / self.statements if self.statements else 0.0

    def doc(self, doc_id: str) -> DocScore:
        """The row of one article; KgError when neither the gold nor the graph has it."""
        for row in self.docs:
            if row.doc == doc_id or (row.doc is None and doc_id == NO_DOC):
                return row
        known = ", ".join(_doc_label(row.doc) for row in self.docs) or "none"
        raise KgError(f"no article {doc_id!r} in the gold facts or the graph (known: {known})")

    def as_dict(self, doc: str | None = None) -> dict:
        """The scorer's JSON keys and values, plus ``docs``; ``doc`` keeps one article's rows."""
        rows = [self.doc(doc)] if doc is not None else self.docs
        keep = {row.doc for row in rows}
        return {
            "statements": self.statements,
            "distinct_triples": self.triples,
            "true_positive_triples": self.true_positives,
            "gold_required": self.gold,
            "gold_required_found": self.found,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "modality_accuracy": round(self.modality_accuracy, 3),
            "attribution_accuracy": _round(self.attribution_accuracy),
            "with_provenance": round(self.provenance, 3),
            "missed": [g.describe() for g in self.missed if g.doc in keep],
            "false_positives": [e.text for e in self.extra if keep.intersection(e.docs)],
            "wrong_modality": [e.text for e in self.wrong_modality if keep.intersection(e.docs)],
            "docs": [row.as_dict() for row in rows],
        }


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def evaluate(gold: Iterable[GoldFact] | str | Path,
             graph: Graph | str | Path | Iterable[str | Path]) -> Evaluation:
    """Score a graph (an rdflib Graph/Dataset, or graph files) against gold facts (or a gold
    file)."""
    if isinstance(gold, (str, Path)):
        gold = load_gold(gold)
    gold = list(gold)
    if not isinstance(graph, Graph):
        from kg.graphfiles import load

        graph = load(graph)
    names = _Names(graph)
    facts = statements(graph, {g.doc for g in gold if g.doc})
    groups: dict[Triple, list[Statement]] = {}
    for fact in facts:
        groups.setdefault(fact.triple, []).append(fact)
    result = Evaluation(statements=len(facts), triples=len(groups), true_positives=0,
                        gold=0, found=0, modality_hits=0, modality_total=0,
                        attribution_hits=0, attribution_total=0,
                        with_provenance=sum(f.provenance for f in facts))
    matched: set[str] = set()
    extra: list[tuple[Triple, list[Statement]]] = []
    for triple, group in groups.items():
        hits = [g for g in gold if fact_matches(g, triple, names)]
        if not hits:
            extra.append((triple, group))
            continue
        matched.update(g.id for g in hits)
        _score_modality(result, hits, group, names)
        _score_attribution(result, hits, group, names)
    required = [g for g in gold if g.required]
    result.gold = len(required)
    result.found = sum(g.id in matched for g in required)
    result.true_positives = len(groups) - len(extra)
    result.missed = [g for g in required if g.id not in matched]
    result.extra = sorted((_extra(triple, group, names) for triple, group in extra),
                          key=lambda e: e.text)
    result.docs = _doc_rows(gold, matched, facts, {t for t, _ in extra})
    return result


def fact_matches(gold: GoldFact, triple: Triple, names: _Names) -> bool:
    """Whether a graph triple is the gold fact (either way round for symmetric relations)."""
    s, p, o = triple
    if p not in gold.p:
        return False
    if names_match(gold.s, names(s)) and names_match(gold.o, names(o)):
        return True
    return p in SYMMETRIC and names_match(gold.s, names(o)) and names_match(gold.o, names(s))


def _score_modality(result: Evaluation, hits: list[GoldFact], group: list[Statement],
                    names: _Names) -> None:
    """Each statement of a matched triple: is its modality one a matching gold fact allows?"""
    allowed = {normalise(m) for g in hits for m in g.modality}
    result.modality_total += len(group)
    result.modality_hits += sum(fact.modality in allowed for fact in group)
    for fact in group:
        if fact.modality not in allowed:
            result.wrong_modality.append(Extra(
                f"{names.label(fact.s)} -{fact.p}-> {names.label(fact.o)}: {fact.modality}"
                f" (gold: {', '.join(sorted(allowed))})", (fact.doc,)))


def _score_attribution(result: Evaluation, hits: list[GoldFact], group: list[Statement],
                       names: _Names) -> None:
    """A matched triple whose gold fact names a source: is one of its sources claimed?"""
    sources = [g.by for g in hits if g.by]
    if not sources:
        return
    result.attribution_total += 1
    result.attribution_hits += any(names_match(wanted, names(node)) for wanted in sources
                                   for fact in group for node in fact.claimed_by)


def _extra(triple: Triple, group: list[Statement], names: _Names) -> Extra:
    s, p, o = triple
    docs = tuple(sorted({f.doc for f in group}, key=_doc_label))
    return Extra(f"{names.label(s)} -{p}-> {names.label(o)}", docs)


def _doc_rows(gold: list[GoldFact], matched: set[str], facts: list[Statement],
              extra: set[Triple]) -> list[DocScore]:
    """Per-article rows: gold articles in gold-file order, then the graph's other articles."""
    rows: dict[str | None, DocScore] = {}
    for g in gold:
        row = rows.setdefault(g.doc, DocScore(g.doc))
        if g.required:
            row.gold += 1
            row.found += g.id in matched
    for doc in sorted({f.doc for f in facts} - set(rows), key=_doc_label):
        rows[doc] = DocScore(doc)
    seen: set[tuple[str | None, Triple]] = set()
    for fact in facts:
        row = rows[fact.doc]
        row.statements += 1
        if (fact.doc, fact.triple) not in seen:
            seen.add((fact.doc, fact.triple))
            row.triples += 1
            row.true_positives += fact.triple not in extra
    return sorted(rows.values(), key=lambda row: row.doc is None)


def _doc_label(doc: str | None) -> str:
    return NO_DOC if doc is None else doc


# ---------------------------------------------------------------- text report

def format_report(result: Evaluation, show: bool = False, doc: str | None = None) -> str:
    """The text ``kg evaluate`` prints: with ``show`` the missed gold facts and extra triples,
    a table of articles (only ``doc`` when given), then the scorer's two total lines."""
    data = result.as_dict(doc)
    lines = []
    if show:
        lines += [f"missed   {line}" for line in data["missed"]]
        lines += [f"extra    {line}" for line in data["false_positives"]]
        lines += [f"modality {line}" for line in data["wrong_modality"]]
    lines += _doc_table(data["docs"])
    if doc is not None:
        lines.append("whole graph:")
    lines.append(f'statements={data["statements"]} triples={data["distinct_triples"]} '
                 f'gold={data["gold_required"]} found={data["gold_required_found"]} '
                 f'provenance={data["with_provenance"]}')
    lines.append(f'precision={data["precision"]} recall={data["recall"]} f1={data["f1"]} '
                 f'modality={data["modality_accuracy"]} '
                 f'attribution={data["attribution_accuracy"]}')
    return "\n".join(lines) + "\n"


def _doc_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    width = max(len("article"), *(len(_doc_label(row["doc"])) for row in rows))
    header = f'{"article":<{width}}  gold  found  triples  precision  recall     f1'
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(f'{_doc_label(row["doc"]):<{width}}  {row["gold_required"]:>4}  '
                     f'{row["gold_required_found"]:>5}  {row["distinct_triples"]:>7}  '
                     f'{_figure(row["precision"]):>9}  {_figure(row["recall"]):>6}  '
                     f'{_figure(row["f1"]):>5}')
    lines.append("")
    return lines


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


class _CallableModule(types.ModuleType):
    """``kg.evaluate(gold, graph)`` works even after ``import kg.evaluate`` has made the name
    ``kg.evaluate`` this module rather than the function of the same name in ``kg``."""

    def __call__(self, gold, graph) -> Evaluation:
        return evaluate(gold, graph)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["GoldFact", "Evaluation", "DocScore", "Extra", "Statement", "load_gold",
           "parse_gold_line", "evaluate", "format_report", "statements", "normalise",
           "local_name", "names_match", "fact_matches", "NO_DOC"]
