"""Loading and canned-query times on the memory store (rdflib) and on Oxigraph at ~1M triples.

    python bench/sparql_stores.py GRAPH.trig [--triples 1000000] [--runs 5] [--skip-memory]
                                  [--memory-limit SECONDS] [--queries NAME,...]
                                  [--entity NAME] [--source NAME]

GRAPH.trig is a kg build (for example of the Wikinews corpus: `kg build CORPUS.jsonl -o DIR`).
Its article graphs are replicated — article and fact IRIs get a copy suffix and article titles
the copy number, entities stay shared, as they would across many articles about the same
actors — until the data holds about
--triples quads; the copy is written as N-Quads to a temporary folder. Then, in one process:

- load time of each store (rdflib Dataset parse; Oxigraph bulk load into a fresh folder);
- each canned query (kg/queries/*.rq, with a parameter value where it needs one): median
  seconds of --runs runs, for the store's own engine with every row read ("engine"), and through
  kg's Store.query, which also converts the rows to an rdflib Result ("kg"). On the memory
  store each query runs once, given up after --memory-limit seconds.

Prints a JSON report and a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import signal
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

# the most connected entity and the most frequent source of the Wikinews corpus build
PARAMS = {"entity": "United States", "modality": "planned", "source": "Donald Trump"}


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
    local = (str(base.article), str(base.fact), str(base.graph), base.base + "claim/")
    copies = max(1, round((want - len(entity_quads)) / max(1, len(article_quads))))

    def renamed(term, k):
        if isinstance(term, URIRef) and str(term).startswith(local) and term != entities:
            return URIRef(f"{term}-c{k}")
        return term

    def retitled(p, o, k):  # distinct articles have distinct titles (sorting by title ties less)
        return Literal(f"{o} [{k}]") if p == DCTERMS.title and k else o

    written = 0
    with open(target, "w", encoding="utf-8") as out:
        for s, p, o, g in entity_quads:
            out.write(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n")
            written += 1
        for k in range(copies):
            for s, p, o, g in article_quads:
                out.write(f"{renamed(s, k).n3()} {p.n3()} {retitled(p, renamed(o, k), k).n3()} "
                          f"{renamed(g, k).n3()} .\n")
                written += 1
    return written, copies


class TimeLimit(BaseException):  # not an Exception: kg must not turn it into a KgError
    pass


def timed(run, runs: int, limit: float | None = None) -> float | None:
    """Median seconds of `runs` calls of `run`; None when one call exceeds `limit` seconds
    (SIGALRM: rdflib is pure Python, so the alarm stops it between two bytecodes)."""
    def alarm(signum, frame):
        raise TimeLimit()

    times = []
    for _ in range(runs):
        if limit:
            previous = signal.signal(signal.SIGALRM, alarm)
            signal.setitimer(signal.ITIMER_REAL, limit)
        started = time.perf_counter()
        try:
            run()
        except TimeLimit:
            return None
        finally:
            if limit:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-memory", action="store_true", help="only Oxigraph")
    parser.add_argument("--memory-limit", type=float, default=120.0, metavar="SECONDS",
                        help="give up a memory-store query after this long (default 120; "
                             "rdflib takes minutes per query at 1M triples); memory queries "
                             "run once, not --runs times")
    parser.add_argument("--queries", metavar="NAME,...",
                        help="only these canned queries (default: all)")
    for name, value in PARAMS.items():
        parser.add_argument(f"--{name}", default=value, help=f"parameter value (default {value!r})")
    args = parser.parse_args()
    params_for = {name: getattr(args, name) for name in PARAMS}

    from kg.sparql import default_prefixes, list_queries, load_query
    from kg.stores import MemoryStore, OxigraphStore, check_params, substitute_params

    report: dict = {"params": params_for, "queries": {}}
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

        def ms(seconds):
            return None if seconds is None else round(1000 * seconds, 1)

        only = set(args.queries.split(",")) if args.queries else None
        for info in list_queries():
            if only is not None and info.name not in only:
                continue
            params = {name: params_for[name] for name in info.param_names}
            text = load_query(info.name)
            row = report["queries"].setdefault(info.name, {})
            for name, store in stores.items():
                if name == "oxigraph":
                    sparql = substitute_params(text, check_params(text, params))

                    def engine(store=store, sparql=sparql):
                        return sum(1 for _ in store.store.query(
                            sparql, prefixes=default_prefixes(), use_default_graph_as_union=True))

                    rows = len(store.query(text, params))
                    row[name] = {"rows": rows, "engine_ms": ms(timed(engine, args.runs)),
                                 "kg_ms": ms(timed(lambda s=store, t=text, p=params:
                                                   len(s.query(t, p)), args.runs))}
                else:
                    answer = []
                    seconds = timed(lambda s=store, t=text, p=params:
                                    answer.append(len(s.query(t, p))), 1, args.memory_limit)
                    row[name] = {"rows": answer[0] if answer else None, "kg_ms": ms(seconds),
                                 "limit_s": args.memory_limit}
                print(info.name, name, row[name], flush=True)
        oxigraph.close()

    print(json.dumps(report, indent=2))
    print()
    print("| query | rows | Oxigraph engine ms | Oxigraph via kg ms | memory (rdflib) ms |")
    print("|---|---|---|---|---|")
    for query, row in report["queries"].items():
        ox = row["oxigraph"]
        mem = row.get("memory")
        memory = "–" if mem is None else (
            f"> {mem['limit_s']:g} s" if mem["kg_ms"] is None else f"{mem['kg_ms']}")
        print(f"| {query} | {ox['rows']} | {ox['engine_ms']} | {ox['kg_ms']} | {memory} |")


if __name__ == "__main__":
    main()
