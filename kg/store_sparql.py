"""A graph store behind any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Oxigraph, ...).

    store = SparqlStore("http://127.0.0.1:8890/sparql")
    store.load_file("output/graph.trig")            # each named graph replaced on the server
    for row in store.query(load_query("visits")):   # an rdflib Result, as from kg.sparql
        print(row.visitor, row.visited)

Only the SPARQL 1.1 Protocol is used (standard library HTTP, no driver): queries are POSTed as
``query=`` forms, updates as ``update=`` forms, to ``query_url`` and ``update_url``. With
``KG_SPARQL_USER`` and ``KG_SPARQL_PASSWORD`` set, requests answer HTTP digest or basic
authentication challenges with them.

Writing: ``replace_graph`` drops the named graph (``DROP SILENT GRAPH``) and inserts the triples
with ``INSERT DATA`` in chunks of ``CHUNK`` triples; ``merge_graph`` only inserts (the server's
set semantics keep a repeated triple once). Every term is written with rdflib's ``.n3()``, which
escapes quotes, backslashes and line breaks in literals and rejects IRIs containing characters
that would end them, so article text cannot change an update. Blank nodes would be fresh in each
chunk: graphs kg builds have none, and a graph that has some is refused.

Reading: ``query`` prepends the kg default prefixes (``kg.sparql.default_prefixes()``) a query
does not declare itself; SELECT and ASK results are fetched as SPARQL JSON, CONSTRUCT and
DESCRIBE as N-Triples, both returned as an ``rdflib.query.Result``. Canned queries use no
``GRAPH`` patterns; servers that (like Virtuoso) evaluate a query without ``FROM`` over all their
graphs give the same answers as rdflib over a built TriG file.

Any error the server reports becomes a KgError carrying its message on one line.
"""
from __future__ import annotations

import io
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import rdflib
from rdflib import BNode, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result

from kg.errors import KgError
from kg.graphfiles import load
from kg.sparql import default_prefixes
from kg.stores import Store, check_params, substitute_params

CHUNK = 1000          # triples per INSERT DATA request: Virtuoso 7 refuses a request whose
                      # generated SQL exceeds 10000 lines (SP031), at 1500 distinct literals
TIMEOUT = 300         # seconds per HTTP request
_MAX_MESSAGE = 500    # characters of a server error kept in the KgError

