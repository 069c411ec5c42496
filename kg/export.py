"""Writing graphs in the standard RDF formats: Turtle, TriG, N-Triples, N-Quads and JSON-LD.

    from kg.export import write_dataset
    write_dataset(dataset, "out/graph.jsonld", "jsonld")

Every writer takes one graph at a time (`add(name, graph)`), so a build streams its article
graphs straight to the files and never holds the whole dataset; files are written under a
temporary name and moved into place by `commit()` (kg.output.AtomicFile).

- trig, nquads and jsonld keep the named graphs (one per article, plus the entities graph);
  JSON-LD writes each as a `{"@id": graph, "@graph": [...]}` object, compacted with kg's
  context (kg/data/context.jsonld, embedded in the file so reading it needs no network).
- turtle and nt have no named graphs: they hold the union of the graphs, each triple once (a
  triple stated in several graphs is remembered by a 64-bit hash, about 70 bytes of memory per
  distinct triple).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import KgError
from .namespaces import DEFAULT_BASE, Base
from .output import AtomicFile, kg_graph, prefix_header, turtle_body

CONTEXT_PATH = Path(__file__).parent / "data" / "context.jsonld"

# format name -> file suffix
FORMATS = {"trig": ".trig", "turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "jsonld": ".jsonld"}
ALIASES = {"ttl": "turtle", "nq": "nquads", "n-quads": "nquads", "ntriples": "nt",
           "n-triples": "nt", "json-ld": "jsonld"}
DEFAULT_FORMATS = ("trig", "turtle")


def parse_formats(values: Iterable[str]) -> list[str]:
    """Format names from `--format` values (repeatable, or comma lists), in order, once each.

    Raises KgError naming the allowed formats for an unknown one."""
    formats: list[str] = []
    for value in values:
        for word in value.split(","):
            name = word.strip().lower()
            if not name:
                continue
            name = ALIASES.get(name, name)
            if name not in FORMATS:
                raise KgError(f"unknown format {word.strip()!r}: choose from "
                              f"{', '.join(FORMATS)} (comma-separated or repeated)")
            if name not in formats:
                formats.append(name)
    if not formats:
        raise KgError(f"no format given: choose from {', '.join(FORMATS)}")
    return formats


def file_name(fmt: str) -> str:
    """The file a build writes for `fmt`: graph.trig, graph.ttl, graph.nt, graph.nq..."""
    return "graph" + FORMATS[fmt]


def context(base: str = DEFAULT_BASE) -> dict:
    """The JSON-LD context object (the value of "@context") for graphs built with `base`."""
    data = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]
    iris = Base(base)
    data.update(id=str(iris.entity), art=str(iris.article), fact=str(iris.fact),
                graph=str(iris.graph))
    return data


def _name_n3(name) -> str | None:
    """A graph name as it appears in TriG / N-Quads; None for the default graph."""
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return None
    return name.n3()


class FileWriter:
    """A graph file written under a temporary name; `commit()` moves it into place."""

    def __init__(self, path: Path):
        self.out = AtomicFile(path)

    def add(self, name, graph: Graph) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.out.commit()

    def abort(self) -> None:
        self.out.abort()


class TurtleWriter(FileWriter):
    """Turtle: the union of the graphs, prefixes declared as they first appear."""

    def __init__(self, path: Path, base: Base):
        super().__init__(path)
        self.header = prefix_header(base)
        self.declared = dict(line.split(" ", 2)[1:] for line in self.header.splitlines() if line)
        self.out.write(self.header)
        self.seen: set[int] = set()

    def _new_triples(self, graph: Graph) -> Graph:
        """The triples of `graph` not written before (in a graph with the same prefixes)."""
        fresh = Graph(bind_namespaces="none")
        for prefix, ns in graph.namespaces():
            fresh.bind(prefix, ns)
        for triple in graph:
            key = hash(triple)
            if key not in self.seen:
                self.seen.add(key)
                fresh.add(triple)
        return fresh

    def _body(self, graph: Graph) -> str:
        """Turtle of `graph` without its prefixes; any prefix not yet declared is written now
        (Turtle and TriG allow @prefix between statements)."""
        prefixes, body = turtle_body(graph)
        for line in prefixes:
            _, name, iri = line.split(" ", 2)
            if self.declared.get(name) != iri:
                self.declared[name] = iri
                self.out.write(line + "\n")
        return body

    def add(self, name, graph: Graph) -> None:
        graph = self._new_triples(graph)
        if len(graph):
            self.out.write(self._body(graph) + "\n\n")


class TrigWriter(TurtleWriter):
    """TriG: one `<name> { ... }` block per named graph."""

    def add(self, name, graph: Graph) -> None:
        if len(graph) == 0:
            return
        body = self._body(graph)
        label = _name_n3(name)
        if label is None:  # the default graph: plain triples
            self.out.write(body + "\n\n")
            return
        if '"""' in body:  # a multi-line literal: indenting would change its text
            indented = body
        else:
            indented = "\n".join(("    " + line) if line else line for line in body.split("\n"))
        self.out.write(f"{label} {{\n{indented}\n}}\n\n")


