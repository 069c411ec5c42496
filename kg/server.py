"""`kg serve`: a small SPARQL 1.1 Protocol endpoint over built graphs, on pyoxigraph.

    store = open_store(["output/graph.trig"])           # or open_store([], oxigraph_dir="db/")
    server = make_server(Endpoint(store, timeout=10), "127.0.0.1", 8000)
    server.serve_forever()

Routes:

- ``/sparql``: GET ``?query=``, POST ``application/x-www-form-urlencoded`` (``query=`` or
  ``update=``), POST ``application/sparql-query`` and ``application/sparql-update`` bodies.
  SELECT/ASK answer JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE answer Turtle
  (default), N-Triples, JSON-LD or RDF/XML, chosen by the Accept header. The prefixes of
  ``kg.sparql.default_prefixes()`` may be used without declaring them. Queries see the union of
  all graphs (like ``kg query``); ``GRAPH ?g { ... }`` still reaches each named graph.
- ``/``: a query page (kg/templates/query.html) with the canned queries, a results table and,
  for CONSTRUCT results, the graph view of ``/view?query=...`` in a frame.
- ``/view?query=CONSTRUCT...``: ``kg render``'s page for the CONSTRUCT result.
- ``/graph``: ``kg render``'s page for the whole store, capped as ``kg build`` caps graph.html.

Errors: a malformed query is 400 with the parser's message; an update without
``--allow-update`` is 403; a query running longer than ``timeout`` seconds is 503. At most
``max_rows`` solutions (or triples) are returned; a cut result carries ``X-KG-Truncated: true``.

Time-outs: pyoxigraph cannot cancel a running query, so on Linux each query runs in a forked
child process (it shares the store copy-on-write and sends back the serialized result; about
30 ms a query) that is killed at the deadline: a timed-out query really stops. Elsewhere (or
with ``Endpoint(isolate=False)``) it runs in a worker thread that is *abandoned* at the deadline
(pyoxigraph releases the GIL, so the server keeps serving); that thread stops at its next
solution, but one blocked in a long ORDER BY/aggregate keeps a CPU busy until that step ends.
At most ``MAX_WORKERS`` queries run at once; more get 503 "busy".
"""
from __future__ import annotations

import html
import json
import multiprocessing
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Iterable
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import KgError
from .graphfiles import FORMATS as FILE_FORMATS
from .graphfiles import format_for
from .sparql import normalise_params

MAX_WORKERS = 4
HTML_MAX_FACTS = 5000  # as kg.builder caps graph.html
MAX_BODY = 1 << 20

_OX_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
               "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}

# media type -> format, in the order of preference for */*
_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/x-json+ld": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


# --------------------------------------------------------------------------------------------
# the store

def open_store(graphs: Iterable[str | Path] = (), oxigraph_dir: str | Path | None = None,
               allow_update: bool = False) -> ox.Store:
    """An in-memory Store with GRAPH files loaded (named graphs kept; the triples of a
    Turtle/N-Triples file go to a graph named after its file:// URI, as in kg.graphfiles), or
    the Oxigraph store in ``oxigraph_dir`` (read-only unless ``allow_update``)."""
    graphs = list(graphs)
    if oxigraph_dir is not None:
        path = Path(oxigraph_dir)
        if not path.is_dir():
            raise KgError(f"{path}: no such Oxigraph store folder")
        try:
            store = ox.Store(str(path)) if allow_update else ox.Store.read_only(str(path))
        except OSError as err:
            raise KgError(f"{path}: cannot open the Oxigraph store: {err}") from None
    else:
        store = ox.Store()
    for g in graphs:
        _load_file(store, Path(g))
    return store


def _load_file(store: ox.Store, path: Path) -> None:
    if not path.is_file():
        raise KgError(f"{path}: no such file")
    fmt = format_for(path)
    if fmt not in _OX_FORMATS:  # pragma: no cover - every kg format has an Oxigraph parser
        raise KgError(f"{path}: cannot load {fmt} into Oxigraph")
    quads = FILE_FORMATS[path.suffix.lower()][1]
    to_graph = None if quads else ox.NamedNode(path.resolve().as_uri())
    try:
        store.load(path=str(path), format=_OX_FORMATS[fmt], to_graph=to_graph)
    except (SyntaxError, ValueError, OSError) as err:
        raise KgError(f"{path}: cannot parse as {fmt}: {' '.join(str(err).split())}") from None


