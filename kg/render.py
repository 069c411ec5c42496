"""Render a kg graph as one self-contained HTML page (works offline).

The page inlines the vis-network bundle shipped with pyvis, the graph data (as escaped JSON in a
``<script type="application/json">`` block) and a small UI (search box, legend, evidence panel).
Nothing in the page is fetched from another host, and text from the data is only ever put into
the DOM with ``textContent`` (or vis-network's plain-text tooltips), never parsed as HTML.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import defaultdict, deque
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from rdflib import ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import KgError
from .namespaces import DCTERMS, KG, PROV, RDF, RDFS, SCHEMA, SKOS

__all__ = ["render_html", "RELATIONS", "SYMMETRIC_RELATIONS", "CLASS_PRIORITY"]

RELATIONS = frozenset(
    "visits meetsWith invites appealsTo supports opposes accuses threatens sanctions withdrawsFrom "
    "attacks captures defends invades fightsAgainst suppliesArmsTo providesAidTo tradesWith "
    "alliedWith signsAgreementWith proposes leads memberOf spokespersonFor partOf locatedIn".split()
)
SYMMETRIC_RELATIONS = frozenset(
    "meetsWith fightsAgainst tradesWith alliedWith signsAgreementWith".split())

# Most specific class first: an entity typed Country and Place is drawn as a Country.
CLASS_PRIORITY = (
    "MediaOrganization", "InternationalOrganization", "GovernmentBody", "ArmedGroup",
    "MilitaryForce", "Organization", "Person", "Country", "City", "Region", "Place", "Topic",
    "Actor",
)
MODALITIES = ("asserted", "planned", "negated", "alleged")

_SAFE_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")
_JSON_ESCAPES = {
    "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
}


# --------------------------------------------------------------------------------------------
# assets

@lru_cache(maxsize=1)
def _vis_js() -> str:
    """The vis-network standalone bundle that the installed pyvis package ships."""
    try:
        lib = resources.files("pyvis") / "lib"
        candidates = [lib / "vis-9.1.2" / "vis-network.min.js"]
        if not candidates[0].is_file():
            found = sorted(
                (p for p in Path(str(lib)).glob("vis-*/vis-network.min.js")),
                key=lambda p: [int(x) if x.isdigit() else 0
                               for x in p.parent.name[4:].split(".")],
            )
            candidates = list(reversed(found))
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:  # pragma: no cover
        raise KgError(f"cannot find the vis-network bundle of the pyvis package: {exc}") from exc
    for cand in candidates:
        if cand.is_file():
            text = cand.read_text(encoding="utf-8")
            # Never let the bundle close its own <script> element.
            return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    raise KgError("cannot find vis-network.min.js in the installed pyvis package")


@lru_cache(maxsize=1)
def _template() -> str:
    return (resources.files("kg") / "templates" / "graph.html").read_text(encoding="utf-8")


def _script_block(template: str, name: str) -> str:
    """The exact text between <script id="NAME"> and </script> in the template."""
    m = re.search(r'<script id="%s">(.*?)</script>' % re.escape(name), template, re.S)
    if not m:  # pragma: no cover - template is ours
        raise KgError(f"render template lacks the {name} script")
    return m.group(1)


def _csp_hash(text: str) -> str:
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _json_for_script(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


# --------------------------------------------------------------------------------------------
# reading the graph

def _union(data) -> Graph:
    if isinstance(data, ConjunctiveGraph):  # includes Dataset: read all named graphs at once
        g = Graph()
        for s, p, o, _ctx in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    if isinstance(data, Graph):
        return data
    raise KgError(f"cannot render {type(data).__name__}: expected an rdflib Dataset or Graph")


def _local_name(iri: Node) -> str:
    text = str(iri)
    for sep in ("#", "/", ":"):
        if sep in text.rstrip(sep):
            text = text.rstrip(sep).rsplit(sep, 1)[1]
            break
    return text


def _first(g: Graph, s: Node, p: Node):
    values = sorted(g.objects(s, p), key=lambda v: (str(v), getattr(v, "language", None) or ""))
    return values[0] if values else None


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


class _Reader:
    def __init__(self, g: Graph):
        self.g = g
        self._labels: dict[Node, str] = {}

    def label(self, node: Node) -> str:
        if node not in self._labels:
            labels = [v for v in self.g.objects(node, RDFS.label) if isinstance(v, Literal)]
            # prefer untagged / English labels, then the smallest, for a stable choice
            labels.sort(key=lambda v: (v.language not in (None, "en"), str(v)))
            self._labels[node] = str(labels[0]) if labels else _local_name(node)
        return self._labels[node]

    def alt_labels(self, node: Node) -> list[str]:
        label = self.label(node)
        return sorted({str(v) for v in self.g.objects(node, SKOS.altLabel)} - {label})

    def entity_class(self, node: Node) -> str:
        names = {str(t)[len(str(KG)):] for t in self.g.objects(node, RDF.type)
                 if str(t).startswith(str(KG))}
        for name in CLASS_PRIORITY:
            if name in names:
                return name
        return "unknown"

    def article(self, art: Node) -> dict:
        g = self.g
        out = {"id": str(art), "title": str(_first(g, art, DCTERMS.title) or _local_name(art))}
        url = _first(g, art, SCHEMA.url)
        if url is not None and _SAFE_URL.match(str(url)):
            out["url"] = str(url)
        for key, prop in (("date", DCTERMS.date), ("source", DCTERMS.source)):
            value = _first(g, art, prop)
            if value is not None:
                out[key] = str(value)
        return out

    def facts(self):
        """Yield one dict per kg:Fact with IRI subject and object."""
        g = self.g
        for fact in set(g.subjects(RDF.type, KG.Fact)):
            s = _first(g, fact, RDF.subject)
            p = _first(g, fact, RDF.predicate)
            o = _first(g, fact, RDF.object)
            if not (isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef)):
                continue
            modality = _first(g, fact, KG.modality)
            modality = _local_name(modality) if modality is not None else "asserted"
            sentence = _first(g, fact, PROV.wasDerivedFrom)
            text = index = None
            article = _first(g, fact, KG.article)
            if sentence is not None:
                t = _first(g, sentence, KG.text)
                text = str(t) if t is not None else None
                i = _first(g, sentence, KG["index"])
                try:
                    index = int(i) if i is not None else None
                except (TypeError, ValueError):
                    index = None
                if article is None:
                    article = _first(g, sentence, DCTERMS.isPartOf)
            claimed = _first(g, fact, KG.claimedBy)
            time = _first(g, fact, KG.time)
            from_article = _first(g, fact, KG.timeFromArticleDate)
            rule = _first(g, fact, KG.rule)
            yield {
                "fact": fact, "s": s, "rel": _local_name(p), "o": o,
                "modality": modality, "text": text, "index": index, "sentence": sentence,
                "article": article, "claimedBy": claimed,
                "time": str(time) if time is not None else None,
                "timeFromArticleDate": bool(from_article is not None and from_article.toPython()
                                            is True),
                "rule": str(rule) if rule is not None else None,
            }


def _find_focus(reader: _Reader, focus: str) -> set[Node]:
    g = reader.g
    wanted = _norm(focus)
    by_label = {s for s, _, v in g.triples((None, RDFS.label, None))
                if isinstance(v, Literal) and _norm(v) == wanted}
    if by_label:
        return by_label
    by_alt = {s for s, _, v in g.triples((None, SKOS.altLabel, None))
              if isinstance(v, Literal) and _norm(v) == wanted}
    if by_alt:
        return by_alt
    iri = URIRef(focus.strip())
    if (iri, None, None) in g or (None, None, iri) in g:
        return {iri}
    raise KgError(f"no entity named {focus!r} in the graph")


# --------------------------------------------------------------------------------------------
# building the page data

def _edge_modality(modalities: set[str]) -> str:
    if "asserted" in modalities or not modalities:
        return "asserted"
    if len(modalities) == 1:
        return next(iter(modalities))
    return "mixed"


def _build(data, focus: str | None, depth: int, relations: Iterable[str] | None) -> dict:
    if depth < 0:
        raise KgError(f"depth must be 0 or more, not {depth}")
    reader = _Reader(_union(data))
    facts = list(reader.facts())

    if relations is not None:
        if isinstance(relations, str):
            relations = [relations]
        wanted = {r.strip().split(":")[-1] for r in relations if r and r.strip()}
        present = {f["rel"] for f in facts}
        unknown = sorted(wanted - present - RELATIONS)
        if unknown:
            raise KgError("unknown relation(s): " + ", ".join(unknown)
                          + " (known: " + ", ".join(sorted(RELATIONS)) + ")")
        facts = [f for f in facts if f["rel"] in wanted]

    # one edge per (subject, relation, object); symmetric relations ignore direction
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for f in facts:
        s, o = f["s"], f["o"]
        if f["rel"] in SYMMETRIC_RELATIONS and str(o) < str(s):
            s, o = o, s
        grouped[(str(s), f["rel"], str(o))].append(f)

    seeds: set[str] = set()
    if focus is not None:
        seeds = {str(n) for n in _find_focus(reader, focus)}
        adjacency: dict[str, set[str]] = defaultdict(set)
        for s, _rel, o in grouped:
            adjacency[s].add(o)
            adjacency[o].add(s)
        keep = set(seeds)
        frontier = deque((n, 0) for n in sorted(seeds))
        while frontier:
            node, dist = frontier.popleft()
            if dist >= depth:
                continue
            for nxt in sorted(adjacency[node]):
                if nxt not in keep:
                    keep.add(nxt)
                    frontier.append((nxt, dist + 1))
        grouped = {k: v for k, v in grouped.items() if k[0] in keep and k[2] in keep}

    node_ids = {k[0] for k in grouped} | {k[2] for k in grouped} | seeds
    degree: dict[str, int] = defaultdict(int)
    for s, _rel, o in grouped:
        degree[s] += 1
        degree[o] += 1

    nodes = []
    for nid in sorted(node_ids):
        ref = URIRef(nid)
        nodes.append({
            "id": nid, "label": reader.label(ref), "cls": reader.entity_class(ref),
            "alt": reader.alt_labels(ref), "degree": degree[nid],
        })

    articles: dict[str, dict] = {}
    edges = []
    pair_count: dict[tuple, int] = defaultdict(int)
    for n, key in enumerate(sorted(grouped)):
        s, rel, o = key
        items = []
        for f in grouped[key]:
            art = f["article"]
            art_id = str(art) if art is not None else None
            if art is not None and art_id not in articles:
                articles[art_id] = reader.article(art)
            item = {
                "modality": f["modality"], "text": f["text"], "article": art_id,
                "time": f["time"], "timeFromArticleDate": f["timeFromArticleDate"],
                "rule": f["rule"], "fact": str(f["fact"]),
                "sentence": str(f["sentence"]) if f["sentence"] is not None else None,
                "index": f["index"],
                "reversed": str(f["s"]) != s,
            }
            if f["claimedBy"] is not None:
                item["claimedBy"] = reader.label(f["claimedBy"])
            items.append({k: v for k, v in item.items() if v is not None})
        items.sort(key=lambda i: (i.get("article", ""), i.get("index", -1), i.get("text", ""),
                                  i["fact"]))
        pair = tuple(sorted((s, o)))
        rank = pair_count[pair]
        pair_count[pair] += 1
        modalities = {i["modality"] for i in items}
        edges.append({
            "id": f"e{n}", "from": s, "to": o, "rel": rel,
            "symmetric": rel in SYMMETRIC_RELATIONS,
            "modality": _edge_modality(modalities),
            "modalities": {m: sum(1 for i in items if i["modality"] == m)
                           for m in sorted(modalities)},
            "rank": rank, "facts": items,
        })

    return {
        "nodes": nodes, "edges": edges,
        "articles": dict(sorted(articles.items())),
        "focus": sorted(seeds),
    }


# --------------------------------------------------------------------------------------------
# public API

def render_html(data, *, focus: str | None = None, depth: int = 1,
                relations: Iterable[str] | None = None, title: str = "kg graph") -> str:
    """Return one self-contained HTML page drawing the facts of ``data``.

    ``data`` is an rdflib Dataset (all named graphs are read together) or Graph written
    following docs/model.md. ``focus`` (a label, alt label or entity IRI, case-insensitive)
    restricts the page to that entity's neighbourhood up to ``depth`` hops; ``relations``
    restricts it to those relation local names. Raises KgError for an unknown focus or relation.
    The same input always gives the same bytes.
    """
    page_data = _build(data, focus, depth, relations)
    template = _template()
    app_js = _script_block(template, "kg-app")
    vis_js = _vis_js()
    csp = ("default-src 'none'; script-src %s %s; style-src 'unsafe-inline'; img-src data:; "
           "font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
           % (_csp_hash(vis_js), _csp_hash(app_js)))
    values = {
        "TITLE": html.escape(title, quote=True),
        "CSP": html.escape(csp, quote=False).replace('"', "&quot;"),
        "DATA": _json_for_script(page_data),
        "VIS_JS": vis_js,
    }
    head, sep, rest = template.partition('<script id="kg-app">')
    # only substitute outside the app script (which must stay byte-identical to its CSP hash)
    filled = _PLACEHOLDER.sub(lambda m: values[m.group(1)], head)
    return filled + sep + rest