class NTriplesWriter(FileWriter):
    """N-Triples: the union of the graphs, one line per distinct triple."""

    def __init__(self, path: Path, base: Base):
        super().__init__(path)
        self.seen: set[int] = set()

    @staticmethod
    def lines(graph: Graph) -> list[str]:
        # rdflib escapes quotes, backslashes, CR and LF in literals, so lines split at "\n" only
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        return [line for line in text.split("\n") if line.strip()]

    def add(self, name, graph: Graph) -> None:
        out = []
        for line in self.lines(graph):
            key = hash(line)
            if key not in self.seen:
                self.seen.add(key)
                out.append(line + "\n")
        self.out.write("".join(out))


class NQuadsWriter(NTriplesWriter):
    """N-Quads: every triple with its graph name."""

    def add(self, name, graph: Graph) -> None:
        label = _name_n3(name)
        if label is None:
            self.out.write("".join(line + "\n" for line in self.lines(graph)))
            return
        # an N-Triples line ends with " ." (literals cannot hold a raw newline)
        self.out.write("".join(f"{line[:-1].rstrip()} {label} .\n"
                               for line in self.lines(graph)))


def _compacting_context(data: dict):
    """rdflib's JSON-LD Context, shortening IRIs with the longest matching prefix (so that
    art:ID/s3 and graph:article/ID read as well as art:ID; rdflib splits at the last '/')."""
    from rdflib.plugins.shared.jsonld.context import Context

    class PrefixContext(Context):
        def shrink_iri(self, iri: str) -> str:
            iri = str(iri)
            for name, ns in prefixes:
                if iri.startswith(ns) and len(iri) > len(ns) and iri[len(ns):len(ns) + 2] != "//":
                    return f"{name}:{iri[len(ns):]}"
            return super().shrink_iri(iri)

    result = PrefixContext(data)
    prefixes = sorted(((name, term.id) for name, term in result.terms.items()
                       if isinstance(term.id, str) and term.id.endswith(("/", "#"))),
                      key=lambda pair: -len(pair[1]))
    return result


class JsonLdWriter(FileWriter):
    """JSON-LD: `{"@context": ..., "@graph": [{"@id": graph, "@graph": [nodes]}, ...]}`,
    written one graph object at a time."""

    def __init__(self, path: Path, base: Base):
        super().__init__(path)
        data = context(base.base)
        self.context = _compacting_context(data)
        self.first = True
        self.out.write('{\n"@context": ' + json.dumps(data, indent=1, ensure_ascii=False)
                       + ',\n"@graph": [\n')

    def nodes(self, graph: Graph) -> list[dict]:
        """The node objects of `graph` compacted with the context, in a stable order."""
        from rdflib.plugins.serializers.jsonld import from_rdf

        result = from_rdf(graph, self.context)
        result.pop("@context", None)
        nodes = result["@graph"] if set(result) == {"@graph"} else [result]
        for node in nodes:
            for key, value in node.items():
                if isinstance(value, list):
                    value.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return sorted(nodes, key=lambda node: str(node.get("@id", "")))

    def _write(self, item: dict) -> None:
        self.out.write(("" if self.first else ",\n")
                       + json.dumps(item, sort_keys=True, ensure_ascii=False))
        self.first = False

    def add(self, name, graph: Graph) -> None:
        if len(graph) == 0:
            return
        nodes = self.nodes(graph)
        if name is None or name == DATASET_DEFAULT_GRAPH_ID:  # default graph: top-level nodes
            for node in nodes:
                self._write(node)
            return
        label = self.context.shrink_iri(name) if isinstance(name, URIRef) else name.n3()
        self._write({"@id": label, "@graph": nodes})

    def commit(self) -> None:
        self.out.write("\n]}\n")
        super().commit()


