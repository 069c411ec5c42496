"""Loading and canned-query times on the memory store (rdflib) and on Oxigraph at ~1M triples.

    python bench/sparql_stores.py GRAPH.trig [--triples 1000000] [--runs 5] [--skip-memory]

GRAPH.trig is a kg build (for example of the Wikinews corpus: `kg build CORPUS.jsonl -o DIR`).
Its article graphs are replicated — article and fact IRIs get a copy suffix, entities stay
shared, as they would across many articles about the same actors — until the data holds about
--triples quads; the copy is written as N-Quads to a temporary folder. Then, in one process:

- load time of each store (rdflib Dataset parse; Oxigraph bulk load into a fresh folder);
- each canned query (kg/queries/*.rq, with a parameter value where it needs one): median
  seconds of --runs runs, for the store's own engine with every row read ("engine"), and through
  kg's Store.query, which also converts the rows to an rdflib Result ("kg").

Prints a JSON report and a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, URIRef

PARAMS = {"entity": "United States", "modality": "planned", "source": "Reuters"}


def replicate(source: Path, target: Path, want: int) -> tuple[int, int]:
    """Write copies of `source`'s article graphs (entities once) as N-Quads to `target`."""
    from kg.namespaces import Base

    base = Base()
    data = Dataset()
    data.parse(source, format="trig")
    entities = URIRef(str(base.entities_graph))
    article_quads, entity_quads = [], []
    for s, p, o, g in data.quads():
        (entity_quads if g == entities else article_quads).append((s, p, o, g))
    local = (str(base.article), str(base.fact), str(base.graph))
    copies = max(1, round((want - len(entity_quads)) / max(1, len(article_quads))))

    def renamed(term, k):
        if isinstance(term, URIRef) and str(term).startswith(local) and term != entities:
            return URIRef(f"{term}-c{k}")
        return term

    written = 0
    with open(target, "w", encoding="utf-8") as out:
        for s, p, o, g in entity_quads:
            out.write(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n")
            written += 1
        for k in range(copies):
            for s, p, o, g in article_quads:
                out.write(f"{renamed(s, k).n3()} {p.n3()} {renamed(o, k).n3()} "
                          f"{renamed(g, k).n3()} .\n")
                written += 1
    return written, copies


def median_seconds(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-memory", action="store_true",
                        help="only Oxigraph (rdflib takes minutes per query at this size)")
    args = parser.parse_args()

    from kg.sparql import default_prefixes, list_queries, load_query
    from kg.stores import MemoryStore, OxigraphStore, check_params, substitute_params

    report: dict = {"queries": {}}
    with tempfile.TemporaryDirectory() as tmp:
        nquads = Path(tmp) / "replicated.nq"
        report["quads"], report["copies"] = replicate(Path(args.graph), nquads, args.triples)

        stores = {}
        started = time.perf_counter()
        oxigraph = OxigraphStore(Path(tmp) / "oxigraph")
        oxigraph.load_file(nquads)
        report["load_seconds_oxigraph"] = round(time.perf_counter() - started, 2)
        stores["oxigraph"] = oxigraph
        if not args.skip_memory:
            started = time.perf_counter()
            memory = MemoryStore()
            memory.load_file(nquads)
            report["load_seconds_memory"] = round(time.perf_counter() - started, 2)
            stores["memory"] = memory

        for info in list_queries():
            params = {name: PARAMS[name] for name in info.param_names}
            text = load_query(info.name)
            row = report["queries"].setdefault(info.name, {})
            for name, store in stores.items():
                if name == "oxigraph":
                    sparql = substitute_params(text, check_params(text, params))

                    def engine(store=store, sparql=sparql):
                        return sum(1 for _ in store.store.query(
                            sparql, prefixes=default_prefixes(), use_default_graph_as_union=True))
                else:
                    def engine(store=store, text=text, params=params):
                        return sum(1 for _ in store.query(text, params))
                rows = len(store.query(text, params))
                row[name] = {"rows": rows,
                             "engine_ms": round(1000 * median_seconds(engine, args.runs), 1),
                             "kg_ms": round(1000 * median_seconds(
                                 lambda s=store, t=text, p=params: len(s.query(t, p)), args.runs), 1)}
        oxigraph.close()

    print(json.dumps(report, indent=2))
    names = [n for n in ("memory", "oxigraph") if n in stores]
    print()
    print("| query | rows | " + " | ".join(f"{n} engine ms | {n} kg ms" for n in names) + " |")
    print("|---|---|" + "---|---|" * len(names))
    for query, row in report["queries"].items():
        cells = " | ".join(f"{row[n]['engine_ms']} | {row[n]['kg_ms']}" for n in names)
        print(f"| {query} | {row[names[-1]]['rows']} | {cells} |")


if __name__ == "__main__":
    main()
