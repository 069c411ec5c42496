"""Writing graph files as the build streams: TriG (a named graph per article) and Turtle, or the
other formats of kg.export (N-Triples, N-Quads, JSON-LD).

Files are written to temporary names beside the destination and moved into place only when the
build finishes, so an interrupted build never leaves a half-written graph where a good one was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph, URIRef

from .namespaces import RDF, RDFS, XSD, Base, bind_prefixes


def turtle_body(graph: Graph) -> tuple[list[str], str]:
    """Turtle of `graph` split into its prefix lines and the rest."""
    text = graph.serialize(format="turtle")
    # split on "\n" only: str.splitlines() also breaks at U+2028, U+0085, form feed... which
    # rdflib leaves raw inside literals; only the leading prefix block is prefixes (a line of a
    # multi-line literal may start with "@prefix" too)
    lines = text.split("\n")
    head = 0
    while head < len(lines) and (lines[head].startswith("@prefix") or not lines[head].strip()):
        head += 1
    prefixes = [line for line in lines[:head] if line.strip()]
    return prefixes, "\n".join(lines[head:]).strip("\n")


def kg_graph(base: Base) -> Graph:
    """An empty Graph with kg's prefixes (those of prefix_header) and no others."""
    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph, base)
    for prefix, ns in (("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD)):
        graph.bind(prefix, ns)
    return graph


def prefix_header(base: Base) -> str:
    graph = kg_graph(base)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(graph.namespaces()) if p]
    return "\n".join(lines) + "\n\n"


def _new_file_mode() -> int:
    """The mode open() would give a new file: 0666 less the process umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class AtomicFile:
    """A text file written under a temporary name and renamed into place by `commit()`."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        self.tmp = Path(tmp)
        os.chmod(tmp, _new_file_mode())  # mkstemp makes 0600; a finished file gets the usual mode
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self.handle.write(text)

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    out = AtomicFile(path)
    try:
        out.write(text)
        out.commit()
    except BaseException:
        out.abort()
        raise


class GraphWriter:
    """Streams graphs into DIR/graph.trig and DIR/graph.ttl, or into the files of `formats`
    (kg.export.FORMATS: trig, turtle, nt, nquads, jsonld -> graph.trig, .ttl, .nt, .nq, .jsonld)."""

    def __init__(self, out_dir: Path, base: Base, formats=("trig", "turtle")):
        from .export import file_name, open_writer  # kg.export builds on this module's AtomicFile

        self.files = [out_dir / file_name(fmt) for fmt in formats]
        self.writers = []
        try:
            for fmt, path in zip(formats, self.files):
                self.writers.append(open_writer(fmt, path, base))
        except BaseException:
            self.abort()
            raise

    def add(self, name: URIRef, graph: Graph) -> None:
        for writer in self.writers:
            writer.add(name, graph)

    def commit(self) -> None:
        for writer in self.writers:
            writer.commit()

    def abort(self) -> None:
        for writer in self.writers:
            writer.abort()
