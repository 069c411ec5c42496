"""kg: a geopolitical knowledge-graph builder.

News articles in; RDF with provenance (TriG/Turtle), SPARQL answers and an offline HTML graph
view out. The command line (`kg build`, `kg query`, `kg render`, `kg evaluate`) is a thin layer
over:

    kg.build(inputs, out_dir)              -> BuildReport         (kg.build module)
    kg.load(paths)                         -> rdflib.Dataset      (kg.graphfiles)
    kg.query(data, sparql_or_name, params) -> rdflib query result (kg.sparql)
    kg.render_html(data, focus=...)        -> str                 (kg.render)
    kg.evaluate(gold, graph)               -> Evaluation          (kg.evaluate)
    kg.open_store(spec)                    -> Store               (kg.stores: memory, oxigraph:DIR,
                                                                    sparql:URL)
    kg.write_dataset(ds, path, fmt)        -> graphs written      (kg.export: trig, turtle, nt,
                                                                    nquads, jsonld)
    kg.merge(inputs, out, fmt=None)        -> MergeReport         (kg.merging: reconciled entities,
                                                                    counted reports)
    kg.validate(graph_files_or_graph)      -> ValidationReport    (kg.validate: SHACL shapes,
                                                                    violations in plain words)
"""
from .errors import KgError

__version__ = "0.1.0"


def build(*args, **kwargs):
    from .builder import build as _build

    return _build(*args, **kwargs)


def load(paths):
    from .graphfiles import load as _load

    return _load(paths)


def query(data, sparql: str, params: dict | None = None):
    """Run SPARQL text, or a canned query by name (see `kg query --list`)."""
    from . import sparql as _query

    if not any(word in sparql.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        sparql = _query.load_query(sparql)
    return _query.run_query(data, sparql, params)


def render_html(data, **options) -> str:
    from .render import render_html as _render

    return _render(data, **options)


def evaluate(gold, graph):
    """Score a graph (Dataset or graph files) against gold facts (a gold JSONL file or
    kg.evaluate.load_gold's list): precision, recall, F1 and more, total and by article."""
    from .evaluate import evaluate as _evaluate

    return _evaluate(gold, graph)


def open_store(spec: str, update_url: str | None = None):
    """A store by name: "memory", "oxigraph:DIR" or "sparql:URL" (see kg.stores)."""
    from .stores import open_store as _open_store

    return _open_store(spec, update_url=update_url)


def merge(inputs, out, fmt: str | None = None, **options):
    """Merge graph files into `out` (a file, or a folder for graph.trig): entities reconciled,
    named graphs kept, each fact's independent reports counted (see kg.merging)."""
    from .merging import merge as _merge

    return _merge(inputs, out, fmt=fmt, **options)


def write_dataset(data, path, fmt: str, base: str | None = None) -> int:
    """Write a Dataset (or Graph, or quads) to `path` as trig, turtle, nt, nquads or jsonld,
    atomically (see kg.export; the VoID description of a Dataset: kg.void.describe_dataset)."""
    from .export import write_dataset as _write

    return _write(data, path, fmt, base)


def validate(data, shapes=None, ontology=None):
    """Check graph files (or a Graph/Dataset) against ontology/shapes.ttl with the ontology:
    a ValidationReport whose violations are in plain words (see kg/validate.py)."""
    from .validate import validate as _validate

    return _validate(data, shapes=shapes, ontology=ontology)


__all__ = ["KgError", "build", "load", "query", "render_html", "evaluate", "open_store", "merge",
           "write_dataset", "validate", "__version__"]