# --------------------------------------------------------------------------------------------
# running queries

@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())


class QueryError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Outcome:
    kind: str  # "select", "ask", "graph"
    variables: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)  # QuerySolution or Triple
    boolean: bool = False
    truncated: bool = False


def _accept(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (by q, then by order)."""
    items = []
    for n, part in enumerate((header or "").split(",")):
        mtype, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if mtype and q > 0:
            items.append((-q, n, mtype.lower()))
    return [m for _, _, m in sorted(items)]


def _negotiate(header: str | None, table: dict, default: str) -> tuple[str, object]:
    for mtype in _accept(header):
        if mtype in table:
            return mtype, table[mtype]
        if mtype in ("*/*", "application/*", "text/*"):
            break
    return default, table[default]


class Endpoint:
    """The SPARQL logic, independent of HTTP (each method returns a Response)."""

    def __init__(self, store: ox.Store, *, timeout: float = 30.0, max_rows: int = 10000,
                 allow_update: bool = False, title: str = "kg SPARQL",
                 isolate: bool | None = None):
        from .sparql import default_prefixes

        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.allow_update = allow_update
        self.title = title
        # a forked process per query where fork exists, else a thread (see the docstring)
        self.isolate = sys.platform.startswith("linux") if isolate is None else isolate
        self.prefixes = default_prefixes()
        self._slots = threading.BoundedSemaphore(MAX_WORKERS)
        self._graph_page: bytes | None = None
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- evaluation

    def run(self, query: str, limit: int | None = None,
            bindings: dict[str, str] | None = None) -> Outcome:
        """Evaluate a query within the deadline; QueryError(400/500/503) otherwise."""
        limit = self.max_rows if limit is None else limit
        if not self._slots.acquire(blocking=False):
            raise QueryError(503, f"server busy: {MAX_WORKERS} queries are running; retry later")
        if self.isolate:
            try:
                return self._run_forked(query, limit, bindings or {})
            finally:
                self._slots.release()
        box: dict = {}
        cancel = threading.Event()

        def work() -> None:
            try:
                box["outcome"] = self._evaluate(query, limit, cancel, bindings or {})
            except BaseException as err:  # noqa: BLE001 - handed to the request thread
                box["error"] = err
            finally:
                self._slots.release()

        worker = threading.Thread(target=work, name="kg-query", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            cancel.set()
            raise QueryError(503, f"query timed out after {self.timeout:g} s")
        if "error" in box:
            raise _query_error(box["error"])
        return box["outcome"]

    def _run_forked(self, query: str, limit: int, bindings: dict[str, str]) -> Outcome:
        """Evaluate in a forked child (it shares the store copy-on-write) that is killed at the
        deadline: a timed-out query really stops. Results come back serialized."""
        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)

        def child() -> None:
            try:
                out = self._evaluate(query, limit, threading.Event(), bindings)
                send.send(("ok", out.kind, out.boolean, out.truncated,
                           solutions_json(out) if out.kind == "select" else
                           ox.serialize(out.rows, format=ox.RdfFormat.N_TRIPLES) or b""))
            except BaseException as err:  # noqa: BLE001 - handed to the parent
                send.send(("error", isinstance(err, SyntaxError), str(err),
                           type(err).__name__, None))

        proc = ctx.Process(target=child, name="kg-query", daemon=True)
        proc.start()
        send.close()
        try:
            if not recv.poll(self.timeout):
                raise QueryError(503, f"query timed out after {self.timeout:g} s")
            try:
                status, a, b, c, data = recv.recv()
            except EOFError:
                raise QueryError(500, "query failed: the query process ended without an "
                                      f"answer (exit code {proc.exitcode})") from None
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join()
            recv.close()
        if status == "error":
            raise _query_error(SyntaxError(b) if a else RuntimeError(b or c))
        out = Outcome(a, boolean=b, truncated=c)
        if a == "select":
            solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
            out.variables = [v.value for v in solutions.variables]
            out.rows = list(solutions)
        elif a == "graph":
            out.rows = [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        return out

    def _evaluate(self, query: str, limit: int, cancel: threading.Event,
                  bindings: dict[str, str]) -> Outcome:
        bindings = normalise_params(query, bindings)  # e.g. "# param: entity [lowercase]"
        subs = {ox.Variable(k): ox.Literal(v) for k, v in bindings.items()}
        options = {"prefixes": self.prefixes, "use_default_graph_as_union": True}
        try:
            result = self.store.query(query, substitutions=subs or None, **options)
        except RuntimeError:
            if not subs:
                raise
            # Oxigraph substitutes only projected variables; bind the others in the text
            result = self.store.query(bind_text(query, bindings), **options)
        if isinstance(result, ox.QueryBoolean):
            return Outcome("ask", boolean=bool(result))
        out = Outcome("select" if isinstance(result, ox.QuerySolutions) else "graph")
        if out.kind == "select":
            out.variables = [v.value for v in result.variables]
        for item in result:
            if cancel.is_set():
                raise QueryError(503, "cancelled")
            if len(out.rows) >= limit:
                out.truncated = True
                break
            out.rows.append(item)
        return out

    # ---------------------------------------------------------------- protocol

    def sparql(self, query: str | None, update: str | None, accept: str | None,
               bindings: dict[str, str] | None = None) -> Response:
        """``bindings`` (from ``$name=value`` parameters) bind variables to plain literals,
        never pasted into the query text (SEP-0007 substitution, like kg query --param)."""
        if query is not None and update is not None:
            return _text(400, "give either query or update, not both")
        if update is not None:
            return self.update(update)
        if not query:
            return _text(400, "missing query: use ?query=, a query= form field or an "
                              "application/sparql-query body")
        try:
            outcome = self.run(query, bindings=bindings)
        except QueryError as err:
            return _text(err.status, str(err))
        resp = self.serialize(outcome, accept)
        if outcome.truncated:
            resp.headers["X-KG-Truncated"] = "true"
        return resp

    def update(self, update: str) -> Response:
        if not self.allow_update:
            return _text(403, "updates are disabled; start kg serve with --allow-update")
        try:
            self.store.update(update, prefixes=self.prefixes)
        except SyntaxError as err:
            return _text(400, f"SPARQL syntax error: {err}")
        except (OSError, ValueError, RuntimeError) as err:  # e.g. a read-only store
            return _text(500, f"update failed: {err}")
        with self._lock:
            self._graph_page = None
        return Response(204, "text/plain", b"")

    def serialize(self, outcome: Outcome, accept: str | None) -> Response:
        if outcome.kind == "graph":
            _, fmt = _negotiate(accept, _GRAPH_TYPES, "text/turtle")
            kwargs = {}
            if fmt == ox.RdfFormat.TURTLE:  # declare only the prefixes the result uses
                nt = ox.serialize(outcome.rows, format=ox.RdfFormat.N_TRIPLES) or b""
                kwargs["prefixes"] = {k: v for k, v in self.prefixes.items()
                                      if f"<{v}".encode() in nt}
            body = ox.serialize(outcome.rows, format=fmt, **kwargs) or b""
        else:
            _, fmt = _negotiate(accept, _RESULT_TYPES, "application/sparql-results+json")
            body = solutions_json(outcome)
            if fmt != ox.QueryResultsFormat.JSON:
                body = ox.parse_query_results(body, ox.QueryResultsFormat.JSON).serialize(
                    format=fmt)
        mtype = fmt.media_type  # the canonical type, e.g. text/turtle for application/turtle
        charset = "" if mtype.endswith("json") or "charset" in mtype else "; charset=utf-8"
        return Response(200, mtype + charset, body)

    # ---------------------------------------------------------------- pages

    def page(self, query: str = "") -> Response:
        return Response(200, "text/html; charset=utf-8", query_page(query, self.title).encode(),
                        {"Content-Security-Policy": _page_csp() + "; frame-ancestors 'self'"})

    def view(self, query: str | None, bindings: dict[str, str] | None = None) -> Response:
        """kg render's page for a CONSTRUCT/DESCRIBE result."""
        if not query:
            return _html_error(400, "missing query")
        try:
            outcome = self.run(query, bindings=bindings)
        except QueryError as err:
            return _html_error(err.status, str(err))
        if outcome.kind != "graph":
            return _html_error(400, "the graph view needs a CONSTRUCT or DESCRIBE query")
        from rdflib import Graph

        g = Graph()
        g.parse(data=ox.serialize(outcome.rows, format=ox.RdfFormat.N_TRIPLES) or b"",
                format="nt")
        return self._render(g, "kg: query result")

    def graph(self) -> Response:
        """kg render's page for the whole store: named graphs are taken whole while the facts
        stay within HTML_MAX_FACTS (as kg build does), plus the default graph."""
        with self._lock:
            cached = self._graph_page
        if cached is None:
            try:
                cached = self._render(self._capped_dataset(), "kg graph").body
            except QueryError as err:
                return _html_error(err.status, str(err))
            with self._lock:
                self._graph_page = cached
        return Response(200, "text/html; charset=utf-8", cached)

    def _capped_dataset(self):
        from rdflib import Dataset

        counts = self.run("SELECT ?g (COUNT(?f) AS ?n) WHERE { GRAPH ?g { ?f a kg:Fact } } "
                          "GROUP BY ?g ORDER BY ?g", limit=10**9)
        facts = {row["g"]: int(row["n"].value) for row in counts.rows}
        keep, total = [], 0
        for g in sorted(self.store.named_graphs(), key=str):
            n = facts.get(g, 0)
            if total + n <= HTML_MAX_FACTS:
                total += n
                keep.append(g)
        ds = Dataset(default_union=True)
        nq = ox.serialize(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
                          format=ox.RdfFormat.N_QUADS) or b""
        for g in keep:
            nq += ox.serialize(self.store.quads_for_pattern(None, None, None, g),
                               format=ox.RdfFormat.N_QUADS) or b""
        ds.parse(data=nq, format="nquads")
        return ds

    @staticmethod
    def _render(data, title: str) -> Response:
        from .render import render_html

        try:
            page = render_html(data, title=title)
        except KgError as err:
            return _html_error(400, str(err))
        return Response(200, "text/html; charset=utf-8", page.encode())


_TOKEN_RE = re.compile(
    r'"""[\s\S]*?"""' "|" r"'''[\s\S]*?'''"  # long strings
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"  # short strings
    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*'  # IRIs, comments
    r'|[?$]([A-Za-z_][A-Za-z0-9_]*)')  # variables


def sparql_string(value: str) -> str:
    """A SPARQL string literal for any text."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def bind_text(query: str, bindings: dict[str, str]) -> str:
    """The query with each ``?name``/``$name`` of ``bindings`` (outside strings, IRIs and
    comments) replaced by the value as an escaped string literal, so a value can never change
    the query's structure."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        return sparql_string(bindings[name]) if name in bindings else m.group(0)

    return _TOKEN_RE.sub(sub, query)


def _query_error(err: BaseException) -> QueryError:
    if isinstance(err, QueryError):
        return err
    if isinstance(err, SyntaxError):
        return QueryError(400, f"SPARQL syntax error: {err}")
    return QueryError(500, f"query failed: {' '.join(str(err).split()) or type(err).__name__}")


def solutions_json(outcome: Outcome) -> bytes:
    """SPARQL 1.1 Query Results JSON for a SELECT or ASK outcome."""
    if outcome.kind == "ask":
        return json.dumps({"head": {}, "boolean": outcome.boolean}).encode()
    bindings = []
    for row in outcome.rows:
        b = {}
        for name in outcome.variables:
            term = row[name]
            if term is not None:
                b[name] = _term_json(term)
        bindings.append(b)
    return json.dumps({"head": {"vars": outcome.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode()


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# the query page

_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")
_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _template() -> str:
    return (resources.files("kg") / "templates" / "query.html").read_text(encoding="utf-8")


def _page_csp() -> str:
    from .render import _csp_hash, _script_block

    app_js = _script_block(_template(), "kg-query-app")
    return ("default-src 'none'; script-src %s; style-src 'unsafe-inline'; img-src data:; "
            "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'"
            % _csp_hash(app_js))


def query_page(query: str = "", title: str = "kg SPARQL") -> str:
    """The query page; every value from outside is escaped (HTML text, or JSON in a script)."""
    from .render import _json_for_script
    from .sparql import list_queries, load_query

    canned = [{"name": q.name, "title": q.title, "params": q.param_names,
               "text": load_query(q.name)} for q in list_queries()]
    template = _template()
    values = {
        "TITLE": html.escape(title, quote=True),
        "CSP": html.escape(_page_csp(), quote=True),
        "QUERY": html.escape(query, quote=True),
        "CANNED": _json_for_script(canned),
    }
    head, sep, rest = template.partition('<script id="kg-query-app">')
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], head) + sep + rest


def _html_error(status: int, message: str) -> Response:
    page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>kg: error</title></head><body><pre>%s</pre></body></html>"
            % html.escape(message))
    return Response(status, "text/html; charset=utf-8", page.encode(),
                    {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


# --------------------------------------------------------------------------------------------
# HTTP

class Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint  # set on the subclass made by make_server
    server_version = "kg-serve/0.1"
    quiet = False

    def log_message(self, fmt, *args) -> None:  # noqa: D401 - http.server hook
        if not self.quiet:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def _send(self, resp: Response, head_only: bool = False) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if self.path.startswith("/sparql"):
            self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not head_only:
            self.wfile.write(resp.body)

    def _params(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query, keep_blank_values=True)

    def do_GET(self) -> None:
        self._safely(self._get)

    def do_POST(self) -> None:
        self._safely(self._post)

    def _safely(self, method) -> None:
        """Any unexpected error is a 500 with one line; the server goes on serving."""
        try:
            method()
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as err:  # noqa: BLE001
            self.log_message("error: %s", err)
            self._send(_text(500, f"internal error: {type(err).__name__}: {err}"))

    def _get(self) -> None:
        path, params = self._params()
        one = lambda name: (params.get(name) or [None])[0]  # noqa: E731
        ep = self.endpoint
        if path == "/sparql":
            resp = ep.sparql(one("query"), None, self.headers.get("Accept"), _bindings(params))
        elif path == "/":
            resp = ep.page(one("query") or "")
        elif path == "/view":
            resp = ep.view(one("query"), _bindings(params))
        elif path == "/graph":
            resp = ep.graph()
        else:
            resp = _text(404, f"not found: {path}; try / or /sparql")
        self._send(resp)

    def _post(self) -> None:
        path, params = self._params()
        if path != "/sparql":
            self._send(_text(404, f"not found: {path}; POST to /sparql"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(_text(413, f"request body over {MAX_BODY} bytes"))
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        query = update = None
        form: dict[str, list[str]] = params
        if ctype == "application/x-www-form-urlencoded":
            form = {**params, **parse_qs(body, keep_blank_values=True)}
            query = (form.get("query") or [None])[0]
            update = (form.get("update") or [None])[0]
        elif ctype == "application/sparql-query":
            query = body
        elif ctype == "application/sparql-update":
            update = body
        else:
            self._send(_text(415, f"unsupported Content-Type {ctype!r}: use "
                                  "application/x-www-form-urlencoded, application/sparql-query "
                                  "or application/sparql-update"))
            return
        self._send(self.endpoint.sparql(query, update, self.headers.get("Accept"),
                                        _bindings(form)))


def _bindings(params: dict[str, list[str]]) -> dict[str, str]:
    """``$name=value`` request parameters (the name a SPARQL variable name)."""
    return {k[1:]: v[0] for k, v in params.items() if _VAR_RE.match(k[1:]) and k[0] == "$"}


def make_server(endpoint: Endpoint, host: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False) -> ThreadingHTTPServer:
    """A ThreadingHTTPServer (port 0 picks a free one) serving ``endpoint``."""
    handler = type("KgHandler", (Handler,), {"endpoint": endpoint, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/"


__all__ = ["open_store", "Endpoint", "make_server", "server_url", "query_page", "Response"]
