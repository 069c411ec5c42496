"""Loading built graph files (TriG, Turtle, N-Triples, N-Quads, JSON-LD, RDF/XML) into one Dataset.

    ds = load(["output/graph.trig", "ontology/kg.ttl"])

Where the triples go:

- Quad formats (``.trig``, ``.nq``, ``.jsonld``/``.json``) keep their named graphs as they are;
  their default-graph triples go to the Dataset's default graph.
- Triple formats (``.ttl``, ``.nt``, ``.rdf``/``.owl``/``.xml``) go into a named graph called
  after the file, its absolute ``file://`` URI, so that one can still tell which file a triple
  came from (``GRAPH ?g { ... }``).

The Dataset is made with ``default_union=True`` and rdflib's SPARQL engine queries the union of
all graphs by default, so queries without ``GRAPH`` patterns see every triple whatever the
input format.

Any problem (missing file, unknown extension, syntax error) raises :class:`KgError` with one
line naming the file, and the line number when the parser reports one.
"""
from __future__ import annotations

import json
import xml.sax
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph, URIRef

from kg.errors import KgError

# extension -> (rdflib format, is a quad format)
FORMATS: dict[str, tuple[str, bool]] = {
    ".trig": ("trig", True),
    ".nq": ("nquads", True),
    ".jsonld": ("json-ld", True),
    ".json": ("json-ld", True),
    ".ttl": ("turtle", False),
    ".nt": ("nt", False),
    ".rdf": ("xml", False),
    ".owl": ("xml", False),
    ".xml": ("xml", False),
}


def format_for(path: str | Path) -> str:
    """The rdflib parser name for a file, from its extension; KgError if unknown."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise KgError(f"{path}: unknown file extension {path.suffix or '(none)'!r} (expected one of {known})")
    return fmt[0]


def load(paths: Iterable[str | Path]) -> Dataset:
    """Load graph files into one ``Dataset(default_union=True)`` (see the module docstring)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    ds = Dataset(default_union=True)
    for p in paths:
        load_into(ds, p)
    return ds


def load_into(ds: Dataset, path: str | Path) -> None:
    """Parse one file into an existing Dataset; KgError on any problem."""
    path = Path(path)
    if not path.exists():
        raise KgError(f"{path}: no such file")
    if not path.is_file():
        raise KgError(f"{path}: not a file")
    fmt = format_for(path)
    quads = FORMATS[path.suffix.lower()][1]
    try:
        if quads:
            ds.parse(source=str(path), format=fmt)
        else:
            ds.graph(URIRef(path.resolve().as_uri())).parse(source=str(path), format=fmt)
    except KgError:
        raise
    except Exception as e:  # parsers raise many different exception types
        raise KgError(_describe(path, fmt, e)) from None


def _describe(path: Path, fmt: str, e: Exception) -> str:
    """One line: file, line number when known, and the parser's reason."""
    line: int | None = None
    reason = ""
    name = type(e).__name__
    if name == "BadSyntax":  # rdflib's Turtle/TriG/N3 parser
        line = getattr(e, "lines", None)
        line = line + 1 if isinstance(line, int) else None
        reason = f"bad syntax ({getattr(e, '_why', '')})"
    elif isinstance(e, xml.sax.SAXParseException):
        line = e.getLineNumber()
        reason = e.getMessage()
    elif isinstance(e, json.JSONDecodeError):
        line = e.lineno
        reason = e.msg
    elif isinstance(e, UnicodeDecodeError):
        reason = f"not UTF-8 text ({e.reason} at byte {e.start})"
    else:
        reason = str(e)
        if fmt in ("nt", "nquads"):
            line = _first_bad_line(path, fmt)
    reason = " ".join(reason.split()) or name
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: cannot parse as {fmt}: {reason}"


def _first_bad_line(path: Path, fmt: str) -> int | None:
    """N-Triples/N-Quads are line based: find the first line that does not parse on its own."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for n, text in enumerate(lines, 1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            if fmt == "nquads":
                Dataset().parse(data=text + "\n", format=fmt)
            else:
                Graph().parse(data=text + "\n", format=fmt)
        except Exception:
            return n
    return None


__all__ = ["load", "load_into", "format_for", "FORMATS"]