_PREFIX_RE = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_HIDE_RE = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|'
                      r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _without_strings(sparql: str) -> str:
    """The query with IRIs, string literals and comments blanked (same length), for look-ups."""
    return _HIDE_RE.sub(lambda m: " " * len(m.group()), sparql)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword outside IRIs/strings."""
    m = _FORM_RE.search(_without_strings(sparql))
    if not m:
        raise KgError("SPARQL syntax error: no SELECT, ASK, CONSTRUCT or DESCRIBE in the query")
    return m.group(1).upper()


def with_default_prefixes(sparql: str) -> str:
    """The query with PREFIX lines for the kg default prefixes it does not declare itself."""
    declared = {m.group(1) or "" for m in _PREFIX_RE.finditer(_without_strings(sparql))}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in default_prefixes().items() if p not in declared]
    return "\n".join(lines + [sparql])


def _opener(url: str) -> urllib.request.OpenerDirector:
    user, password = os.environ.get("KG_SPARQL_USER"), os.environ.get("KG_SPARQL_PASSWORD")
    if not user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))


class SparqlStore(Store):
    """Named graphs in a SPARQL 1.1 server, read and written over the SPARQL Protocol."""

    def __init__(self, query_url: str, update_url: str | None = None):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.spec = "sparql:" + query_url
        self.graphs_loaded = 0  # named graphs written by load_file() so far
        self._openers = {u: _opener(u) for u in {self.query_url, self.update_url}}

    # ------------------------------------------------------------------ HTTP

    def _post(self, url: str, form: dict[str, str], accept: str) -> tuple[bytes, str]:
        body = urllib.parse.urlencode(form).encode("ascii")
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "Accept": accept})
        try:
            with self._openers[url].open(request, timeout=TIMEOUT) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            try:
                detail = e.read().decode("utf-8", "replace")
            except Exception:
                detail = ""
            raise KgError(f"SPARQL server {url} answered {e.code} {e.reason}: "
                          f"{_one_line(detail) or '(no message)'}") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise KgError(f"cannot reach SPARQL server {url}: {_one_line(reason)}") from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request as it is."""
        self._post(self.update_url, {"update": sparql}, "*/*")

    # ---------------------------------------------------------------- writing

    def replace_graph(self, iri: str, graph: rdflib.Graph) -> None:
        """Make the named graph `iri` on the server hold exactly the triples of `graph`."""
        name = URIRef(iri).n3()
        chunks = self._chunks(graph)
        first = chunks.pop(0) if chunks else ""
        insert = f" ;\nINSERT DATA {{ GRAPH {name} {{\n{first}}} }}" if first else ""
        self.update(f"DROP SILENT GRAPH {name}{insert}")
        for chunk in chunks:
            self.update(f"INSERT DATA {{ GRAPH {name} {{\n{chunk}}} }}")

    def merge_graph(self, iri: str, graph: rdflib.Graph) -> None:
        """Add the triples of `graph` to the named graph `iri` (triples already there stay once)."""
        name = URIRef(iri).n3()
        for chunk in self._chunks(graph):
            self.update(f"INSERT DATA {{ GRAPH {name} {{\n{chunk}}} }}")

    @staticmethod
    def _chunks(graph: rdflib.Graph) -> list[str]:
        chunks, lines = [], []
        for s, p, o in graph:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise KgError("the SPARQL store cannot write blank nodes (a graph built by kg "
                              "has none)")
            try:
                lines.append(f"{s.n3()} {p.n3()} {o.n3()} .\n")
            except Exception as e:
                raise KgError(f"cannot write triple ({s}, {p}, {o}): {_one_line(e)}") from None
            if len(lines) >= CHUNK:
                chunks.append("".join(lines))
                lines = []
        if lines:
            chunks.append("".join(lines))
        return chunks

    def load_file(self, path: str | Path) -> int:
        """Replace each named graph of a built file on the server; the number of quads loaded.

        Files are read by ``kg.graphfiles.load`` (so a triple file goes to a graph named after
        its ``file://`` URI); default-graph triples of a quad file go to that graph as well.
        """
        ds = load([path])
        count = 0
        for graph in ds.graphs():
            if len(graph) == 0:
                continue
            iri = graph.identifier
            if iri == DATASET_DEFAULT_GRAPH_ID or isinstance(iri, BNode):
                iri = URIRef(Path(path).resolve().as_uri())
            self.replace_graph(str(iri), graph)
            self.graphs_loaded += 1
            count += len(graph)
        return count

    # ---------------------------------------------------------------- reading

    def query(self, sparql: str, params: dict[str, str] | None = None) -> Result:
        """Run a query on the server; the answer as an rdflib Result (see the module docstring).

        `params` are checked and bound as string literals as by ``kg.sparql.run_query``
        (substituted into the text by ``kg.stores.substitute_params``).
        """
        if params:
            sparql = substitute_params(sparql, check_params(sparql, params))
        form = query_form(sparql)
        text = with_default_prefixes(sparql)
        if form in ("SELECT", "ASK"):
            data, _ = self._post(self.query_url, {"query": text},
                                 "application/sparql-results+json")
            try:
                return Result.parse(io.BytesIO(data), format="json")
            except Exception as e:
                raise KgError(f"SPARQL server {self.query_url} sent results that are not SPARQL "
                              f"JSON: {_one_line(e)}: {_one_line(data[:200].decode('utf-8', 'replace'))}"
                              ) from None
        data, content_type = self._post(self.query_url, {"query": text},
                                        "application/n-triples, text/plain;q=0.9, "
                                        "text/turtle;q=0.5")
        fmt = "nt" if ("n-triples" in content_type or "text/plain" in content_type) else "turtle"
        graph = Graph()
        try:
            graph.parse(data=data.decode("utf-8"), format=fmt)
        except Exception as e:
            raise KgError(f"SPARQL server {self.query_url} sent a graph that does not parse as "
                          f"{fmt}: {_one_line(e)}") from None
        result = Result(form)
        result.graph = graph
        return result

    def close(self) -> None:
        """Nothing to release: every request uses its own HTTP connection."""
        self._openers.clear()


__all__ = ["SparqlStore", "query_form", "with_default_prefixes", "CHUNK"]
