"""Canned SPARQL queries over built graphs, and result formatting.

    from kg.graphfiles import load
    from kg.sparql import load_query, run_query, format_result

    ds = load(["output/graph.trig"])
    res = run_query(ds, load_query("entity"), {"entity": "Xi Jinping"})
    print(format_result(res, "table"))

Canned queries are the ``kg/queries/*.rq`` files. Each starts with comment lines::

    # title: Facts about one entity
    # description: ...
    # param: entity - name of the entity

Parameters are bound with rdflib's ``initBindings`` as plain string literals, never pasted into
the query text, so a value can only ever be compared with, not change the query. All declared
parameters are required. A query without ``# param:`` lines (an ad-hoc query) accepts
parameters named after variables that occur in it.

The queries use no ``GRAPH`` patterns: rdflib's SPARQL engine evaluates them against the union
of all graphs of a Dataset (and against the graph itself for a plain Graph), so they work on a
TriG dataset with one graph per article as well as on a single-graph Turtle file.

Note that rdflib honours ``SERVICE`` and ``FROM <url>`` in ad-hoc queries by fetching over the
network; the canned queries use neither.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from kg.errors import KgError
from kg.namespaces import bind_prefixes

QUERY_DIR = Path(__file__).with_name("queries")
FORMATS = ("table", "csv", "tsv", "json")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_RE = re.compile(r"^\s*#\s*(title|description|param)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_PARAM_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(\[lowercase\])?\s*(?:(?:-|–|—|:)\s*(.*))?$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class ParamInfo:
    name: str
    description: str = ""
    # ``# param: name [lowercase] - ...``: the value is lower-cased (as SPARQL's LCASE does)
    # before it is bound, for comparing with kg:nameKey in one index lookup
    lowercase: bool = False


@dataclass(frozen=True)
class QueryInfo:
    name: str
    title: str = ""
    description: str = ""
    params: list[ParamInfo] = field(default_factory=list)

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]


def parse_header(sparql: str, name: str = "") -> QueryInfo:
    """Read the ``# title:``, ``# description:`` and ``# param:`` lines at the top of a query.

    A ``#`` line without a key continues the previous title or description.
    """
    title, description, params = "", "", []
    last = None
    for line in sparql.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER_RE.match(stripped)
        if m:
            key, value = m.group(1).lower(), m.group(2)
            if key == "title":
                title, last = value, "title"
            elif key == "description":
                description, last = value, "description"
            else:
                pm = _PARAM_RE.match(value)
                if pm:
                    params.append(ParamInfo(pm.group(1), (pm.group(3) or "").strip(),
                                            lowercase=bool(pm.group(2))))
                last = None
        else:
            more = stripped.lstrip("#").strip()
            if more and last == "title":
                title = f"{title} {more}".strip()
            elif more and last == "description":
                description = f"{description} {more}".strip()
    return QueryInfo(name=name, title=title, description=description, params=params)


def _query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


def list_queries() -> list[QueryInfo]:
    """The canned queries, sorted by name."""
    return [parse_header(load_query(n), n) for n in _query_names()]


def load_query(name: str) -> str:
    """The text of a canned query (``name`` with or without ``.rq``); KgError if unknown."""
    stem = name[:-3] if name.endswith(".rq") else name
    path = QUERY_DIR / f"{stem}.rq"
    if not _NAME_RE.match(stem) or not path.is_file():
        names = ", ".join(_query_names()) or "(none)"
        raise KgError(f"unknown query {name!r}; known queries: {names}")
    return path.read_text(encoding="utf-8")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _check_params(sparql: str, params: dict[str, str]) -> None:
    declared = parse_header(sparql).param_names
    for key in params:
        if not isinstance(key, str) or not _VAR_RE.match(key):
            raise KgError(f"invalid parameter name {key!r}")
    if declared:
        unknown = [k for k in params if k not in declared]
        if unknown:
            raise KgError(f"unknown parameter {', '.join(map(repr, unknown))}; "
                          f"this query takes: {', '.join(declared)}")
        missing = [k for k in declared if k not in params]
        if missing:
            raise KgError(f"missing parameter {', '.join(map(repr, missing))}")
    else:
        unknown = [k for k in params if not re.search(r"[?$]" + re.escape(k) + r"\b", sparql)]
        if unknown:
            raise KgError(f"unknown parameter {', '.join(map(repr, unknown))}; "
                          "the query declares no '# param:' lines and has no such variable")


def normalise_params(sparql: str, params: dict[str, str]) -> dict[str, str]:
    """`params` as the query binds them: values of ``[lowercase]`` parameters lower-cased."""
    from .rdf import name_key

    lower = {p.name for p in parse_header(sparql).params if p.lowercase}
    return {k: name_key(str(v)) if k in lower else str(v) for k, v in params.items()}


def param_values(sparql: str, params: dict[str, str] | None) -> dict[str, str]:
    """`params` checked against the query (KgError if unknown or missing) and normalised."""
    params = dict(params or {})
    _check_params(sparql, params)
    return normalise_params(sparql, params)


def default_prefixes() -> dict[str, str]:
    """Prefixes every query may use without declaring them (kg, id, rdfs, skos, prov, ...)."""
    from .namespaces import GEO, KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, DCTERMS, Base

    base = Base()
    return {"kg": str(KG), "id": str(base.entity), "art": str(base.article),
            "fact": str(base.fact), "rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS),
            "prov": str(PROV), "dcterms": str(DCTERMS), "schema": str(SCHEMA), "owl": str(OWL),
            "xsd": str(XSD), "geo": str(GEO)}


def run_query(data: Graph, sparql: str, params: dict[str, str] | None = None) -> Result:
    """Run a SPARQL query on a Dataset (or Graph) with parameters bound safely.

    The prefixes of `default_prefixes()` are predeclared. The result is fully evaluated before it is returned, so evaluation errors surface here as
    KgError. Raises KgError for a syntax error (parser message on one line), an unknown or a
    missing parameter.
    """
    params = param_values(sparql, params)
    try:
        prepared = prepareQuery(sparql, initNs=default_prefixes())
    except Exception as e:
        raise KgError(f"SPARQL syntax error: {_one_line(e)}") from None
    bindings = {Variable(k): Literal(str(v)) for k, v in params.items()}
    try:
        result = data.query(prepared, initBindings=bindings)
        if result.type == "SELECT":
            result.bindings  # materialise: evaluation is lazy in rdflib
        elif result.type in ("CONSTRUCT", "DESCRIBE"):
            result.graph
    except KgError:
        raise
    except Exception as e:
        raise KgError(f"query failed: {_one_line(e) or type(e).__name__}") from None
    return result


# ---------------------------------------------------------------- formatting

def _compactor():
    g = Graph()
    bind_prefixes(g)
    nm = g.namespace_manager

    def compact(term: URIRef) -> str:
        try:
            prefix, _, local = nm.compute_qname(term, generate=False)
        except Exception:
            return str(term)
        return f"{prefix}:{local}" if prefix else str(term)

    return compact


def _cell(term, compact=None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(term) if compact else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _rows(result: Result, compact=None) -> tuple[list[str], list[list[str]]]:
    names = [str(v) for v in (result.vars or [])]
    rows = [[_cell(row.get(Variable(n)), compact) for n in names] for row in result.bindings]
    return names, rows


def _table(names: list[str], rows: list[list[str]], max_width: int | None = None) -> str:
    def fit(c: str) -> str:
        if "\n" in c or "\t" in c or "\r" in c:
            c = _one_line(c)
        if max_width and len(c) > max_width:
            c = c[: max(max_width - 1, 1)] + "…"
        return c

    rows = [[fit(c) for c in r] for r in rows]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(names), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def format_result(result: Result, fmt: str = "table", *, max_width: int | None = 100) -> str:
    """Render a query result as text, ending with one newline (ready to write or echo as is).

    SELECT: ``table`` (aligned columns, a header line, a dashed rule, and a row count; IRIs
    shortened with the usual prefixes, values longer than ``max_width`` characters cut with
    "…"; ``max_width=None`` keeps them whole), ``csv`` (RFC 4180 quoting) and ``tsv`` (tabs and
    newlines inside values turned into spaces), both with a header of variable names and full
    IRIs, and ``json`` (SPARQL 1.1 Query Results JSON).
    ASK: ``true``/``false`` for table/csv/tsv; the SPARQL JSON boolean result for json.
    CONSTRUCT/DESCRIBE: the graph as Turtle for table/csv/tsv, as JSON-LD for json.
    """
    if fmt not in FORMATS:
        raise KgError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _format(result, fmt, max_width).rstrip("\n") + "\n"


def _format(result: Result, fmt: str, max_width: int | None) -> str:
    kind = result.type
    if kind == "ASK":
        if fmt == "json":
            return _serialize_json(result)
        return "true" if result.askAnswer else "false"
    if kind in ("CONSTRUCT", "DESCRIBE"):
        g = result.graph
        bind_prefixes(g)
        return g.serialize(format="json-ld" if fmt == "json" else "turtle").strip()
    if fmt == "json":
        return _serialize_json(result)
    if fmt == "table":
        return _table(*_rows(result, _compactor()), max_width=max_width)
    names, rows = _rows(result)
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
    else:
        clean = lambda c: " ".join(c.replace("\t", " ").splitlines())  # noqa: E731
        buf.write("\t".join(names) + "\n")
        for r in rows:
            buf.write("\t".join(clean(c) for c in r) + "\n")
    return buf.getvalue().rstrip("\n")


def _serialize_json(result: Result) -> str:
    data = result.serialize(format="json")
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    return data.strip()


__all__ = ["QueryInfo", "ParamInfo", "list_queries", "load_query", "parse_header", "run_query",
           "format_result", "FORMATS", "QUERY_DIR"]
