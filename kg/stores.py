"""Stores that hold built graphs, chosen by name (``kg build/load/query --store SPEC``).

    store = open_store("oxigraph:/data/kg")   # or "memory", or "sparql:https://host/sparql"
    store.load_file("output/graph.trig")
    print(format_result(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    store.close()

Specs:

- ``memory``: an rdflib Dataset in this process (the default; files in, files out).
- ``oxigraph:DIR``: a persistent Oxigraph store in DIR (created when missing), files loaded in
  bulk.
- ``sparql:URL``: a remote SPARQL 1.1 endpoint (``kg.store_sparql.SparqlStore``).

Every store has the same small interface (:class:`Store`). Graph names are IRIs; an article's
graph is replaced when it is written again (never duplicated), the entities graph is merged
(set semantics: a triple is there once). Queries see the union of all graphs and may use
kg's default prefixes (``kg.sparql.default_prefixes()``) without declaring them.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import rdflib
from rdflib import Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from .errors import KgError

SPECS = "memory, oxigraph:DIR or sparql:URL"


class Store:
    """What every store offers. Subclasses implement the methods; `spec` names the store."""

    spec: str = ""
    graphs_loaded: int = 0  # named graphs written by load_file() so far (for `kg load`)

    def replace_graph(self, iri: str, graph: Graph) -> None:
        """Make `graph` the store's graph named `iri` (building an article again replaces it)."""
        raise NotImplementedError

    def merge_graph(self, iri: str, graph: Graph) -> None:
        """Add the triples of `graph` to the store's graph `iri` (set semantics)."""
        raise NotImplementedError

    def load_file(self, path: str | Path) -> int:
        """Load a graph file (.trig/.nq/.ttl/.nt/...): each named graph in it replaces the store's
        graph of that name (the triples of a triple format form the graph named after the file's
        file:// URI, as `kg.load` does). Returns the number of quads loaded. The file is checked
        before the store is touched: KgError "FILE: reason" for a bad file, and nothing changes."""
        raise NotImplementedError

    def query(self, sparql: str, params: dict[str, str] | None = None) -> Result:
        """SELECT/ASK/CONSTRUCT/DESCRIBE over the union of the graphs, as an rdflib Result.
        `params` are bound safely as string literals (see kg.sparql.run_query)."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"


def check_params(sparql: str, params: dict[str, str] | None) -> dict[Variable, Literal]:
    """Parameters checked as kg.sparql.run_query checks them, as rdflib variables and literals."""
    from .sparql import param_values

    return {Variable(k): Literal(v) for k, v in param_values(sparql, params).items()}


# a SPARQL token that may contain text looking like a variable: a string (long or short), an
# IRI, a comment; or a variable itself (group 1: its name)
_TOKEN_RE = re.compile("|".join([
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',        # long strings
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n]|\\.)*"',                  # short strings
    r"'(?:[^'\\\n]|\\.)*'",
    r'<[^<>"{}|^`\\\x00-\x20]*>',            # IRIs
    r"#[^\n]*",                                # comments
    r"[?$]([A-Za-z_][A-Za-z0-9_]*)",           # variables
]))


def substitute_params(sparql: str, bindings: dict[Variable, rdflib.term.Identifier]) -> str:
    """`sparql` with each variable of `bindings` replaced by its term's N3 (escaped by rdflib,
    never raw user text), outside strings, IRIs and comments: the same meaning as rdflib's
    initBindings, for engines without one. (A ``VALUES`` block would not do: it only binds the
    group it is in, and the canned queries compare their parameter in a nested group.)"""
    terms = {str(k): v.n3() for k, v in bindings.items()}
    if not terms:
        return sparql

    def swap(m: re.Match) -> str:
        name = m.group(1)
        return terms[name] if name in terms else m.group(0)

    return _TOKEN_RE.sub(swap, sparql)


def _one_line(text) -> str:
    return " ".join(str(text).split())


def query_store(store: Store, sparql: str, params: dict[str, str] | None = None) -> Result:
    """Run `sparql` on any store with `params` checked and bound as kg.sparql.run_query does
    (stores whose query() takes no parameters get them substituted into the text)."""
    if isinstance(store, (MemoryStore, OxigraphStore)):
        return store.query(sparql, params)
    return store.query(substitute_params(sparql, check_params(sparql, params)))


# ------------------------------------------------------------------------------------ memory

class MemoryStore(Store):
    """An rdflib Dataset in memory (queried with union default graph, like `kg query` files)."""

    def __init__(self, dataset: Dataset | None = None):
        self.spec = "memory"
        self.dataset = dataset if dataset is not None else Dataset(default_union=True)

    def replace_graph(self, iri: str, graph: Graph) -> None:
        named = self.dataset.graph(URIRef(iri))
        named.remove((None, None, None))
        for triple in graph:
            named.add(triple)

    def merge_graph(self, iri: str, graph: Graph) -> None:
        named = self.dataset.graph(URIRef(iri))
        for triple in graph:
            named.add(triple)

    def load_file(self, path: str | Path) -> int:
        from .graphfiles import load_into

        parsed = Dataset(default_union=False)
        load_into(parsed, path)  # KgError naming the file; the store is not touched yet
        count = 0
        for graph in parsed.graphs():
            if len(graph) == 0:
                continue
            count += len(graph)
            if graph.identifier == rdflib.graph.DATASET_DEFAULT_GRAPH_ID:
                self.merge_graph(graph.identifier, graph)
            else:
                self.replace_graph(graph.identifier, graph)
                self.graphs_loaded += 1
        return count

    def query(self, sparql: str, params: dict[str, str] | None = None) -> Result:
        from .sparql import run_query

        return run_query(self.dataset, sparql, params)


# ------------------------------------------------------------------------------------ oxigraph

# file extension -> (pyoxigraph.RdfFormat attribute, is a quad format)
_OX_FORMATS = {
    ".trig": ("TRIG", True), ".nq": ("N_QUADS", True), ".jsonld": ("JSON_LD", True),
    ".json": ("JSON_LD", True), ".ttl": ("TURTLE", False), ".nt": ("N_TRIPLES", False),
    ".rdf": ("RDF_XML", False), ".owl": ("RDF_XML", False), ".xml": ("RDF_XML", False),
}


class OxigraphStore(Store):
    """A persistent Oxigraph store in a folder (one process at a time may open it)."""

    def __init__(self, path: str | Path):
        try:
            import pyoxigraph
        except ImportError:
            raise KgError("the oxigraph store needs pyoxigraph: pip install pyoxigraph") from None
        self.ox = pyoxigraph
        self.path = Path(path)
        self.spec = f"oxigraph:{path}"
        if self.path.exists() and not self.path.is_dir():
            raise KgError(f"{self.path}: not a folder (oxigraph:DIR needs a folder for the store)")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = pyoxigraph.Store(str(self.path))
        except OSError as err:
            raise KgError(f"{self.path}: cannot open the Oxigraph store: "
                          f"{_one_line(err.strerror or err)}") from None

    def _ntriples(self, graph: Graph) -> bytes:
        data = graph.serialize(format="nt", encoding="utf-8")
        return data if isinstance(data, bytes) else data.encode("utf-8")

    def replace_graph(self, iri: str, graph: Graph) -> None:
        name = self.ox.NamedNode(str(iri))
        data = self._ntriples(graph)  # serialize first: a failure leaves the old graph in place
        if self.store.contains_named_graph(name):
            self.store.remove_graph(name)
        self.store.load(data, self.ox.RdfFormat.N_TRIPLES, to_graph=name)

    def merge_graph(self, iri: str, graph: Graph) -> None:
        self.store.load(self._ntriples(graph), self.ox.RdfFormat.N_TRIPLES,
                        to_graph=self.ox.NamedNode(str(iri)))

    def load_file(self, path: str | Path) -> int:
        path = Path(path)
        if not path.exists():
            raise KgError(f"{path}: no such file")
        if not path.is_file():
            raise KgError(f"{path}: not a file")
        kind = _OX_FORMATS.get(path.suffix.lower())
        if kind is None:
            known = ", ".join(sorted(_OX_FORMATS))
            raise KgError(f"{path}: unknown file extension {path.suffix or '(none)'!r} "
                          f"(expected one of {known})")
        fmt, quads = getattr(self.ox.RdfFormat, kind[0]), kind[1]
        # pass 1: parse the whole file (streaming) to check it and find its graphs
        names, count = set(), 0
        try:
            for quad in self.ox.parse(path=str(path), format=fmt):
                count += 1
                if not isinstance(quad.graph_name, self.ox.DefaultGraph):
                    names.add(quad.graph_name)
        except (SyntaxError, ValueError, OSError, UnicodeDecodeError) as err:
            raise KgError(f"{path}: cannot parse as {kind[0].lower().replace('_', '-')}: "
                          f"{_one_line(err)}") from None
        to_graph = None if quads else self.ox.NamedNode(path.resolve().as_uri())
        if to_graph is not None:
            names = {to_graph}
        # pass 2: the file is good: drop the graphs it names and bulk load it
        try:
            for name in names:
                if self.store.contains_named_graph(name):
                    self.store.remove_graph(name)
            self.store.bulk_load(path=str(path), format=fmt, to_graph=to_graph)
            self.graphs_loaded += len(names)
        except (SyntaxError, ValueError, OSError) as err:
            raise KgError(f"{path}: cannot load into {self.spec}: {_one_line(err)}") from None
        return count

    def query(self, sparql: str, params: dict[str, str] | None = None) -> Result:
        from .sparql import default_prefixes

        bindings = check_params(sparql, params)
        ox = self.ox
        try:
            answer = self.store.query(substitute_params(sparql, bindings),
                                      prefixes=default_prefixes(),
                                      use_default_graph_as_union=True)
        except SyntaxError as err:
            raise KgError(f"SPARQL syntax error: {_one_line(err)}") from None
        except (OSError, ValueError, RuntimeError) as err:
            raise KgError(f"query failed: {_one_line(err) or type(err).__name__}") from None
        return ox_result(ox, answer)

    def close(self) -> None:
        store, self.store = getattr(self, "store", None), None
        if store is not None:
            try:
                store.flush()
            except (AttributeError, OSError):
                pass
            del store


def ox_result(ox, answer) -> Result:
    """A pyoxigraph query answer as an rdflib Result (through SPARQL JSON or N-Triples)."""
    if isinstance(answer, ox.QueryTriples):
        graph = Graph()
        graph.parse(data=answer.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
        result = Result("CONSTRUCT")
        result.graph = graph
        return result
    data = answer.serialize(format=ox.QueryResultsFormat.JSON)
    return Result.parse(io.BytesIO(data), format="json")


# ------------------------------------------------------------------------------------ open

def open_store(spec: str, update_url: str | None = None) -> Store:
    """The store `spec` names: ``memory``, ``oxigraph:DIR`` or ``sparql:URL`` (with an optional
    separate SPARQL Update endpoint). KgError with one clear line for a bad spec."""
    spec = (spec or "").strip()
    kind, sep, where = spec.partition(":")
    kind = kind.lower()
    if kind == "memory" and not where:
        if update_url:
            raise KgError("--update-url is only for sparql:URL stores")
        return MemoryStore()
    if kind == "oxigraph" and sep:
        if not where:
            raise KgError("store 'oxigraph:' needs a folder: oxigraph:DIR")
        if update_url:
            raise KgError("--update-url is only for sparql:URL stores")
        return OxigraphStore(where)
    if kind == "sparql" and sep:
        if not where.startswith(("http://", "https://")):
            raise KgError(f"store {spec!r}: expected sparql:http(s)://host/path")
        try:
            from .store_sparql import SparqlStore
        except ImportError:
            raise KgError("sparql:URL stores are not available in this version of kg "
                          "(kg.store_sparql is missing)") from None
        return SparqlStore(where, update_url=update_url)
    raise KgError(f"unknown store {spec!r}: use {SPECS}")


__all__ = ["Store", "MemoryStore", "OxigraphStore", "open_store", "check_params", "substitute_params", "query_store",
           "SPECS"]
