"""Writing graph files as the build streams: TriG (a named graph per article) and Turtle.

Files are written to temporary names beside the destination and moved into place only when the
build finishes, so an interrupted build never leaves a half-written graph where a good one was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph, URIRef

from .namespaces import Base


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


def prefix_header(base: Base) -> str:
    from .rdf import new_graph

    graph = new_graph(base)
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
    """Streams graphs into DIR/graph.trig and DIR/graph.ttl."""

    def __init__(self, out_dir: Path, base: Base):
        self.trig = AtomicFile(out_dir / "graph.trig")
        self.ttl = AtomicFile(out_dir / "graph.ttl")
        header = prefix_header(base)
        self.trig.write(header)
        self.ttl.write(header)

    def add(self, name: URIRef, graph: Graph) -> None:
        if len(graph) == 0:
            return
        _, body = turtle_body(graph)
        if '"""' in body:  # a multi-line literal: indenting would change its text
            indented = body
        else:
            indented = "\n".join(("    " + line) if line else line for line in body.split("\n"))
        self.trig.write(f"<{name}> {{\n{indented}\n}}\n\n")
        self.ttl.write(body + "\n\n")

    def commit(self) -> None:
        self.trig.commit()
        self.ttl.commit()

    def abort(self) -> None:
        self.trig.abort()
        self.ttl.abort()
