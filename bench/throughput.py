"""Throughput and memory of `kg build` on a JSONL corpus.

    python bench/throughput.py CORPUS.jsonl [--limit N] [--out DIR]

Prints articles, facts, seconds (model load excluded and included), articles per second and
peak resident memory. Run it on growing --limit values to see that memory stays flat.
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    parser.add_argument("--repeat", type=int, default=1,
                        help="feed the corpus N times (ids suffixed) to see memory stay flat")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    import kg
    from kg.gazetteer import default_gazetteer
    from kg.nlp import load_pipeline

    started = time.perf_counter()
    nlp = load_pipeline(gazetteer=default_gazetteer())
    loaded = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(args.corpus)
        if args.limit or args.repeat > 1:
            source = Path(tmp) / "subset.jsonl"
            with open(source, "w", encoding="utf-8") as dst:
                for round_ in range(args.repeat):
                    with open(args.corpus, encoding="utf-8") as src:
                        for number, line in enumerate(src):
                            if args.limit and number >= args.limit:
                                break
                            record = json.loads(line)
                            record["id"] = f"{record.get('id', number)}-{round_}"
                            dst.write(json.dumps(record) + "\n")
        out = Path(args.out or Path(tmp) / "out")
        t0 = time.perf_counter()
        report = kg.build([source], out, nlp=nlp)
        seconds = time.perf_counter() - t0
        sizes = {f.name: f.stat().st_size for f in report.files}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "articles": report.articles, "entities": report.entities, "facts": report.facts,
        "model_load_seconds": round(loaded, 1), "build_seconds": round(seconds, 1),
        "articles_per_second": round(report.articles / seconds, 2),
        "peak_rss_mb": round(peak_mb), "file_bytes": sizes}, indent=2))


if __name__ == "__main__":
    main()