WRITERS = {"trig": TrigWriter, "turtle": TurtleWriter, "nt": NTriplesWriter,
           "nquads": NQuadsWriter, "jsonld": JsonLdWriter}


def open_writer(fmt: str, path: str | Path, base: str | Base = DEFAULT_BASE):
    """A streaming writer of `fmt` (see FORMATS) to `path`: add(name, graph), commit(), abort()."""
    fmt = parse_formats([fmt])[0]
    iris = base if isinstance(base, Base) else Base(base)
    return WRITERS[fmt](Path(path), iris)


def _graphs(data) -> list[tuple[object, Graph]]:
    """(name, graph) pairs of a Dataset (or an iterable of quads), the default graph first."""
    if not isinstance(data, (Dataset, Graph)):
        dataset = Dataset()
        for s, p, o, g in data:
            dataset.graph(g if g is not None else DATASET_DEFAULT_GRAPH_ID).add((s, p, o))
        data = dataset
    if not getattr(data, "context_aware", False):
        return [(None, data)]
    graphs = data.graphs() if isinstance(data, Dataset) else data.contexts()
    pairs = [(None if g.identifier == DATASET_DEFAULT_GRAPH_ID else g.identifier, g)
             for g in graphs if len(g)]
    return sorted(pairs, key=lambda pair: (pair[0] is not None,
                                           isinstance(pair[0], BNode), str(pair[0])))


def _base_of(data) -> str:
    """The base IRI a kg Dataset was built with (from its `id:` prefix), else the default."""
    for prefix, ns in getattr(data, "namespaces", lambda: [])():
        if prefix == "id" and str(ns).endswith("/id/"):
            return str(ns)[:-len("id/")]
    return DEFAULT_BASE


def write_dataset(data, path: str | Path, fmt: str, base: str | None = None) -> int:
    """Write a Dataset (or Graph, or iterable of (s, p, o, g) quads) to `path` in `fmt`
    (trig, turtle, nt, nquads, jsonld; see the module docstring for what each keeps).

    Returns the number of graphs written. The file appears only once complete."""
    iris = Base(base or _base_of(data))
    graphs = _graphs(data)
    # each graph is copied into one with kg's prefixes plus the data's own other ones
    known = kg_graph(iris)
    names = {prefix for prefix, _ in known.namespaces()}
    spaces = {str(ns) for _, ns in known.namespaces()}
    extra = [(prefix, ns) for prefix, ns in getattr(data, "namespaces", lambda: [])()
             if prefix and prefix not in names and str(ns) not in spaces]
    writer = open_writer(fmt, path, iris)
    try:
        for name, graph in graphs:
            copy = kg_graph(iris)
            for prefix, ns in extra:
                copy.bind(prefix, ns)
            for triple in graph:
                copy.add(triple)
            writer.add(name, copy)
        writer.commit()
    except BaseException as err:
        writer.abort()
        if isinstance(err, OSError):
            raise KgError(f"{path}: cannot write: {err.strerror or err}") from None
        if isinstance(err, Exception) and not isinstance(err, KgError):
            # rdflib refuses a term it cannot write (an IRI with a space, say)
            raise KgError(f"{path}: cannot write {fmt}: {err}") from None
        raise
    return len(graphs)


__all__ = ["CONTEXT_PATH", "FORMATS", "DEFAULT_FORMATS", "parse_formats", "file_name",
           "context", "open_writer", "write_dataset"]
